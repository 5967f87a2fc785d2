//! The RCP (reference convergence point) check, as `rcp_checker.check_directory` does it.
//!
//! A closed-division submission must not converge significantly faster (in epochs or samples)
//! than the reference runs at its global batch size. References are pruned (records left of
//! the fastest-converging one, and points above the interpolation of their neighbours, go),
//! the submission's batch size is looked up or interpolated, and the fastest acceptable mean
//! is found by bisection on a one-sided two-sample t-test (`stats::ttest_ind_from_stats`).
//! A submission that passes but converges faster than the reference mean gets its score
//! scaled by `reference mean / submission mean` (the official `scaling.json`, which repro
//! computes without writing).

use serde_json::Value;

use super::mllog::MlLog;
use crate::stats::{interp, mean, population_std, ttest_ind_from_stats};

/// Value of a run that did not converge (the official "infinite").
pub const NOT_CONVERGED: f64 = 1e9;

/// What one result file tells the RCP check.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RcpRun {
    /// Epochs (or samples) to converge; [`NOT_CONVERGED`] when `run_stop` is not `success`.
    pub epochs: f64,
    /// Whether the run converged.
    pub converged: bool,
    /// The last `global_batch_size` value, if any.
    pub gbs: Option<Value>,
    /// The last `submission_benchmark` value, if any.
    pub benchmark: Option<String>,
}

/// Reads convergence the way `read_submission_file` does: substring matches on the JSON text
/// of MLLOG lines, the last eval before `run_stop`, stable diffusion's first passing eval.
pub fn read_run(log: &MlLog, sd_bounds: (f64, f64)) -> RcpRun {
    let mut run = RcpRun {
        epochs: NOT_CONVERGED,
        converged: false,
        gbs: None,
        benchmark: None,
    };
    let mut conv: Option<f64> = None;
    let mut sd: Vec<(Value, Option<f64>, Option<f64>)> = Vec::new();
    for raw in &log.raw {
        let json = || serde_json::from_str::<Value>(raw).ok();
        if raw.contains("global_batch_size") {
            run.gbs = json().and_then(|j| j.get("value").cloned());
        }
        if raw.contains("submission_benchmark") {
            run.benchmark =
                json().and_then(|j| j.get("value").and_then(Value::as_str).map(str::to_owned));
        }
        let is_eval = raw.contains("eval_error") || raw.contains("eval_accuracy");
        let bench = run.benchmark.as_deref();
        if is_eval {
            if let Some(j) = json() {
                match bench {
                    Some("stable_diffusion") => record_sd(&mut sd, &j),
                    Some("llama2_70b_lora") => conv = md_number(&j, "samples_count"),
                    _ => conv = md_number(&j, "epoch_num").map(|e| (e * 1000.0).round() / 1000.0),
                }
            }
        }
        if raw.contains("run_stop") {
            let Some(j) =
                json().filter(|j| j.get("key").and_then(Value::as_str) == Some("run_stop"))
            else {
                continue;
            };
            let success = j.pointer("/metadata/status").and_then(Value::as_str) == Some("success");
            let epochs = if bench == Some("stable_diffusion") {
                sd_first_passing(&sd, sd_bounds)
            } else {
                conv
            };
            match (success, epochs) {
                (true, Some(e)) => (run.converged, run.epochs) = (true, e),
                _ => (run.converged, run.epochs) = (false, NOT_CONVERGED),
            }
        }
    }
    run
}

fn md_number(j: &Value, field: &str) -> Option<f64> {
    j.get("metadata")?.get(field)?.as_f64()
}

fn record_sd(sd: &mut Vec<(Value, Option<f64>, Option<f64>)>, j: &Value) {
    let step = j
        .pointer("/metadata/samples_count")
        .cloned()
        .unwrap_or(Value::Null);
    let metric = j
        .pointer("/metadata/metric")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let score = j.get("value").and_then(Value::as_f64);
    let slot = match sd.iter().position(|(s, _, _)| *s == step) {
        Some(p) => p,
        None => {
            sd.push((step, None, None));
            sd.len() - 1
        }
    };
    match metric {
        "FID" => sd[slot].1 = score,
        "CLIP" => sd[slot].2 = score,
        _ => {}
    }
}

