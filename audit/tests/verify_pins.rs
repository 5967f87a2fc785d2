//! `verify --spec`: every mismatch between a spec's pins and a published result names the
//! spec line, the JSON field or log line, and both values.

mod mlperf_support;

use repro_audit::mlperf::package::Severity;
use repro_audit::verify::pins::Pin;
use repro_audit::verify::{verify, Pins, VerifyOptions};
use serde_json::json;

fn pin<T>(value: T, line: u32) -> Option<Pin<T>> {
    Some(Pin {
        value,
        spec_location: format!("specs/azure.run:{line}"),
    })
}

#[test]
fn mismatches_name_both_sides() {
    let Some(fixtures) = mlperf_support::fixtures() else {
        return;
    };
    let pins = Pins {
        gpu_model: pin("H100-SXM5-80GB".to_owned(), 3),
        gpus_per_node: pin(8, 4),
        nodes: pin(32, 5),
        driver: pin("550.90.07".to_owned(), 6),
        cuda: pin("12.6".to_owned(), 7),
        nccl: pin("2.21".to_owned(), 8),
        hparams: vec![
            (
                "lora_rank".to_owned(),
                Pin {
                    value: json!(16),
                    spec_location: "specs/azure.run:12".into(),
                },
            ),
            (
                "global_batch_size".to_owned(),
                Pin {
                    value: json!(128),
                    spec_location: "specs/azure.run:13".into(),
                },
            ),
        ],
    };
    let dir = fixtures.join("Azure/results/ND_H200_v5_n64_nemo/llama2_70b_lora");
    let report = verify(
        &[dir],
        &VerifyOptions {
            ruleset: "mlperf-training-4.1".into(),
            pins: Some(pins),
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
