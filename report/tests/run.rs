//! `run` and `diff` reports (two result records of the smoke plan), the cost of a result,
//! and the smaller commands' formats.

mod support;

use repro_report::{Format, Prices};
use repro_runner::report::ResultReport;

fn prices() -> Prices {
    Prices::read(&support::repo().join("examples/prices.toml")).unwrap()
}

#[test]
fn run_report_shows_gpu_hours_with_wall_time_and_dollars() {
    let dir = tempfile::tempdir().unwrap();
    let (cur, _, diff) = support::two_results(dir.path(), 1.5);
    let report = ResultReport::new(&cur, Some(diff));
    let text = repro_report::run::render(&report, Format::Human, Some(&prices())).unwrap();
    let score = cur.record.score_s.unwrap();
    let wall: f64 = cur.record.runs.iter().map(|r| r.elapsed_s).sum();
    let (h, w) = (8.0 * score / 3600.0, 8.0 * wall / 3600.0);
    let expected = format!(
        "cost {h:.3} GPU-h (8 x NVIDIA H100 80GB HBM3), wall time incl. init {w:.3} GPU-h, ${:.2} per result at $2.99/GPU-h (`H100`)",
        h * 2.99
    );
    assert!(text.contains(&expected), "{expected}\n{text}");
    assert!(text.contains("verdict: regressed"), "{text}");
    let json: serde_json::Value = serde_json::from_str(
        &repro_report::run::render(&report, Format::Json, Some(&prices())).unwrap(),
    )
    .unwrap();
    assert_eq!(json["schema_version"], 1);
    assert_eq!(json["id"], cur.id.as_str());
    assert_eq!(json["cost"]["accelerators"], 8);
    assert!((json["cost"]["wall_gpu_hours"].as_f64().unwrap() - w).abs() < 1e-12);
    assert_eq!(json["diff"]["verdict"], "regressed");
}

#[test]
fn a_cpu_result_says_why_it_has_no_gpu_hours() {
    let dir = tempfile::tempdir().unwrap();
    let (_, base, _) = support::two_results(dir.path(), 1.0);
    let text =
        repro_report::run::render(&ResultReport::new(&base, None), Format::Human, None).unwrap();
    assert!(
        text.contains("cost: no GPU in the environment record, so no GPU-hours"),
        "{text}"
    );
}

#[test]
fn run_and_diff_html_plot_time_to_train_against_the_baseline() {
    let dir = tempfile::tempdir().unwrap();
    let (cur, _, diff) = support::two_results(dir.path(), 1.5);
    let report = ResultReport::new(&cur, Some(diff.clone()));
    for html in [
        repro_report::run::render(&report, Format::Html, None).unwrap(),
        repro_report::diff::render(&diff, Format::Html).unwrap(),
    ] {
        support::assert_self_contained(&html);
        let svgs = support::svgs(&html);
        assert_eq!(svgs.len(), 1, "{html}");
        let svg = svgs[0];
        let runs = cur.record.runs.len();
        assert_eq!(
            svg.matches("class=\"dot\"").count(),
            2 * runs,
            "baseline and current runs"
        );
        assert!(
            svg.contains("class=\"tolerance-band\"") && svg.contains("class=\"baseline-mean\"")
        );
        assert_eq!(svg.matches("class=\"interval\"").count(), 1);
        assert!(html.contains("class=\"fail\">regressed"));
    }
}

#[test]
fn junit_has_one_case_per_plan_and_comparison_with_the_failure() {
    let dir = tempfile::tempdir().unwrap();
    let (cur, _, diff) = support::two_results(dir.path(), 1.5);
    let xml = repro_report::run::render(
        &ResultReport::new(&cur, Some(diff.clone())),
        Format::Junit,
        None,
    )
    .unwrap();
    let parsed = support::junit(&xml);
    let cases = &parsed.test_suites[0].test_cases;
    assert_eq!(cases.len(), 2, "the plan and its comparison");
    assert_eq!(parsed.failures, 1);
    assert!(xml.contains("message=\"regressed: time_to_train"), "{xml}");
    let xml = repro_report::diff::render(&diff, Format::Junit).unwrap();
    assert_eq!(support::junit(&xml).tests, 1);
}

