//! A stored result record as one side of `repro compare`.

use std::path::Path;

use repro_audit::verify::{CompareError, Side};

use super::{load, RunMetrics};

/// A result record: its score and converged runs, in minutes like the official scores.
pub fn compare_side(path: &Path) -> Result<Side, CompareError> {
    let stored = load(path).map_err(|e| CompareError::Record(path.to_owned(), e.to_string()))?;
    let record = stored.record;
    let score = record.score_s.ok_or_else(|| {
        CompareError::NoScore(
            path.to_owned(),
            format!("the result's verdict is `{}`", record.verdict.label()),
        )
    })? / 60.0;
    let runs: Vec<&RunMetrics> = record
        .runs
        .iter()
        .filter_map(|r| r.metrics.as_ref())
        .filter(|m| m.converged && m.ttt_s.is_some())
        .collect();
    let per_minute = |m: &&RunMetrics| {
        m.samples_to_converge.unwrap_or(f64::NAN) / (m.ttt_s.unwrap_or(f64::NAN) / 60.0)
    };
    let dropped_allowed = record.dropped_allowed.ok_or_else(|| {
        CompareError::Record(
            path.to_owned(),
            "field `dropped_allowed` is missing (a record from an older repro): the runs the olympic mean may drop are unknown\nhelp: rerun the plan".to_owned(),
        )
    })?;
    Ok(Side {
        path: path.to_owned(),
        benchmark: None,
        dropped_allowed,
        score,
        factor: 1.0,
        ttt: runs
            .iter()
            .filter_map(|m| m.ttt_s)
            .map(|s| s / 60.0)
            .collect(),
        samples: runs.iter().filter_map(|m| m.samples_to_converge).collect(),
        throughput: runs.iter().map(per_minute).collect(),
        accelerators: record.accelerators(),
        accelerator: record
            .environment
            .gpu
            .devices
            .first()
            .map(|g| g.name.clone()),
    })
}

/// A benchmark folder, or a saved result record (`.json`, as `repro run` stores it).
pub fn read_side(path: &Path, ruleset: &str) -> Result<Side, CompareError> {
    if path.extension().is_some_and(|e| e == "json") && path.is_file() {
        return compare_side(path);
    }
    Side::from_folder(path, ruleset)
}
