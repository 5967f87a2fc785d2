//! Errors reading a lock file. A lock is machine-written, so these name the file and the field
//! and say what was expected; there is no span into a spec to point at.

use std::path::PathBuf;

/// Why a lock file could not be read or trusted.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("cannot read lock `{path}`: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("lock `{path}` is not valid TOML: {message}")]
    Syntax { path: PathBuf, message: String },
    #[error("lock `{path}`: field `{field}` {problem}\nhelp: regenerate it with `repro lock`")]
    Field {
        path: PathBuf,
        field: String,
        problem: String,
    },
    #[error(
        "lock `{path}` has format version {found}, this repro reads version {supported}\nhelp: {help}"
    )]
    Version {
        path: PathBuf,
        found: i64,
        supported: i64,
        help: &'static str,
    },
}