#[test]
fn markdown_keeps_score_cost_and_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let (cur, _, diff) = support::two_results(dir.path(), 1.5);
    let md =
        repro_report::run::render(&ResultReport::new(&cur, Some(diff)), Format::Markdown, None)
            .unwrap();
    for line in [
        "- **score** (olympic mean of time to train):",
        "- **cost**: ",
        "- **verdict**: pass",
        "**verdict: regressed**",
        "| time_to_train | s | 5/5 |",
    ] {
        assert!(md.contains(line), "`{line}`:\n{md}");
    }
}

#[test]
fn probe_has_no_junit_and_says_which_formats_it_has() {
    let text =
        std::fs::read_to_string(support::repo().join("runner/tests/fixtures/probe/no-gpu.json"))
            .unwrap();
    let record: repro_runner::probe::EnvRecord = serde_json::from_str(&text).unwrap();
    let e = repro_report::probe::render(&record, Format::Junit)
        .unwrap_err()
        .to_string();
    assert_eq!(e, "`--format junit` does not apply to `repro probe`\nhelp: use one of human, json, markdown, html");
    let html = repro_report::probe::render(&record, Format::Html).unwrap();
    support::assert_self_contained(&html);
    let back: repro_runner::probe::EnvRecord =
        serde_json::from_str(&repro_report::probe::render(&record, Format::Json).unwrap()).unwrap();
    assert_eq!(
        back, record,
        "the JSON is the record `REPRO_PROBE_OVERRIDE` reads"
    );
}

#[test]
fn the_shipped_price_file_parses_and_prices_every_fixture_accelerator() {
    let p = prices();
    for sku in [
        "NVIDIA H200-SXM5-141GB",
        "NVIDIA H100-SXM5-80GB",
        "NVIDIA H100 80GB HBM3",
        "NVIDIA A100-SXM4-80GB",
        "NVIDIA B200",
    ] {
        assert!(p.lookup(sku).is_some(), "{sku}");
    }
    assert_eq!(p.lookup("NVIDIA H100 NVL").unwrap().0, "H100 NVL");
}

/// The JSON schemas of `run` and `diff` (docs/formats.md), snapshot-tested: a field renamed
/// or dropped is a reviewed change. The store's temporary folder is redacted.
#[test]
fn run_and_diff_json_schemas() {
    let dir = tempfile::tempdir().unwrap();
    let (cur, _, diff) = support::two_results(dir.path(), 1.5);
    let diff_json = repro_report::diff::render(&diff, Format::Json).unwrap();
    let report = ResultReport::new(&cur, Some(diff));
    let run_json = repro_report::run::render(&report, Format::Json, Some(&prices())).unwrap();
    let redact = |t: &str| t.replace(&dir.path().display().to_string(), "[STORE]");
    insta::assert_snapshot!("run_json", redact(&run_json));
    insta::assert_snapshot!("diff_json", redact(&diff_json));
}

/// The JSON schema of `status` (docs/formats.md), snapshot-tested on a three-run array in
/// each of the states `repro status` reports.
#[test]
fn status_json_schema() {
    use repro_runner::slurm::{StatusReport, StatusRow};
    let row = |index: u32, status: &str| StatusRow {
        index,
        task: format!("4242_{index}"),
        status: status.to_string(),
    };
    let report = StatusReport {
        plan: "gpt3-2x2-h200".into(),
        job_id: "4242".into(),
        rows: vec![
            row(0, "completed"),
            row(1, "running"),
            row(2, "ended, not collected yet (run `repro collect`)"),
        ],
    };
    let json = repro_report::status::render(&report, Format::Json).unwrap();
    insta::assert_snapshot!("status_json", json);
}

/// A multi-node result costs every node's GPUs: the lock's `nodes` × `gpus_per_node`, not
/// the one node's environment record.
#[test]
fn a_multi_node_result_costs_every_nodes_gpus() {
    let dir = tempfile::tempdir().unwrap();
    let (mut cur, _, _) = support::two_results(dir.path(), 1.0);
    cur.record.hardware.insert("nodes".into(), "64".into());
    cur.record
        .hardware
        .insert("gpus_per_node".into(), "8".into());
    assert_eq!(cur.record.accelerators(), Some(512));
    let cost = repro_report::run::cost(&cur.record, None).unwrap();
    assert_eq!(cost.accelerators, 512);
}
