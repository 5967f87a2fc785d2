//! `repro compare` on Azure's H200 folder vs Oracle's 512xH100 folder: the published 1.284x
//! and its parts, deterministic.

mod mlperf_support;

use repro_audit::verify::{compare, ClaimVerdict, Side};

fn side(p: &std::path::Path) -> Side {
    Side::from_folder(p, "mlperf-training-4.1").unwrap()
}

#[test]
fn azure_h200_over_oracle_h100_is_1_284x() {
    let Some(f) = mlperf_support::fixtures() else {
        return;
    };
    let a = f.join("Azure/results/ND_H200_v5_n64_nemo/llama2_70b_lora");
    let b = f.join("Oracle/results/512xBM.GPU.H100.8/llama2_70b_lora");
    let r = compare(side(&a), side(&b), Some(1.28)).unwrap();
    let speedup = &r.parts[0].ci;
    assert!(
        (speedup.estimate - 2.064865 / 1.608517).abs() < 1e-5,
        "{speedup:?}"
    );
    assert_eq!(format!("{:.3}", speedup.estimate), "1.284");
    let (thr, conv) = (&r.parts[1].ci, &r.parts[2].ci);
    // Azure converges in fewer samples (7440 vs 8976 on average over the used runs) and
    // runs ~6% more samples per minute
    assert!((conv.estimate - 8976.0 / 7440.0).abs() < 1e-9, "{conv:?}");
    assert!(thr.estimate > 1.05 && thr.estimate < 1.08, "{thr:?}");
    assert!((r.residual - 1.0).abs() < 0.01);
    for p in &r.parts {
        assert!(
            p.ci.low <= p.ci.estimate && p.ci.estimate <= p.ci.high,
            "{p:?}"
        );
    }
    // 1.28 sits inside the CI of the speed-up: the claim is neither shown nor refuted
    assert_eq!(r.verdict, Some(ClaimVerdict::Inconclusive));
    let again = compare(side(&a), side(&b), Some(1.28)).unwrap();
    assert_eq!(
        serde_json::to_string(&again).unwrap(),
        serde_json::to_string(&r).unwrap(),
        "bootstrap must be deterministic"
    );
    let modest = compare(side(&a), side(&b), Some(1.10)).unwrap();
    assert_eq!(modest.verdict, Some(ClaimVerdict::Supported));
    let grand = compare(side(&a), side(&b), Some(1.50)).unwrap();
    assert_eq!(grand.verdict, Some(ClaimVerdict::NotSupported));
}

#[test]
fn comparing_different_benchmarks_is_an_error() {
    let Some(f) = mlperf_support::fixtures() else {
        return;
    };
    let a = f.join("Azure/results/ND_H200_v5_n64_nemo/llama2_70b_lora");
    let b = f.join("NVIDIA/results/eos_n64_ngc24.09_nemo/gpt3");
    let err = compare(side(&a), side(&b), None).unwrap_err().to_string();
    assert!(
        err.contains("speed-ups only compare the same benchmark"),
        "{err}"
    );
}
