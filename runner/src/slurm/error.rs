use std::path::PathBuf;

/// Why a Slurm run could not be rendered, submitted, tracked or collected. A job that ran
/// and failed is not an error: it is a [`super::SlurmOutcome`].
#[derive(Debug, thiserror::Error)]
pub enum SlurmError {
    #[error("`sbatch` was not found on `PATH`, so this machine cannot submit Slurm jobs\nhelp: use `--dry-run` to print the sbatch script, or `--executor local` to run on this machine")]
    NoSbatch,
    #[error("`{program}` could not be started: {error}")]
    Spawn {
        program: String,
        error: std::io::Error,
    },
    #[error("`{command}` failed with exit code {code:?}: {stderr}")]
    Command {
        command: String,
        code: Option<i32>,
        stderr: String,
    },
    #[error("`sbatch --parsable` printed `{output}`, expected a job id")]
    JobId { output: String },
    #[error("invalid value for `{field}`: {message}")]
    Request { field: String, message: String },
    #[error("{0}")]
    Launch(#[from] crate::launch::LaunchError),
    // The io errors are fields, not `#[source]`s: the message already contains them and a
    // `help:` line must stay last when the CLI prints the error chain.
    #[error("cannot write `{path}`: {error}")]
    Write {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("cannot read `{path}`: {error}")]
    Read {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("`{folder}` is not a Slurm run folder: it has no `{file}`\nhelp: pass the run folder that `repro run --executor slurm` printed")]
    NotRunFolder { folder: PathBuf, file: String },
    #[error("invalid `{path}` at line {line}, column {column}: {message}")]
    Parse {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{0}")]
    Probe(#[from] crate::probe::ProbeError),
    #[error("{0}")]
    Health(#[from] crate::health::HealthError),
    #[error("{0}")]
    Score(#[from] crate::session::ScoreError),
    #[error("{0}")]
    Store(#[from] crate::store::StoreError),
    #[error("`SLURMD_NODENAME` is not set: the node preflight runs only inside a Slurm step\nhelp: it is started by the sbatch script through `srun`")]
    NotInStep,
}

impl SlurmError {
    /// The parse error for JSON file `path`.
    pub(crate) fn json(path: &std::path::Path, e: &serde_json::Error) -> SlurmError {
        SlurmError::Parse {
            path: path.to_path_buf(),
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        }
    }
}
