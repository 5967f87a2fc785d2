//! The reference table of one benchmark: statistics, pruning, interpolation.

use super::check::samples_rejected;
use super::record::RcpRecord;
use crate::stats::{interp, olympic_mean, population_std, ttest_ind_from_stats};
use serde_json::Value;

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
        let mut records = Vec::new();
        for (name, r) in obj {
            // the RCP data names its own unit: epochs for most benchmarks, samples for the
            // LLM fine-tuning ones (llama2_70b_lora and its successors)
            let unit = if r.get("samples to converge").is_some() {
                "samples to converge"
            } else {
                "Epochs to converge"
            };
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
            // sorted also for `population_std`, whose sum runs in the official order
            runs.sort_by(f64::total_cmp);
            // `compute_rcp_stats`: the mean cuts `samples_rejected` runs at each end (4 for
            // unet3d), and so does the reference count of the t-test
            let cut = samples_rejected(benchmark);
            let m = olympic_mean(&runs, cut, cut).unwrap_or(f64::NAN);
            let sd = population_std(&runs);
            let n_ref = runs.len().saturating_sub(2 * cut) as f64;
            let min_epochs = min_acceptable_mean(m, sd, n_ref, submission_runs);
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
