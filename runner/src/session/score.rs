use serde::Serialize;

use crate::store::RunRecord;
use repro_audit::stats::{mean, olympic_drops, olympic_mean};

/// The plan's score from its runs, by the MLPerf rule.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Score {
    /// Olympic mean of time to train over converged runs, seconds; `None` when too many runs
    /// failed.
    pub ttt_s: Option<f64>,
    pub converged: usize,
    pub dropped: usize,
}

/// MLPerf's olympic scoring (`result_summarizer`): with D non-converged runs (D <= M, the
/// round's `olympic_dropped_allowed` for the plan's benchmark, [`RunPlan::dropped_allowed`]),
/// drop the M fastest and the (M - D) slowest converged runs and average the rest; a failed
/// run stands in for a slowest. With at most 2M runs nothing can be dropped and the plain
/// mean of the converged runs is the score (a smoke plan may ask for one run).
///
/// [`RunPlan::dropped_allowed`]: super::RunPlan::dropped_allowed
pub fn score_runs(runs: &[RunRecord], dropped_allowed: usize) -> Score {
    let ttts: Vec<f64> = runs
        .iter()
        .filter_map(|r| r.metrics.as_ref())
        .filter(|m| m.converged)
        .filter_map(|m| m.ttt_s)
        .collect();
    let dropped = runs.len() - ttts.len();
    let ttt_s = match olympic_drops(dropped, dropped_allowed) {
        Some(_) if ttts.is_empty() => None,
        Some((low, high)) if runs.len() > 2 * dropped_allowed => olympic_mean(&ttts, low, high),
        Some(_) => Some(mean(&ttts)),
        None => None,
    };
    Score {
        ttt_s,
        converged: ttts.len(),
        dropped,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exec::RunStatus;
    use crate::store::RunMetrics;
    use repro_compiler::rules::RuleBook;

    /// Runs with these times to train (seconds); `None` did not converge.
    fn runs(ttts: &[Option<f64>]) -> Vec<RunRecord> {
        let run = |(i, t): (usize, &Option<f64>)| RunRecord {
            index: i as u32,
            run_id: format!("run-{i}"),
            seed: i as u64,
            status: RunStatus::Succeeded,
            elapsed_s: 1.0,
            metrics: Some(RunMetrics {
                ttt_s: *t,
                converged: t.is_some(),
                samples_to_converge: None,
                throughput: None,
                messages: Vec::new(),
                hparams_drift: Vec::new(),
                nccl_loaded: None,
                nccl_drift: None,
            }),
            logs: Vec::new(),
        };
        ttts.iter().enumerate().map(run).collect()
    }

    fn allowed(round: &str, benchmark: &str) -> usize {
        RuleBook::by_name(round)
            .expect("shipped round")
            .expect("round loads")
            .dropped_allowed_for(benchmark)
    }

    #[test]
    fn unet3d_in_v4_0_drops_four_runs_at_each_end() {
        // specs/rules/mlperf-training-4.0/package.run: olympic_dropped_allowed = 1,
        // unet3d = 4 (40 runs)
        let m = allowed("mlperf-training-4.0", "unet3d");
        assert_eq!(m, 4);
        assert_eq!(allowed("mlperf-training-4.0", "bert"), 1);
        let ttts: Vec<Option<f64>> = (1..=10).map(|t| Some(f64::from(t))).collect();
        // drop 1..=4 and 7..=10: mean of 5 and 6
        assert_eq!(score_runs(&runs(&ttts), m).ttt_s, Some(5.5));
        // the same runs under M = 1 keep 2..=9
        assert_eq!(score_runs(&runs(&ttts), 1).ttt_s, Some(5.5));
        // three failures stand in for three of the slowest: drop 1..=4 and 7
        let mut failing = ttts[..7].to_vec();
        failing.extend([None, None, None]);
        assert_eq!(score_runs(&runs(&failing), m).ttt_s, Some(5.5));
        // under M = 1 three failures are too many
        assert_eq!(score_runs(&runs(&failing), 1).ttt_s, None);
        failing[0] = None;
        failing[1] = None;
        assert_eq!(score_runs(&runs(&failing), m).ttt_s, None);
    }

    #[test]
    fn uneven_times_show_which_runs_are_dropped() {
        let ttts = [100.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0].map(Some);
        // M = 4 drops 1..=4 and 7, 8, 9, 100
        assert_eq!(score_runs(&runs(&ttts), 4).ttt_s, Some(5.5));
        // M = 1 drops 1 and 100
        assert_eq!(score_runs(&runs(&ttts), 1).ttt_s, Some(5.5));
        let ttts = [1.0, 1.0, 1.0, 1.0, 10.0, 20.0, 9.0, 9.0, 9.0, 9.0].map(Some);
        assert_eq!(score_runs(&runs(&ttts), 4).ttt_s, Some(9.0));
        assert_eq!(score_runs(&runs(&ttts), 1).ttt_s, Some(6.125));
    }

    #[test]
    fn too_few_runs_to_drop_take_the_plain_mean() {
        assert_eq!(
            score_runs(&runs(&[Some(2.0), Some(4.0)]), 1).ttt_s,
            Some(3.0)
        );
        assert_eq!(score_runs(&runs(&[Some(2.0); 8]), 4).ttt_s, Some(2.0));
        assert_eq!(score_runs(&runs(&[Some(2.0), None]), 1).ttt_s, Some(2.0));
    }
}
