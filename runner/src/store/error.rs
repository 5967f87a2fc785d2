use std::path::PathBuf;

/// Why the store could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot write result store `{path}`: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot read result store `{path}`: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid result record `{path}` at line {line}, column {column}: {message}")]
    Parse {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("result record `{path}` does not match its name (content hash `{actual}`)\nhelp: the file was edited or damaged; restore it or remove it")]
    Tampered { path: PathBuf, actual: String },
    #[error("no result matches `{query}` in `{store}`\nhelp: list results with `ls {store}/*/`")]
    NotFound { query: String, store: PathBuf },
    #[error("`{query}` matches several results: {matches}\nhelp: give more characters of the id")]
    Ambiguous { query: String, matches: String },
    #[error("no earlier result for plan `{plan}` in `{store}`\nhelp: run `repro run` once without `--compare`, or name a baseline")]
    NoPrior { plan: String, store: PathBuf },
    #[error("invalid plan name `{plan}`: {reason}\nhelp: a name is letters, digits, `_`, `-`, `.` and `+`, starting with a letter, a digit or `_`, without `..` (see `docs/language.md`, section Names of runs and plans)")]
    PlanName {
        plan: String,
        reason: repro_compiler::names::NameError,
    },
    #[error("cannot hash log `{path}`: {source}")]
    Log {
        path: PathBuf,
        source: std::io::Error,
    },
}
