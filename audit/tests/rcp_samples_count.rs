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
