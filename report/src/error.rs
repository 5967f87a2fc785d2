use crate::Format;

/// Why a report could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The command has no rendering in that format.
    #[error("`--format {}` does not apply to `repro {command}`\nhelp: use one of {}", .format.name(), .supported.join(", "))]
    Unsupported {
        /// The command.
        command: &'static str,
        /// The format asked for.
        format: Format,
        /// The formats it has.
        supported: &'static [&'static str],
    },
    /// The JUnit writer failed.
    #[error("cannot write JUnit XML: {0}")]
    Junit(String),
    /// The report could not be serialized.
    #[error("cannot serialize the report: {0}")]
    Json(#[from] serde_json::Error),
}
