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

/// `check_directory` on the runs of one folder, against `table`.
pub fn check_runs(runs: &[RcpRun], table: &RcpTable) -> RcpCheck {
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
    if runs.iter().filter(|r| !r.converged).count() > 1 {
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
    evaluate(epochs, lookup, reference, bs)
}

/// `_eval_submission_record`.
fn evaluate(epochs: Vec<f64>, lookup: RcpLookup, reference: RcpRecord, bs: f64) -> RcpCheck {
    // `np.mean(subm_epochs[1:-1])`; NOTE the official cut is 4 for unet3d (`samples_rejected`),
    // not yet mirrored here
    let s = olympic_mean(&epochs, 1, 1).unwrap_or(f64::NAN);
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
