use serde::Serialize;

use super::{DiffError, DiffVerdict, GroupDifference, MetricDiff};
use crate::store::{ResultRecord, RunMetrics, Stored};

/// How to compare.
#[derive(Debug, Clone, Copy, Default)]
pub struct DiffOptions {
    /// Compare even when hardware or software groups differ (the differences are listed).
    pub across_locks: bool,
}

/// A result against a baseline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diff {
    pub current: String,
    pub baseline: String,
    pub tolerance: f64,
    /// The two scores (olympic mean of time to train, seconds), for the record; the verdict
    /// comes from the per-run metrics, which carry the spread the scores hide.
    pub score_s: Option<f64>,
    pub baseline_score_s: Option<f64>,
    /// Non-empty only with `across_locks`.
    pub lock_differences: Vec<GroupDifference>,
    pub metrics: Vec<MetricDiff>,
    pub verdict: DiffVerdict,
}

/// Compares `current` with `baseline` using the current result's tolerance (the spec's).
pub fn diff(current: &Stored, baseline: &Stored, options: DiffOptions) -> Result<Diff, DiffError> {
    let (c, b) = (&current.record, &baseline.record);
    let mut differences = GroupDifference::between("hardware", &c.hardware, &b.hardware);
    differences.extend(GroupDifference::between(
        "software",
        &c.software,
        &b.software,
    ));
    if !differences.is_empty() && !options.across_locks {
        return Err(DiffError::AcrossLocks {
            current: short(&current.id),
            baseline: short(&baseline.id),
            differences,
        });
    }
    let metrics = vec![
        metric("time_to_train", "s", false, c, b, |m| m.ttt_s),
        metric("throughput", "samples/s", true, c, b, |m| m.throughput),
        metric("samples_to_converge", "samples", false, c, b, |m| {
            m.samples_to_converge
        }),
    ];
    let verdict = DiffVerdict::worst(metrics.iter().map(|m| m.verdict));
    Ok(Diff {
        current: current.id.clone(),
        baseline: baseline.id.clone(),
        tolerance: c.tolerance,
        score_s: c.score_s,
        baseline_score_s: b.score_s,
        lock_differences: differences,
        metrics,
        verdict,
    })
}

fn metric(
    name: &'static str,
    unit: &'static str,
    higher_is_better: bool,
    current: &ResultRecord,
    baseline: &ResultRecord,
    pick: fn(&RunMetrics) -> Option<f64>,
) -> MetricDiff {
    let values = |r: &ResultRecord| converged(r).filter_map(pick).collect();
    MetricDiff::new(
        name,
        unit,
        higher_is_better,
        values(current),
        values(baseline),
        current.tolerance,
    )
}

/// Metrics of the runs that converged: a failed run has no time to train to compare.
fn converged(record: &ResultRecord) -> impl Iterator<Item = &RunMetrics> {
    record
        .runs
        .iter()
        .filter_map(|r| r.metrics.as_ref())
        .filter(|m| m.converged)
}

/// The first 12 characters of an id, enough to name it in messages.
pub fn short(id: &str) -> String {
    id.chars().take(12).collect()
}
