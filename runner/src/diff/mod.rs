//! Diff: one result against a baseline (the prior result of the same plan, or a named one).
//!
//! Design: three metrics are compared run by run (time to train, throughput, samples to
//! converge); each gets a percentile-bootstrap confidence interval of the ratio of means
//! (`repro_audit::stats::bootstrap_ratio_ci`, seeded, so a diff is reproducible) and a verdict
//! against the spec's tolerance. Results from different hardware or software groups are not
//! comparable; [`diff`] refuses them unless asked to compare across locks, and then lists
//! what differs.

mod compare;
mod diff_verdict;
mod error;
mod group_difference;
mod metric;

pub use compare::{diff, Diff, DiffOptions};
pub use diff_verdict::DiffVerdict;
pub use error::DiffError;
pub use group_difference::GroupDifference;
pub use metric::{MetricDiff, MIN_RUNS};
