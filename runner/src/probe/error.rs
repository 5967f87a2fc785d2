use std::path::PathBuf;

/// Why a recorded probe could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    #[error("cannot read probe record `{path}` (from `REPRO_PROBE_OVERRIDE`): {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid probe record `{path}` at line {line}, column {column}: {message}\nhelp: write the record with `repro probe --format json`")]
    Parse {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
}
