//! `verify` reports of the published fixtures in every format.

mod support;

use repro_audit::verify::{verify, VerifyOptions, VerifyReport};
use repro_report::{verify::render, Format, Prices};

fn report(fixtures: &std::path::Path) -> VerifyReport {
    let opts = VerifyOptions {
        ruleset: "mlperf-training-4.1".into(),
        spec: None,
    };
    verify(std::slice::from_ref(&fixtures.to_path_buf()), &opts).unwrap()
}

fn prices() -> Prices {
    Prices::read(&support::repo().join("examples/prices.toml")).unwrap()
}

#[test]
fn json_and_markdown_reports() {
    let Some(fixtures) = support::fixtures() else {
        return;
    };
    let r = report(&fixtures);
    let json = render(&r, Format::Json, None).unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["schema_version"], 3);
    assert_eq!(v["passed"], true);
    assert_eq!(v["benchmarks"][0]["accelerators"], 512);
    insta::assert_snapshot!("verify_fixtures_json", support::redact(&json, &fixtures));
    let md = render(&r, Format::Markdown, Some(&prices())).unwrap();
    // the score, how it was formed, the RCP check and the cost stay in the markdown
    for line in [
        "- **score**: olympic mean 1.608517 min over 8 of 10 runs",
        "- **RCP**: pass (RCP Interpolation",
        "- **cost**: 13.7 GPU-h (512 x NVIDIA H200-SXM5-141GB), $",
    ] {
        assert!(md.contains(line), "`{line}` missing:\n{md}");
    }
    insta::assert_snapshot!("verify_fixtures_markdown", support::redact(&md, &fixtures));
}

#[test]
fn human_report_names_units() {
    let Some(fixtures) = support::fixtures() else {
        return;
    };
    let text = render(&report(&fixtures), Format::Human, None).unwrap();
    assert!(text.contains("converged at 7296 samples"), "{text}");
    assert!(text.contains("RCP pass (RCP Interpolation; reference `llama2_70b_lora_interp_64`: mean 7131.4 samples, fastest allowed mean 6705.4 samples; submission mean 7440 samples)"), "{text}");
    assert!(
        text.contains("cost 13.7 GPU-h (512 x NVIDIA H200-SXM5-141GB)"),
        "{text}"
    );
}

#[test]
fn html_has_a_convergence_plot_per_benchmark_with_target_and_rcp_band() {
    let Some(fixtures) = support::fixtures() else {
        return;
    };
    let r = report(&fixtures);
    let html = render(&r, Format::Html, Some(&prices())).unwrap();
    support::assert_self_contained(&html);
    let svgs = support::svgs(&html);
    assert_eq!(
        svgs.len(),
        r.benchmarks.len(),
        "one convergence plot per benchmark"
    );
    for (svg, b) in svgs.iter().zip(&r.benchmarks) {
        // one curve per run, every point inside the frame
        assert_eq!(
            svg.matches("class=\"series\"").count(),
            b.runs.len(),
            "{}",
            b.benchmark
        );
        let points: usize = b.runs.iter().map(|run| run.curve.len()).sum();
        assert!(points > b.runs.len(), "runs have several evaluations");
        assert_eq!(svg.matches("class=\"series-point\"").count(), points);
        assert!(
            svg.contains("class=\"target\""),
            "target line in {}",
            b.benchmark
        );
        assert!(
            svg.contains("class=\"rcp-band\""),
            "RCP band in {}",
            b.benchmark
        );
        assert!(svg.contains("class=\"rcp-mean\""));
    }
    // the llama2 target is eval loss <= 0.925, and every Azure run ends below it
    let azure = &r.benchmarks[0];
    assert!(azure
        .runs
        .iter()
        .all(|run| run.curve.last().unwrap()[1] <= 0.925));
    assert!(svgs[0].contains("target ≤ 0.925"));
    assert!(html.contains("olympic mean 1.608517 min over 8 of 10 runs"));
    assert!(html.contains("class=\"pass\">PASS"));
}

#[test]
fn junit_has_one_case_per_benchmark_and_system() {
    let Some(fixtures) = support::fixtures() else {
        return;
    };
    let mut r = report(&fixtures);
    // fail one benchmark the way a package check would
    r.benchmarks[1].verdict = repro_audit::verify::Verdict::Fail;
    r.benchmarks[1]
        .findings
        .push(repro_audit::mlperf::package::Finding::new(
            repro_audit::mlperf::package::Severity::Error,
            "seeds",
            "the runs share a seed".into(),
            Some("result_1.txt".into()),
        ));
    let xml = render(&r, Format::Junit, None).unwrap();
    let parsed = support::junit(&xml);
    let suite = &parsed.test_suites[0];
    assert_eq!(suite.test_cases.len(), r.benchmarks.len() + r.systems.len());
    assert_eq!(suite.failures, 1);
    assert!(
        xml.contains("message=\"[seeds] the runs share a seed\""),
        "{xml}"
    );
    assert!(
        xml.contains("name=\"NVIDIA/eos_n64_ngc24.09_nemo/gpt3\""),
        "{xml}"
    );
}

