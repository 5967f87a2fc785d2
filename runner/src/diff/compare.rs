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
    if let Some((c, b)) = paired(current, baseline, pick) {
        return MetricDiff::new(name, unit, higher_is_better, c, b, true, current.tolerance);
    }
    let values = |r: &ResultRecord| converged(r).filter_map(|(_, m)| pick(m)).collect();
    MetricDiff::new(
        name,
        unit,
        higher_is_better,
        values(current),
        values(baseline),
        false,
        current.tolerance,
    )
}

/// Both sides' values ordered by seed, when both ran exactly the same seeds and every run has
/// the metric: then run `i` of one side is the same experiment as run `i` of the other, and
/// the paired bootstrap applies. `None` otherwise (the unpaired bootstrap is used).
fn paired(
    current: &ResultRecord,
    baseline: &ResultRecord,
    pick: fn(&RunMetrics) -> Option<f64>,
) -> Option<(Vec<f64>, Vec<f64>)> {
    let by_seed = |r: &ResultRecord| -> Option<std::collections::BTreeMap<u64, f64>> {
        let map: std::collections::BTreeMap<u64, f64> = converged(r)
            .map(|(seed, m)| Some((seed, pick(m)?)))
            .collect::<Option<_>>()?;
        (map.len() == r.runs.len()).then_some(map)
    };
    let (c, b) = (by_seed(current)?, by_seed(baseline)?);
    if !c.keys().eq(b.keys()) {
        return None;
    }
    Some((c.into_values().collect(), b.into_values().collect()))
}

/// Metrics of the runs that converged: a failed run has no time to train to compare.
fn converged(record: &ResultRecord) -> impl Iterator<Item = (u64, &RunMetrics)> {
    record
        .runs
        .iter()
        .filter_map(|r| Some((r.seed, r.metrics.as_ref()?)))
        .filter(|(_, m)| m.converged)
}

/// The first 12 characters of an id, enough to name it in messages.
pub fn short(id: &str) -> String {
    id.chars().take(12).collect()
}
