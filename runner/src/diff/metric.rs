use serde::Serialize;

use super::DiffVerdict;
use repro_audit::stats::{bootstrap_paired_ratio_ci, bootstrap_ratio_ci, mean, ConfidenceInterval};

/// Fewer runs than this on either side make a metric inconclusive: with one run there is no
/// spread to put an interval on.
pub const MIN_RUNS: usize = 2;

const REPLICATES: usize = 2000;
const LEVEL: f64 = 0.95;
/// Fixed so that the same two results always give the same interval.
const SEED: u64 = 0x7265_7072_6f00_0001;

/// One metric of a diff: per-run values on both sides and the ratio current / baseline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricDiff {
    pub name: &'static str,
    pub unit: &'static str,
    pub higher_is_better: bool,
    pub current: Vec<f64>,
    pub baseline: Vec<f64>,
    /// Ratio of means, current / baseline, with its bootstrap interval.
    pub ratio: Option<ConfidenceInterval>,
    /// Whether runs were paired by seed (`current[i]` and `baseline[i]` share a seed) and the
    /// interval comes from the paired bootstrap.
    pub paired: bool,
    pub verdict: DiffVerdict,
}

impl MetricDiff {
    pub fn new(
        name: &'static str,
        unit: &'static str,
        higher_is_better: bool,
        current: Vec<f64>,
        baseline: Vec<f64>,
        paired: bool,
        tolerance: f64,
    ) -> MetricDiff {
        let ratio = if paired {
            bootstrap_paired_ratio_ci(&current, &baseline, REPLICATES, LEVEL, SEED)
        } else {
            bootstrap_ratio_ci(
                &current,
                &baseline,
                |xs| Some(mean(xs)),
                REPLICATES,
                LEVEL,
                SEED,
            )
        }
        .filter(|ci| ci.estimate.is_finite());
        let enough = current.len() >= MIN_RUNS && baseline.len() >= MIN_RUNS;
        let verdict = match ratio {
            Some(ci) if enough => judge(ci, tolerance, higher_is_better),
            _ => DiffVerdict::Inconclusive,
        };
        MetricDiff {
            name,
            unit,
            higher_is_better,
            current,
            baseline,
            ratio,
            paired,
            verdict,
        }
    }
}

/// The interval of current/baseline against the band [1 - tolerance, 1 + tolerance]: wholly
/// beyond the bad edge is a regression, wholly beyond the good edge an improvement, wholly on
/// the good side of the bad edge a pass (no regression, even if an improvement is not
/// certain), and straddling the bad edge inconclusive: only then could more runs change
/// whether a CI gate should fail.
pub(crate) fn judge(ci: ConfidenceInterval, tolerance: f64, higher_is_better: bool) -> DiffVerdict {
    let (low, high) = (1.0 - tolerance, 1.0 + tolerance);
    let (worse, better, clear_of_bad_edge) = if higher_is_better {
        (ci.high < low, ci.low > high, ci.low >= low)
    } else {
        (ci.low > high, ci.high < low, ci.high <= high)
    };
    if worse {
        DiffVerdict::Regressed
    } else if better {
        DiffVerdict::Improved
    } else if clear_of_bad_edge {
        DiffVerdict::Pass
    } else {
        DiffVerdict::Inconclusive
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ci(low: f64, high: f64) -> ConfidenceInterval {
        ConfidenceInterval {
            estimate: (low + high) / 2.0,
            low,
            high,
            level: 0.95,
        }
    }

    #[test]
    fn verdicts_against_the_band() {
        assert_eq!(judge(ci(0.98, 1.03), 0.05, false), DiffVerdict::Pass);
        assert_eq!(judge(ci(1.08, 1.20), 0.05, false), DiffVerdict::Regressed);
        assert_eq!(judge(ci(0.80, 0.90), 0.05, false), DiffVerdict::Improved);
        assert_eq!(
            judge(ci(0.97, 1.10), 0.05, false),
            DiffVerdict::Inconclusive
        );
        assert_eq!(judge(ci(0.80, 0.90), 0.05, true), DiffVerdict::Regressed);
        // faster, but not surely beyond the band: no regression, so a pass
        assert_eq!(judge(ci(0.90, 1.02), 0.05, false), DiffVerdict::Pass);
        assert_eq!(judge(ci(0.98, 1.10), 0.05, true), DiffVerdict::Pass);
        assert_eq!(judge(ci(0.93, 1.10), 0.05, true), DiffVerdict::Inconclusive);
        assert_eq!(judge(ci(1.08, 1.20), 0.05, true), DiffVerdict::Improved);
    }

    #[test]
    fn one_run_is_inconclusive() {
        let m = MetricDiff::new("ttt", "s", false, vec![1.0], vec![1.0, 1.0], false, 0.05);
        assert_eq!(m.verdict, DiffVerdict::Inconclusive);
    }
}