/// v5.0 Lenovo SR780aV3 ships power logs: the human report gives the energy score in joules
/// (the value is held against the official summarizer in `audit/tests/verify_energy.rs`).
#[test]
fn human_and_json_reports_show_the_energy_score() {
    let Some(fixtures) = support::fixtures() else {
        return;
    };
    let lenovo = fixtures.join("../mlperf-training-5.0/Lenovo");
    let opts = VerifyOptions {
        ruleset: "mlperf-training-5.0".into(),
        spec: None,
    };
    let r = verify(&[lenovo], &opts).unwrap();
    let text = render(&r, Format::Human, None).unwrap();
    assert!(text.contains("energy: 1949215.9 J"), "{text}");
    let json: serde_json::Value =
        serde_json::from_str(&render(&r, Format::Json, None).unwrap()).unwrap();
    let e = json["benchmarks"][0]["energy_joules"].as_f64().unwrap();
    assert!((e - 1949215.9387540056).abs() < 1e-3, "{e}");
}

/// The Lenovo copy with `result_0`'s power window emptied (stop at its start), the case where
/// the official summarizer dies with ZeroDivisionError (`audit/tests/verify_energy.rs` runs it).
fn lenovo_with_an_empty_power_window(lenovo: &std::path::Path, to: &std::path::Path) {
    copy_dir(lenovo, to);
    let power = to.join("results/SR780aV3-8xB200_SXM_180GB/bert/power/result_0");
    let node = std::fs::read_dir(&power)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("node_")
        })
        .unwrap();
    let text = std::fs::read_to_string(&node).unwrap();
    let start = text
        .lines()
        .find(|l| l.contains("\"power_measurement_start\""))
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&start[start.find('{').unwrap()..]).unwrap();
    let stop = format!(
        ":::MLLOG {{\"time_ms\": {}, \"key\": \"power_measurement_stop\", \"value\": null, \"metadata\": {{}}}}\n",
        v["time_ms"]
    );
    let kept: String = text
        .lines()
        .filter(|l| !l.contains("\"power_measurement_stop\""))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&node, format!("{kept}{stop}")).unwrap();
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

/// The `<ul>` of facts under each benchmark heading of an HTML report (the plots and tables
/// are held by the other HTML tests).
fn html_facts(html: &str) -> String {
    html.split("<ul>\n")
        .skip(1)
        .map(|s| s.split("</ul>").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("----\n")
}

/// Energy is in every format, not only human and JSON: the v5.0 Lenovo SR780aV3 bert score
/// (1,949,215.9 J, equal to the official summarizer's) and, with an empty power window, what
/// could not be computed and why, next to the time score that stays.
#[test]
fn every_format_shows_the_energy_score_or_why_there_is_none() {
    let Some(fixtures) = support::fixtures() else {
        return;
    };
    let lenovo = fixtures.join("../mlperf-training-5.0/Lenovo");
    let opts = VerifyOptions {
        ruleset: "mlperf-training-5.0".into(),
        spec: None,
    };
    let scratch = tempfile::tempdir().unwrap();
    let broken = scratch.path().join("Lenovo");
    lenovo_with_an_empty_power_window(&lenovo, &broken);
    for (name, dir, root) in [
        ("lenovo", lenovo.clone(), lenovo.clone()),
        ("empty_window", broken.clone(), broken.clone()),
    ] {
        let r = verify(&[dir], &opts).unwrap();
        let b = &r.benchmarks[0];
        assert!(b.score.is_some(), "{name}: the time score stays");
        let (want, other) = if name == "lenovo" {
            ("energy**: 1949215.9 J", "no energy score")
        } else {
            ("no energy score**: ", "energy**: ")
        };
        let md = render(&r, Format::Markdown, None).unwrap();
        assert!(
            md.contains(want) && !md.contains(&format!("**{other}")),
            "{md}"
        );
        let xml = render(&r, Format::Junit, None).unwrap();
        support::junit(&xml);
        let plain = want.replace("**", "");
        assert!(xml.contains(&plain), "{xml}");
        let html = render(&r, Format::Html, None).unwrap();
        support::assert_self_contained(&html);
        let html_want = format!("<b>{}</b>: ", plain.split(": ").next().unwrap());
        assert!(html.contains(&html_want), "{html}");
        let redact = |t: &str| t.replace(&root.display().to_string(), "[LENOVO]");
        insta::assert_snapshot!(format!("energy_{name}_markdown"), redact(&md));
        insta::assert_snapshot!(format!("energy_{name}_junit"), redact(&xml));
        insta::assert_snapshot!(format!("energy_{name}_html"), redact(&html_facts(&html)));
    }
}
