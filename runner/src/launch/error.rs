use std::path::PathBuf;

/// Why a launch script could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum LaunchError {
    #[error("cannot read launch template `{path}`: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid launch template `{name}`: {message}")]
    Parse { name: String, message: String },
    #[error("cannot render launch template `{name}`: {message}")]
    Render { name: String, message: String },
    #[error("value of `{field}` contains the control character {}, which would end a script line or a `#SBATCH` directive\nhelp: remove it from the spec value (`repro check` refuses it too)", repro_compiler::names::describe_char(*.character))]
    ControlChar { field: String, character: char },
    #[error("cannot write launch script `{path}`: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("no free TCP port on 127.0.0.1: {0}")]
    Port(std::io::Error),
}
