//! The RCP (reference convergence point) check, as `rcp_checker.check_directory` does it.
//!
//! A closed-division submission must not converge significantly faster (in epochs or samples)
//! than the reference runs at its global batch size. References are pruned (records left of
//! the fastest-converging one, and points above the interpolation of their neighbours, go),
//! the submission's batch size is looked up or interpolated, and the fastest acceptable mean
//! is found by bisection on a one-sided two-sample t-test (`stats::ttest_ind_from_stats`).
//! A submission that passes but converges faster than the reference mean gets its score
//! scaled by `reference mean / submission mean` (the official `scaling.json`, which repro
//! computes without writing).

mod check;
mod record;
mod run;
mod table;

pub use check::{check_runs, RcpCheck, RcpLookup};
pub use record::RcpRecord;
pub use run::{read_run, RcpRun, NOT_CONVERGED};
pub use table::RcpTable;
