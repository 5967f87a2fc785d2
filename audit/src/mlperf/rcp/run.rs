//! What one result file tells the RCP check.

use serde_json::Value;

use crate::mlperf::mllog::MlLog;

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
                    Some(b) if SAMPLES_COUNT_BENCHMARKS.contains(&b) => {
                        conv = md_number(&j, "samples_count")
                    }
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

/// Benchmarks whose convergence `read_submission_file` reads from the eval line's
/// `samples_count` (mlperf-logging 4.1.68 `rcp_checker.py`); the others use `epoch_num`.
const SAMPLES_COUNT_BENCHMARKS: [&str; 8] = [
    "llama2_70b_lora",
    "flux1",
    "llama31_405b",
    "llama31_8b",
    "gpt_oss_20b",
    "deepseekv3_671b",
    "qwen35_397b_grpo",
    "dlrmv4",
];

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