fn sd_first_passing(
    sd: &[(Value, Option<f64>, Option<f64>)],
    (fid_max, clip_min): (f64, f64),
) -> Option<f64> {
    sd.iter()
        .filter(|(_, fid, clip)| {
            fid.is_some_and(|f| f <= fid_max) && clip.is_some_and(|c| c >= clip_min)
        })
        .filter_map(|(s, _, _)| s.as_f64())
        .min_by(f64::total_cmp)
}

/// One reference record with its statistics.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RcpRecord {
    /// The record's name in the JSON (`<bench>_interp_<bs>` for interpolated ones).
    pub name: String,
    /// Global batch size.
    pub bs: f64,
    /// Olympic mean of the reference runs.
    pub mean: f64,
    /// Population standard deviation of all reference runs.
    pub stdev: f64,
    /// The fastest acceptable submission mean.
    pub min_epochs: f64,
    /// `mean / min_epochs`.
    pub max_speedup: f64,
    /// The reference runs, sorted.
    pub runs: Vec<f64>,
}

/// The reference table of one benchmark: all records and the pruned set.
#[derive(Debug, Clone)]
pub struct RcpTable {
    /// The benchmark.
    pub benchmark: String,
    /// Records sorted by batch size.
    pub records: Vec<RcpRecord>,
    /// The pruned records, sorted by batch size (the set the check uses).
    pub pruned: Vec<RcpRecord>,
    /// Runs a submission needs (n2 of the t-test is this minus 2).
    pub submission_runs: usize,
}

/// Parameters of the t-test bound.
const ALPHA: f64 = 0.05;
const TOLERANCE: f64 = 0.0001;

impl RcpTable {
    /// Builds the table from the raw RCP JSON (`{name: {Benchmark, BS, ...}}`).
    pub fn new(benchmark: &str, json: &Value, submission_runs: usize) -> Result<Self, String> {
        let obj = json
            .as_object()
            .ok_or("the RCP file is not a JSON object")?;
        let unit = if benchmark == "llama2_70b_lora" {
            "samples to converge"
        } else {
            "Epochs to converge"
        };
        let mut records = Vec::new();
        for (name, r) in obj {
            let bs = r
                .get("BS")
                .and_then(Value::as_f64)
                .ok_or(format!("record `{name}`: `BS` is not a number"))?;
            let mut runs: Vec<f64> = r
                .get(unit)
                .and_then(Value::as_array)
                .ok_or(format!("record `{name}`: `{unit}` is not a list"))?
                .iter()
                .map(|v| {
                    v.as_f64()
                        .ok_or(format!("record `{name}`: `{unit}` holds a non-number"))
                })
                .collect::<Result<_, _>>()?;
            if runs.len() < 3 {
                return Err(format!("record `{name}`: fewer than 3 runs"));
            }
            runs.sort_by(f64::total_cmp);
            let m = mean(&runs[1..runs.len() - 1]);
            let sd = population_std(&runs);
            let min_epochs = min_acceptable_mean(m, sd, (runs.len() - 2) as f64, submission_runs);
            records.push(RcpRecord {
                name: name.clone(),
                bs,
                mean: m,
                stdev: sd,
                min_epochs,
                max_speedup: m / min_epochs,
                runs,
            });
        }
        records.sort_by(|a, b| a.bs.total_cmp(&b.bs));
        let pruned = prune(&records);
        Ok(RcpTable {
            benchmark: benchmark.to_owned(),
            records,
            pruned,
            submission_runs,
        })
    }

    /// An interpolated record for batch size `bs` between `lo` and `hi`; n1 = 2 × required runs.
    pub fn interpolate(&self, bs: f64, lo: &RcpRecord, hi: &RcpRecord) -> RcpRecord {
        let m = interp(bs, (lo.bs, lo.mean), (hi.bs, hi.mean));
        let sd = interp(bs, (lo.bs, lo.stdev), (hi.bs, hi.stdev));
        let min_epochs = min_acceptable_mean(
            m,
            sd,
            (self.submission_runs * 2) as f64,
            self.submission_runs,
        );
        RcpRecord {
            name: format!("{}_interp_{}", self.benchmark, bs),
            bs,
            mean: m,
            stdev: sd,
            min_epochs,
            max_speedup: m / min_epochs,
            runs: Vec::new(),
        }
    }
}

/// One-sided p-value of "candidate mean `m1` is not faster than `m2`" as the official
/// `_find_p_value` converts scipy's two-sided one.
fn one_sided_p(m1: f64, sd: f64, n1: f64, m2: f64, n2: f64) -> f64 {
    let r = ttest_ind_from_stats(m1, sd, n1, m2, sd, n2);
    if r.t < 0.0 {
        r.p / 2.0
    } else {
        1.0 - r.p / 2.0
    }
}

