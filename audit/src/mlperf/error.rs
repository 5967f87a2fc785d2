//! Errors of the MLPerf stage.

use std::path::PathBuf;

/// Input that could not be read at all (as opposed to a log that fails compliance, which is a
/// verdict, not an error).
#[derive(Debug, thiserror::Error)]
pub enum MlperfError {
    /// A file or folder could not be read.
    #[error("cannot read `{path}`: {cause}")]
    Io {
        /// What.
        path: PathBuf,
        /// Why.
        cause: std::io::Error,
    },
    /// A rule file is malformed.
    #[error(transparent)]
    Rules(#[from] repro_compiler::rules::RulesError),
}
