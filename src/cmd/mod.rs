//! One module per subcommand. Each exposes `Args` (clap) and `run(Args) -> Result<Exit>`.

pub mod check;
pub mod compare;
pub mod fmt;
pub mod verify;
