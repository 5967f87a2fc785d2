//! One module per subcommand. Each exposes `Args` (clap) and `run(Args) -> Result<Exit>`.

pub mod baseline;
pub mod check;
pub mod collect;
pub mod compare;
pub mod compile_flags;
pub mod diff;
pub mod fmt;
pub mod format;
pub mod import;
pub mod lock;
pub mod lock_diff;
pub mod plan;
pub mod probe;
pub mod rules;
pub mod run;
pub mod run_slurm;
pub mod slurm_preflight;
pub mod status;
pub mod verify;
