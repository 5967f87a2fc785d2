//! The official score of one benchmark folder: compliance per run, time to train, olympic
//! mean with non-compliant runs counted as dropped, and the RCP scaling factor.

use super::rcp::{self, RcpCheck, RcpRun, RcpTable};
use super::run_result::RunResult;
use crate::stats::{mean, olympic_drops, olympic_mean as olympic_mean_of};

/// Minutes, the unit of MLPerf Training scores.
pub type Minutes = f64;

/// What happened to one run in the olympic mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RunUse {
    /// Averaged.
    Used,
    /// Dropped as the fastest compliant run.
    DroppedFastest,
    /// Dropped as the slowest compliant run.
    DroppedSlowest,
    /// Not compliant: not scored, counts as the dropped slowest run.
    NonCompliant,
}

/// The score of one benchmark folder.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BenchmarkScore {
    /// The runs, sorted by file name, with their role in the mean.
    pub runs: Vec<RunResult>,
    /// Non-compliant runs.
    pub dropped: usize,
    /// Olympic mean of the compliant TTTs; `None` with too many dropped runs.
    pub olympic_mean: Option<Minutes>,
    /// The RCP check (closed division only).
    pub rcp: Option<RcpCheck>,
    /// Olympic mean × RCP scaling factor: the official score.
    pub score: Option<Minutes>,
    /// Why there is no score, when there is none.
    pub no_score_reason: Option<String>,
    /// Olympic mean of the energies (joules) of the runs the time score averages, ranked by
    /// time as `_index_olympic_average` does; unscaled. `None` without power logs; the
    /// reason when some compliant run's energy cannot be computed.
    pub energy_mean: Option<Result<f64, String>>,
}

/// Scores checked runs: `_compute_strong_score_standalone` plus the RCP factor, with the RCP
/// rules of the round `ruleset` (`mlperf-training-5.0`).
pub fn score_benchmark(
    mut runs: Vec<RunResult>,
    rcp_table: Option<&RcpTable>,
    dropped_allowed: usize,
    ruleset: &str,
) -> BenchmarkScore {
    runs.sort_by(|a, b| a.path.cmp(&b.path));
    let dropped = runs.iter().filter(|r| r.ttt.is_none()).count();
    let mut order: Vec<usize> = (0..runs.len()).filter(|&i| runs[i].ttt.is_some()).collect();
    order.sort_by(|&a, &b| {
        runs[a]
            .ttt
            .unwrap_or(0.0)
            .total_cmp(&runs[b].ttt.unwrap_or(0.0))
    });
    let (mut olympic_mean, mut no_score_reason, mut energy_mean) = (None, None, None);
    if let Some((low, high)) = olympic_drops(dropped, dropped_allowed) {
        let counted = order.len().saturating_sub(high);
        let kept = order.get(low..counted).unwrap_or_default();
        for (rank, &i) in order.iter().enumerate() {
            runs[i].used = if rank < low {
                RunUse::DroppedFastest
            } else if rank >= counted {
                RunUse::DroppedSlowest
            } else {
                RunUse::Used
            };
        }
        let ttts: Vec<f64> = order.iter().filter_map(|&i| runs[i].ttt).collect();
        olympic_mean = olympic_mean_of(&ttts, low, high);
        if olympic_mean.is_none() {
            no_score_reason = Some("no run left to average after olympic dropping".to_owned());
        }
        energy_mean = energy_olympic(&runs, &order, kept);
    } else {
        no_score_reason = Some(format!("too many non-converging runs: {dropped} failed compliance, at most {dropped_allowed} may"));
    }
    let rcp = rcp_table.map(|t| {
        let rr: Vec<RcpRun> = runs.iter().map(|r| r.rcp.clone()).collect();
        rcp::check_runs(&rr, t, ruleset)
    });
    let factor = rcp.as_ref().map_or(1.0, |c| c.scaling_factor);
    BenchmarkScore {
        score: olympic_mean.map(|m| m * factor),
        runs,
        dropped,
        olympic_mean,
        rcp,
        no_score_reason,
        energy_mean,
    }
}

/// The energy score's mean: the official summarizer computes every compliant run's energy
/// (a failure on any stops it), then averages those of the runs the time score keeps.
fn energy_olympic(
    runs: &[RunResult],
    order: &[usize],
    kept: &[usize],
) -> Option<Result<f64, String>> {
    let mut any = false;
    for &i in order {
        match &runs[i].energy {
            Some(Err(why)) => {
                let file = runs[i].path.display();
                return Some(Err(format!("energy of {file}: {why}")));
            }
            Some(Ok(_)) => any = true,
            None => {}
        }
    }
    if !any {
        return None;
    }
    let e: Vec<f64> = kept
        .iter()
        .filter_map(|&i| runs[i].energy.clone()?.ok())
        .collect();
    if e.is_empty() {
        return Some(Err(
            "no run left to average after olympic dropping".to_owned()
        ));
    }
    Some(Ok(mean(&e)))
}
