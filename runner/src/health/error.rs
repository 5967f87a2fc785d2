use std::path::PathBuf;

/// Why a health input (an envelope file, a recorded health record) could not be used.
#[derive(Debug, thiserror::Error)]
pub enum HealthError {
    #[error("cannot read `{path}`: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid health record `{path}` at line {line}, column {column}: {message}\nhelp: write the record with `repro probe --health --format json`")]
    Parse {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("invalid envelope file `{path}`: {message}\nhelp: see `envelopes/README.md` for the fields an envelope file has")]
    Envelope { path: PathBuf, message: String },
    #[error("envelope files `{first}` and `{second}` both claim the GPU name `{name}`\nhelp: list each GPU name in one envelope file only")]
    Duplicate {
        name: String,
        first: PathBuf,
        second: PathBuf,
    },
}
