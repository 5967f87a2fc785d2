//! Errors reading rule files.

use std::path::PathBuf;

/// A rule file that could not be read or does not follow the rule syntax.
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    /// The file could not be read.
    #[error("cannot read rule file `{path}`: {cause}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        cause: std::io::Error,
    },
    /// The text does not follow the rule syntax.
    #[error("{path}:{line}:{col}: {message}")]
    Syntax {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: u32,
        /// 1-based column.
        col: u32,
        /// What was expected.
        message: String,
    },
}
