//! `verify --spec`: every mismatch between a spec's pins and a published result names the
//! spec line, the JSON field or log line, and both values.

mod mlperf_support;

use repro_audit::mlperf::package::Severity;
use repro_audit::verify::{verify, PinnedSpec, VerifyOptions};
use repro_compiler::Pins;
use serde_json::json;

/// The pins of a spec `specs/azure.run` that says `gpu` on line 3, ... and `lora_rank` on 12.
fn azure_spec(hparams: Vec<(&str, serde_json::Value, u32)>) -> PinnedSpec {
    let mut lines: Vec<(String, String)> = [
        ("hardware.gpu", 3),
        ("hardware.gpus_per_node", 4),
        ("hardware.nodes", 5),
        ("hardware.driver", 6),
        ("software.cuda", 7),
        ("software.nccl", 8),
    ]
    .iter()
    .map(|(f, l)| (f.to_string(), format!("specs/azure.run:{l}")))
    .collect();
    lines.extend(
        hparams
            .iter()
            .map(|(k, _, l)| (format!("hparams.{k}"), format!("specs/azure.run:{l}"))),
    );
    PinnedSpec {
        pins: Pins {
            gpu: Some("H100-SXM5-80GB".to_owned()),
            gpus_per_node: 8,
            nodes: 32,
            driver: Some("550.90.07".to_owned()),
            cuda: Some("12.6".to_owned()),
            nccl: Some("2.21".to_owned()),
            ..Pins::default()
        },
        hparams: hparams
            .into_iter()
            .map(|(k, v, _)| (k.to_owned(), v))
            .collect(),
        lines: lines.into_iter().collect(),
    }
}

#[test]
fn mismatches_name_both_sides() {
    let Some(fixtures) = mlperf_support::fixtures() else {
        return;
    };
    let pins = azure_spec(vec![
        ("lora_rank", json!(16), 12),
        ("global_batch_size", json!(128), 13),
    ]);
    let dir = fixtures.join("Azure/results/ND_H200_v5_n64_nemo/llama2_70b_lora");
    let report = verify(
        &[dir],
        &VerifyOptions {
            ruleset: "mlperf-training-4.1".into(),
            spec: Some(pins),
        },
    )
    .unwrap();
    let spec: Vec<String> = report.benchmarks[0]
        .findings
        .iter()
        .filter(|f| f.check == "spec")
        .inspect(|f| assert_eq!(f.severity, Severity::Error))
        .map(|f| {
            format!(
                "{} @ {}",
                f.message,
                f.location
                    .as_deref()
                    .unwrap()
                    .replace(&fixtures.display().to_string(), "[FIXTURES]")
            )
        })
        .collect();
    // GPU model, node count, NCCL and the batch size (in each of the 10 logs) differ; the
    // GPUs per node, the driver (both driver fields), CUDA and lora_rank agree
    assert_eq!(spec.len(), 3 + 10, "{spec:#?}");
    assert_eq!(spec[0], "GPU model: the spec pins \"H100-SXM5-80GB\" (specs/azure.run:3), the result has \"NVIDIA H200-SXM5-141GB\" @ [FIXTURES]/Azure/systems/ND_H200_v5_n64_nemo.json field `accelerator_model_name`");
    assert!(spec.iter().any(|s| s.starts_with("NCCL version: the spec pins \"2.21\" (specs/azure.run:8), the result has \"2.22.3\" @ [FIXTURES]/Azure/systems/ND_H200_v5_n64_nemo.json field `other_software_stack.nccl_version`")), "{spec:#?}");
    assert!(spec
        .iter()
        .any(|s| s.starts_with("number_of_nodes: the spec pins \"32\"")));
    assert!(spec.iter().any(|s| s == "hparam `global_batch_size`: the spec pins \"128\" (specs/azure.run:13), the result has \"64\" @ [FIXTURES]/Azure/results/ND_H200_v5_n64_nemo/llama2_70b_lora/result_0.txt:9"), "{spec:#?}");
    assert!(report.benchmarks[0].verdict == repro_audit::verify::Verdict::Fail);
}

/// A spec sets launch-level hyperparameters (NeMo's `tensor_model_parallel_size`) that no
/// MLLOG reports: they are skipped with one warning each, and the result still passes.
#[test]
fn hparams_no_log_reports_are_skipped_and_said() {
    let Some(fixtures) = mlperf_support::fixtures() else {
        return;
    };
    let mut spec = azure_spec(vec![
        ("lora_rank", json!(16), 12),
        ("tensor_model_parallel_size", json!(4), 14),
    ]);
    spec.pins.gpu = Some("NVIDIA H200-SXM5-141GB".to_owned());
    spec.pins.nodes = 64;
    spec.pins.nccl = Some("2.22".to_owned());
    let dir = fixtures.join("Azure/results/ND_H200_v5_n64_nemo/llama2_70b_lora");
    let report = verify(
        &[dir],
        &VerifyOptions {
            ruleset: "mlperf-training-4.1".into(),
            spec: Some(spec),
        },
    )
    .unwrap();
    let spec: Vec<_> = report.benchmarks[0]
        .findings
        .iter()
        .filter(|f| f.check == "spec")
        .collect();
    assert_eq!(spec.len(), 1, "{spec:#?}");
    assert_eq!(spec[0].severity, Severity::Warning);
    assert_eq!(
        spec[0].message,
        "hparam `tensor_model_parallel_size` (specs/azure.run:14): no log reports it, so it is not checked"
    );
    assert!(
        report.benchmarks[0].verdict == repro_audit::verify::Verdict::Pass,
        "{:#?}",
        report.benchmarks[0].findings
    );
}