/// Bisection on `[0, mean]` to tolerance 1e-4 for the smallest mean that still passes
/// (`_find_min_acceptable_mean`); `mean` itself when the stdev is 0.
fn min_acceptable_mean(mean: f64, stdev: f64, n_ref: f64, submission_runs: usize) -> f64 {
    if stdev == 0.0 {
        return mean;
    }
    let n_subm = submission_runs as f64 - 2.0;
    let (mut lo, mut hi) = (0.0, mean);
    let mut mid = (lo + hi) / 2.0;
    while hi - lo > TOLERANCE {
        if one_sided_p(mid, stdev, n_ref, mean, n_subm) > ALPHA {
            hi = mid;
        } else {
            lo = mid;
        }
        mid = (lo + hi) / 2.0;
    }
    mid
}

/// `_prune_rcps`: drop records left of the fastest-converging one, then walk interior points
/// left to right and drop a point above the interpolation of its current neighbours.
fn prune(records: &[RcpRecord]) -> Vec<RcpRecord> {
    let Some(fastest) = records
        .iter()
        .reduce(|a, b| if b.mean < a.mean { b } else { a })
    else {
        return Vec::new();
    };
    let mut kept: Vec<&RcpRecord> = records.iter().filter(|r| r.bs >= fastest.bs).collect();
    let mut i = 1;
    while i + 1 < kept.len() {
        let (lo, hi) = (kept[i - 1], kept[i + 1]);
        let expected = interp(kept[i].bs, (lo.bs, lo.mean), (hi.bs, hi.mean));
        if kept[i].mean > expected {
            kept.remove(i);
        } else {
            i += 1;
        }
    }
    records
        .iter()
        .filter(|r| kept.iter().any(|k| k.bs == r.bs))
        .cloned()
        .collect()
}

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
fn evaluate(mut epochs: Vec<f64>, lookup: RcpLookup, reference: RcpRecord, bs: f64) -> RcpCheck {
    epochs.sort_by(f64::total_cmp);
    let s = epochs
        .get(1..epochs.len().saturating_sub(1))
        .map_or(f64::NAN, mean);
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
    use super::*;

    fn table(bench: &str) -> RcpTable {
        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../specs/rules/mlperf-training-4.1/rcp/"
        );
        let text = std::fs::read_to_string(format!("{dir}rcps_{bench}.json")).unwrap();
        let runs = if bench == "gpt3" { 3 } else { 10 };
        RcpTable::new(bench, &serde_json::from_str(&text).unwrap(), runs).unwrap()
    }

    #[test]
    fn gpt3_pruning_and_means_match_the_official_checker() {
        let t = table("gpt3");
        let bs: Vec<f64> = t.pruned.iter().map(|r| r.bs).collect();
        assert_eq!(bs, [2048.0, 3072.0, 4096.0, 6144.0, 8192.0]);
        let means: Vec<f64> = t
            .pruned
            .iter()
            .map(|r| (r.mean / 1e4).round() * 1e4)
            .collect();
        assert_eq!(
            means,
            [1.17776e9, 1.21803e9, 1.25829e9, 1.40929e9, 1.6232e9]
        );
        let speedup = |i: usize| (t.pruned[i].max_speedup * 1e5).round() / 1e5;
        assert_eq!(
            [speedup(0), speedup(2), speedup(3), speedup(4)],
            [1.05195, 1.04082, 1.0, 1.04]
        );
        // the 3072 record holds the 13790871552 outlier: its bound is almost nothing
        assert!(
            t.pruned[1].max_speedup > 1e12,
            "{}",
            t.pruned[1].max_speedup
        );
    }

    #[test]
    fn llama2_interpolation_at_64_matches_the_worked_example() {
        let t = table("llama2_70b_lora");
        let bs: Vec<f64> = t.pruned.iter().map(|r| r.bs).collect();
        assert_eq!(bs, [8.0, 16.0, 128.0]);
        let r = t.interpolate(64.0, &t.pruned[1], &t.pruned[2]);
        assert!((r.mean - 7131.43).abs() < 0.01, "{}", r.mean);
        assert!((r.stdev - 597.11).abs() < 0.01, "{}", r.stdev);
        assert!((r.min_epochs - 6705.38).abs() < 0.01, "{}", r.min_epochs);
    }
}
