//! Small pure statistics functions, each with its source cited and tests beside it.
//!
//! Nothing here knows about MLPerf or files: inputs are slices of `f64`, outputs are numbers.
//! The MLPerf scorer, the RCP check and `repro compare` are built on top of them, and the
//! local runner reuses them. Where a function mirrors a numpy/scipy call the official MLPerf
//! tools make, the doc comment names that call, and the tests pin values computed by scipy.

mod beta;
mod bootstrap;
mod olympic;
mod student_t;

pub use beta::{ln_gamma, regularized_incomplete_beta};
pub use bootstrap::{
    bootstrap_paired_ratio_ci, bootstrap_ratio_ci, ConfidenceInterval, SplitMix64,
};
pub use olympic::{interp, mean, olympic_drops, olympic_mean, population_std};
pub use student_t::{student_t_sf, ttest_ind_from_stats, TTest};
