//! The RCP check reads convergence from `samples_count` for the benchmarks the official
//! `rcp_checker.py` (mlperf-logging 4.1.68 `read_submission_file`) lists, not only
//! llama2_70b_lora. University of Florida's v5.1 flux1 folder: the official checker
//! (`python -m mlperf_logging.rcp_checker --rcp_usage training --rcp_version 5.1.0
//! --rcp_pass pruned_rcps` and `full_rcps`) says "Submission mean epochs: 11491200.0000",
//! "RCP Interpolation, RCP test PASSED"; repro said "Insufficient convergence".

mod mlperf_support;

use repro_audit::verify::{verify, VerifyOptions};

#[test]
fn uf_flux1_passes_rcp_by_interpolation_as_the_official_checker() {
    let Some(f) = mlperf_support::fixtures() else {
        return;
    };
    let dir = f.join("../mlperf-training-5.1/University-of-Florida/results/hpg.dgxb200x8.n9/flux1");
    let opts = VerifyOptions {
        ruleset: "mlperf-training-5.1".to_owned(),
        spec: None,
    };
    let report = verify(&[dir], &opts).unwrap();
    let rcp = report.benchmarks[0].rcp.as_ref().unwrap();
    assert!(rcp.passed, "{rcp:?}");
    assert_eq!(rcp.message, "RCP Interpolation");
    assert_eq!(rcp.submission_mean, Some(11491200.0));
    assert_eq!(rcp.scaling_factor, 1.0);
}

/// The official `python -m mlperf_logging.rcp_checker` verdict of `dir`: passed, message,
/// submission mean and score scaling factor (1 when it prints none).
fn official_rcp(
    py: &std::path::Path,
    dir: &std::path::Path,
    version: &str,
    pass: &str,
) -> (bool, String, f64, f64) {
    let tmp = std::env::temp_dir().join(format!("repro-rcp-{}-{pass}.log", std::process::id()));
    let out = std::process::Command::new(py)
        .args([
            "-m",
            "mlperf_logging.rcp_checker",
            "--rcp_usage",
            "training",
        ])
        .args(["--rcp_version", version, "--rcp_pass", pass, "--log_output"])
        .arg(&tmp)
        .arg(dir)
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&tmp);
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    let after = |key: &str| {
        text.lines()
            .find_map(|l| l.split_once(key).map(|(_, r)| r.trim().to_owned()))
    };
    let mean: f64 = after("Submission mean epochs:").unwrap().parse().unwrap();
    let factor = after("Score should be normalized by factor of ")
        .map_or(1.0, |r| r.rsplit("= ").next().unwrap().parse().unwrap());
    let verdict = text
        .lines()
        .find_map(|l| {
            l.split_once("INFO - ")
                .map(|(_, r)| r)
                .filter(|r| r.contains(", RCP test "))
        })
        .unwrap();
    let (message, result) = verdict.rsplit_once(", RCP test ").unwrap();
    (result == "PASSED", message.to_owned(), mean, factor)
}

/// Runs repro and the official checker (both passes) on `dir` and asserts they agree.
fn agrees_with_official(dir: std::path::PathBuf, ruleset: &str, version: &str) {
    let Some(py) = mlperf_support::official_python() else {
        return;
    };
    let opts = VerifyOptions {
        ruleset: ruleset.to_owned(),
        spec: None,
    };
    let report = verify(std::slice::from_ref(&dir), &opts).unwrap();
    let rcp = report.benchmarks[0].rcp.as_ref().unwrap();
    let (passed, message, mean, factor) = official_rcp(&py, &dir, version, "pruned_rcps");
    assert_eq!(
        (rcp.passed, rcp.message.as_str()),
        (passed, message.as_str()),
        "{rcp:?}"
    );
    assert_eq!(rcp.submission_mean, Some(mean));
    assert!(
        (rcp.scaling_factor - factor).abs() < 1e-9,
        "{} vs {factor}",
        rcp.scaling_factor
    );
    let (full_passed, full_message, _, _) = official_rcp(&py, &dir, version, "full_rcps");
    assert_eq!(
        (full_passed, full_message.as_str()),
        (passed, message.as_str())
    );
}

/// From ruleset 5.0.0 the official `_eval_submission_record` bounds llama31_405b's speed-up by
/// `RCP Mean / (Min Epochs - 46080)`: IBM+CoreWeave+NVIDIA's v5.0 folder (batch size 896,
/// below the smallest reference) passes with "RCP not found but slower convergence on smaller
/// batch size", factor 322560 / 279552 = 1.1538; repro said "Missing RCP".
#[test]
fn v5_0_llama31_405b_speedup_bound_discounts_46080_samples_as_the_official_checker() {
    let Some(f) = mlperf_support::fixtures() else {
        return;
    };
    let results = f.join("../mlperf-training-5.0/IBM+CoreWeave+NVIDIA/results");
    let system = std::fs::read_dir(&results)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let dir = system.join("llama31_405b");
    let report = verify(
        std::slice::from_ref(&dir),
        &VerifyOptions {
            ruleset: "mlperf-training-5.0".to_owned(),
            spec: None,
        },
    )
    .unwrap();
    let rcp = report.benchmarks[0].rcp.as_ref().unwrap();
    assert!(rcp.passed, "{rcp:?}");
    assert_eq!(
        rcp.message,
        "RCP not found but slower convergence on smaller batch size"
    );
    assert!((rcp.scaling_factor - 322560.0 / 279552.0).abs() < 1e-12);
    agrees_with_official(dir, "mlperf-training-5.0", "5.0.0");
}

/// The official checker cuts 4 runs at each end of a unet3d submission's mean
/// (`samples_rejected`): Fujitsu's v4.0 unet3d folder's mean is 324555 and its factor
/// 345166.96 / 324555 = 1.0635.
#[test]
fn v4_0_unet3d_mean_cuts_four_runs_each_end_as_the_official_checker() {
    let Some(f) = mlperf_support::fixtures() else {
        return;
    };
    let dir = f.join("../mlperf-training-4.0/Fujitsu/results/GX2560M7_H100_SXM_80GBx4/unet3d");
    let report = verify(
        std::slice::from_ref(&dir),
        &VerifyOptions {
            ruleset: "mlperf-training-4.0".to_owned(),
            spec: None,
        },
    )
    .unwrap();
    let rcp = report.benchmarks[0].rcp.as_ref().unwrap();
    assert_eq!(rcp.submission_mean, Some(324555.0), "{rcp:?}");
    agrees_with_official(dir, "mlperf-training-4.0", "4.0.0");
}
