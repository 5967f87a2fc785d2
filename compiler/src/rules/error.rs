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
    /// Package-level data in a round's rule files is missing or has the wrong shape.
    #[error("rule set `{set}`: attribute `{attribute}` {expected}")]
    RuleData {
        /// The rule set.
        set: String,
        /// The attribute.
        attribute: String,
        /// What was expected.
        expected: String,
    },
    /// A round's RCP reference file is malformed.
    #[error("RCP file `{file}`: {message}")]
    Rcp {
        /// The file.
        file: String,
        /// What is wrong.
        message: String,
    },
}
