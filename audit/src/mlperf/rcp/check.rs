//! The RCP verdict of one benchmark folder (`check_directory`).

use serde_json::Value;

use super::record::RcpRecord;
use super::run::RcpRun;
use super::table::RcpTable;
use crate::stats::olympic_mean;

/// How the reference for the submission's batch size was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RcpLookup {
    /// A pruned record at exactly this batch size.
    Found,
    /// Interpolated between the nearest pruned records.
    Interpolated,
    /// Below every pruned batch size: compared with the smallest one.
    BelowSmallest,
    /// Above every pruned batch size.
    Missing,
}

/// The RCP verdict of one benchmark folder.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RcpCheck {
    /// Pass or fail.
    pub passed: bool,
    /// The official message (`RCP found`, `RCP Interpolation`, `Insufficient convergence`, ...).
    pub message: String,
    /// How the reference was found, when the check got that far.
    pub lookup: Option<RcpLookup>,
    /// The reference used.
    pub reference: Option<RcpRecord>,
    /// Olympic mean of the submission's epochs (S).
    pub submission_mean: Option<f64>,
    /// The score scaling factor: reference mean / S when the check passes and S is faster than
    /// the reference mean, else 1.
    pub scaling_factor: f64,
    /// The submission's global batch size.
    pub gbs: Option<f64>,
}

impl RcpCheck {
    fn fail(message: &str, gbs: Option<f64>) -> Self {
        RcpCheck {
            passed: false,
            message: message.to_owned(),
            lookup: None,
            reference: None,
            submission_mean: None,
            scaling_factor: 1.0,
            gbs,
        }
    }
}

/// `check_directory` on the runs of one folder, against `table`, under the rules of `ruleset`
/// (a round name such as `mlperf-training-5.0`).
pub fn check_runs(runs: &[RcpRun], table: &RcpTable, ruleset: &str) -> RcpCheck {
    let mut gbs: Option<&Value> = None;
    for r in runs {
        match (gbs, &r.gbs) {
            (None, g) => gbs = g.as_ref(),
            (Some(a), Some(b)) if repro_compiler::rules::py_eq(a, b) => {}
            _ => return RcpCheck::fail("Batch sizes in files do not match", None),
        }
    }
    let Some(bs) = gbs.and_then(Value::as_f64) else {
        return RcpCheck::fail("Could not detect global_batch_size", None);
    };
    // `get_submission_epochs`: `not_converged > 1`, or `> 4` for unet3d
    let cut = samples_rejected(&table.benchmark);
    if runs.iter().filter(|r| !r.converged).count() > cut {
        return RcpCheck::fail("Insufficient convergence", Some(bs));
    }
    let epochs: Vec<f64> = runs.iter().map(|r| r.epochs).collect();
    let pruned = &table.pruned;
    let below = pruned.iter().rfind(|r| r.bs < bs && r.bs > 0.0);
    let above = pruned.iter().find(|r| r.bs > bs && r.bs < 1e9);
    let (lookup, reference) = match (pruned.iter().find(|r| r.bs == bs), below, above) {
        (Some(r), _, _) => (RcpLookup::Found, r.clone()),
        (None, Some(lo), Some(hi)) => (RcpLookup::Interpolated, table.interpolate(bs, lo, hi)),
        (None, Some(_), None) => {
            let mut c = RcpCheck::fail(
                &format!("Missing RCP, please submit RCP with BS = {}", py_num(bs)),
                Some(bs),
            );
            c.lookup = Some(RcpLookup::Missing);
            return c;
        }
        (None, None, Some(_)) => (RcpLookup::BelowSmallest, pruned[0].clone()),
        (None, None, None) => return RcpCheck::fail("Cannot find any RCPs", Some(bs)),
    };
    evaluate(epochs, lookup, reference, bs, &table.benchmark, ruleset)
}

/// `samples_rejected` of `_eval_submission_record` (runs cut at each end of the submission
/// mean), which is also the number of non-converged runs `get_submission_epochs` tolerates:
/// 4 for unet3d, 1 otherwise (mlperf-logging 4.1.68 `rcp_checker.py`).
pub(super) fn samples_rejected(benchmark: &str) -> usize {
    if benchmark == "unet3d" {
        4
    } else {
        1
    }
}

/// Whether the round `ruleset` (`mlperf-training-5.0`) is at least `major.minor`
/// (`is_version_at_least`). A name without a trailing version is not.
fn ruleset_at_least(ruleset: &str, major: u32, minor: u32) -> bool {
    let v = ruleset.rsplit('-').next().unwrap_or("");
    let mut parts = v.split('.').map(str::parse::<u32>);
    match (parts.next(), parts.next()) {
        (Some(Ok(a)), Some(Ok(b))) => (a, b) >= (major, minor),
        _ => false,
    }
}

/// `_eval_submission_record`.
fn evaluate(
    epochs: Vec<f64>,
    lookup: RcpLookup,
    mut reference: RcpRecord,
    bs: f64,
    benchmark: &str,
    ruleset: &str,
) -> RcpCheck {
    // from ruleset 5.0.0 llama31_405b's speed-up bound discounts 46080 samples:
    // `rcp_record['Max Speedup'] = rcp_record['RCP Mean'] / (rcp_record['Min Epochs'] - 46080)`
    if benchmark == "llama31_405b" && ruleset_at_least(ruleset, 5, 0) {
        reference.max_speedup = reference.mean / (reference.min_epochs - 46080.0);
    }
    // `np.mean(subm_epochs[samples_rejected:len(subm_epochs)-samples_rejected])`
    let cut = samples_rejected(benchmark);
    let s = olympic_mean(&epochs, cut, cut).unwrap_or(f64::NAN);
    let passed = s >= reference.mean / reference.max_speedup;
    let factor = if passed && s < reference.mean {
        (reference.mean / s).max(1.0)
    } else {
        1.0
    };
    let message = match (lookup, passed) {
        (RcpLookup::Found, _) => "RCP found".to_owned(),
        (RcpLookup::Interpolated, _) => "RCP Interpolation".to_owned(),
        (_, true) => "RCP not found but slower convergence on smaller batch size".to_owned(),
        (_, false) => format!("Missing RCP, please submit RCP with BS = {}", py_num(bs)),
    };
    RcpCheck {
        passed,
        message,
        lookup: Some(lookup),
        reference: Some(reference),
        submission_mean: Some(s),
        scaling_factor: factor,
        gbs: Some(bs),
    }
}

fn py_num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

#[cfg(test)]
mod tests {
    use super::{ruleset_at_least, samples_rejected};

    #[test]
    fn ruleset_versions_compare_as_is_version_at_least() {
        assert!(ruleset_at_least("mlperf-training-5.0", 5, 0));
        assert!(ruleset_at_least("mlperf-training-5.1", 5, 0));
        assert!(!ruleset_at_least("mlperf-training-4.1", 5, 0));
        assert!(!ruleset_at_least("custom", 5, 0));
    }

    #[test]
    fn unet3d_rejects_four_samples() {
        assert_eq!(samples_rejected("unet3d"), 4);
        assert_eq!(samples_rejected("llama31_405b"), 1);
    }
}
