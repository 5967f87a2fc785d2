//! The official scores of the published fixtures, reproduced to 1e-6 relative.

mod mlperf_support;

use repro_audit::mlperf::rcp::RcpTable;
use repro_audit::mlperf::{score_benchmark, RuleBook, RunResult};

fn score(rel: &str, benchmark: &str) -> Option<repro_audit::mlperf::BenchmarkScore> {
    let dir = mlperf_support::fixtures()?.join(rel);
    let book = RuleBook::training_4_1().unwrap();
    let runs: Vec<RunResult> = mlperf_support::result_files(&dir)
        .iter()
        .map(|f| RunResult::check(f, &book).unwrap())
        .collect();
    let table = RcpTable::new(
        benchmark,
        &book.rcp[benchmark],
        book.required_runs[benchmark],
    )
    .unwrap();
    Some(score_benchmark(
        runs,
        Some(&table),
        book.dropped_allowed,
        &book.name,
    ))
}

fn assert_close(got: f64, want: f64) {
    assert!(((got - want) / want).abs() < 1e-6, "got {got}, want {want}");
}

#[test]
fn azure_h200_llama2() {
    let Some(s) = score(
        "Azure/results/ND_H200_v5_n64_nemo/llama2_70b_lora",
        "llama2_70b_lora",
    ) else {
        return;
    };
    for r in &s.runs {
        assert!(
            r.compliance.passed,
            "{}: {:?}",
            r.path.display(),
            r.compliance.messages
        );
    }
    assert_close(s.score.unwrap(), 1.608517);
    let rcp = s.rcp.unwrap();
    assert!(rcp.passed, "{rcp:?}");
    assert_eq!(rcp.message, "RCP Interpolation");
    assert_eq!(rcp.scaling_factor, 1.0);
    assert_eq!(rcp.submission_mean, Some(7440.0));
}

#[test]
fn oracle_h100_llama2() {
    let Some(s) = score(
        "Oracle/results/512xBM.GPU.H100.8/llama2_70b_lora",
        "llama2_70b_lora",
    ) else {
        return;
    };
    assert_close(s.score.unwrap(), 2.064865);
    assert_eq!(
        s.runs
            .iter()
            .filter(|r| r.used == repro_audit::mlperf::RunUse::Used)
            .count(),
        8
    );
}

#[test]
fn nvidia_gpt3_is_the_median_run() {
    let Some(s) = score("NVIDIA/results/eos_n64_ngc24.09_nemo/gpt3", "gpt3") else {
        return;
    };
    assert_close(s.score.unwrap(), 49.795133);
    assert_eq!(
        s.runs
            .iter()
            .filter(|r| r.used == repro_audit::mlperf::RunUse::Used)
            .count(),
        1
    );
    assert!(s.rcp.unwrap().passed);
}
