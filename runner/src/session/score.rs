use serde::Serialize;

use crate::store::RunRecord;
use repro_audit::stats::{mean, olympic_mean};

/// The plan's score from its runs, by the MLPerf rule.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Score {
    /// Olympic mean of time to train over converged runs, seconds; `None` when too many runs
    /// failed.
    pub ttt_s: Option<f64>,
    pub converged: usize,
    pub dropped: usize,
}

/// Runs allowed not to converge (MLPerf's M = 1 for every v4.1 benchmark).
const ALLOWED_FAILURES: usize = 1;

/// MLPerf's olympic scoring (`result_summarizer`): with D non-converged runs (D <= 1), drop
/// the fastest and the (1 - D) slowest converged runs and average the rest; a failed run
/// stands in for the slowest. With fewer than three runs nothing can be dropped and the plain
/// mean of the converged runs is the score (a smoke plan may ask for one run).
pub fn score_runs(runs: &[RunRecord]) -> Score {
    let ttts: Vec<f64> = runs
        .iter()
        .filter_map(|r| r.metrics.as_ref())
        .filter(|m| m.converged)
        .filter_map(|m| m.ttt_s)
        .collect();
    let dropped = runs.len() - ttts.len();
    let ttt_s = if dropped > ALLOWED_FAILURES || ttts.is_empty() {
        None
    } else if runs.len() >= 3 {
        olympic_mean(&ttts, 1, ALLOWED_FAILURES - dropped)
    } else {
        Some(mean(&ttts))
    };
    Score {
        ttt_s,
        converged: ttts.len(),
        dropped,
    }
}
