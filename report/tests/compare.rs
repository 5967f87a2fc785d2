//! `compare` of Azure's H200 folder with Oracle's H100 folder: the verdict says why, the split
//! is a chart with intervals, the cost ratio sits beside the speed-up.

mod support;

use repro_audit::verify::{compare, CompareReport, Side};
use repro_report::{compare::render, Format, Prices};

fn report(claim: f64) -> Option<CompareReport> {
    let f = support::fixtures()?;
    let side = |p: &str| Side::from_folder(&f.join(p), "mlperf-training-4.1").unwrap();
    Some(
        compare(
            side("Azure/results/ND_H200_v5_n64_nemo/llama2_70b_lora"),
            side("Oracle/results/512xBM.GPU.H100.8/llama2_70b_lora"),
            Some(claim),
        )
        .unwrap(),
    )
}

#[test]
fn the_verdict_says_why_and_which_part_carries_the_speedup() {
    let Some(r) = report(1.28) else { return };
    let text = render(&r, Format::Human, None).unwrap();
    assert!(text.contains("claim 28.0 % faster (1.280x): inconclusive: the 95 % interval of the speed-up [1.221x, 1.346x] contains the claimed 1.280x"), "{text}");
    assert!(text.contains("most of the 28.4 % speed-up (75 % on a log scale) comes from converging in fewer samples (1.206x), not from throughput (1.064x)"), "{text}");
    assert!(
        text.contains(
            "speed-up 1.284x at a cost-per-result ratio of 0.779x (GPU-hours per result, A over B)"
        ),
        "{text}"
    );
    let Some(supported) = report(1.10) else {
        return;
    };
    let line = repro_report::compare::claim_sentence(&supported).unwrap();
    assert!(
        line.ends_with("is at or above the claimed 1.100x"),
        "{line}"
    );
}

#[test]
fn prices_turn_the_ratio_into_dollars() {
    let Some(r) = report(1.28) else { return };
    let prices = Prices::read(&support::repo().join("examples/prices.toml")).unwrap();
    let text = render(&r, Format::Human, Some(&prices)).unwrap();
    let (h200, h100) = (
        prices.lookup("NVIDIA H200-SXM5-141GB").unwrap().1,
        prices.lookup("NVIDIA H100-SXM5-80GB").unwrap().1,
    );
    let ratio = (512.0 * r.score_a * h200) / (512.0 * r.score_b * h100);
    let expected = format!("cost-per-result ratio of {ratio:.3}x (dollars per result, A over B)");
    assert!(text.contains(&expected), "{expected}\n{text}");
    let json: serde_json::Value =
        serde_json::from_str(&render(&r, Format::Json, Some(&prices)).unwrap()).unwrap();
    assert_eq!(json["cost_ratio"]["unit"], "$");
    assert!((json["cost_ratio"]["ratio"].as_f64().unwrap() - ratio).abs() < 1e-12);
    assert_eq!(json["verdict"], "inconclusive");
    assert!(json["cost"][0]["usd"].as_f64().unwrap() > 0.0);
}

#[test]
fn html_draws_the_split_with_intervals_and_the_claim() {
    let Some(r) = report(1.28) else { return };
    let html = render(&r, Format::Html, None).unwrap();
    support::assert_self_contained(&html);
    let svgs = support::svgs(&html);
    assert_eq!(svgs.len(), 1);
    let svg = svgs[0];
    assert_eq!(
        svg.matches("class=\"interval\"").count(),
        3,
        "speed-up, throughput, convergence"
    );
    for label in [
        "1.284x [1.221x, 1.346x]",
        "1.064x [1.062x, 1.066x]",
        "1.206x [1.164x, 1.255x]",
    ] {
        assert!(svg.contains(label), "{label}");
    }
    assert!(svg.contains("class=\"claim\"") && svg.contains("class=\"parity\""));
    assert!(html.contains("contains the claimed 1.280x"));
}

#[test]
fn junit_fails_an_unsupported_claim_with_the_reason() {
    let Some(r) = report(1.28) else { return };
    let xml = render(&r, Format::Junit, None).unwrap();
    let parsed = support::junit(&xml);
    assert_eq!(parsed.test_suites[0].test_cases.len(), 1);
    assert_eq!(parsed.tests, 1);
    assert_eq!(parsed.failures, 1);
    assert!(xml.contains("contains the claimed 1.280x"), "{xml}");
    let Some(ok) = report(1.10) else { return };
    assert_eq!(
        support::junit(&render(&ok, Format::Junit, None).unwrap()).failures,
        0
    );
}

/// The JSON schema of `compare` (docs/formats.md), snapshot-tested on the published folders.
#[test]
fn compare_json_schema() {
    let (Some(r), Some(f)) = (report(1.28), support::fixtures()) else {
        return;
    };
    let prices = Prices::read(&support::repo().join("examples/prices.toml")).unwrap();
    let json = render(&r, Format::Json, Some(&prices)).unwrap();
    insta::assert_snapshot!("compare_json", support::redact(&json, &f));
}
