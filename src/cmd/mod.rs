//! One module per subcommand. Each exposes `Args` (clap) and `run(Args) -> Result<Exit>`.

pub mod check;
pub mod collect;
pub mod fmt;
pub mod slurm_preflight;
pub mod status;
