//! Launch: turning a plan's values into a script that a shell runs without surprises.
//!
//! Design: every value that reaches a shell goes through [`quote`], and template rendering
//! ([`Template`]) makes quoting the *default* by installing [`quote`] as tera's escape
//! function for every template. A template author opts out per value with `| safe`, which
//! is visible in review. Rank environments ([`RankEnv`]) and free ports ([`free_port`]) live
//! here too, because the Local and Slurm executors both need them.

mod error;
mod port;
mod quote;
mod rank_env;
mod template;

pub use error::LaunchError;
pub use port::free_port;
pub use quote::quote;
pub use rank_env::RankEnv;
pub use template::Template;
