//! The repro runner: locked plans in, results, verdicts and diffs out.
//!
//! Execution ([`exec`]) and reporting talk only through [`events::Event`]s; the session
//! drives one plan through probe -> launch -> observe -> store.

pub mod diff;
pub mod events;
pub mod exec;
pub mod health;
pub mod launch;
pub mod probe;
pub mod report;
pub mod session;
pub mod slurm;
pub mod store;
