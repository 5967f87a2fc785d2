//! Energy scores from shipped power logs, held against the official summarizer
//! (mlperf-logging 4.1.68, run in the test): v5.0 Lenovo SR780aV3 bert and v4.0 smc-ac-power
//! resnet; and a corrupted copy where the official summarizer crashes and repro says why.

mod mlperf_support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use repro_audit::verify::{verify, BenchmarkReport, VerifyOptions};

fn shared_round(round: &str) -> Option<PathBuf> {
    let f = mlperf_support::fixtures()?;
    Some(f.parent()?.join(format!("mlperf-training-{round}")))
}

/// The official summarizer on `root/{*}` (a scratch copy: it writes into the tree).
fn summarize(python: &Path, root: &Path, round: &str) -> (Output, Option<serde_json::Value>) {
    let out = Command::new(python)
        .args(["-m", "mlperf_logging.result_summarizer"])
        .arg(format!("{}/{{*}}", root.display()))
        .args(["training", &format!("{round}.0"), "--csv"])
        .arg(root.join("summary.csv"))
        .current_dir(root)
        .output()
        .unwrap();
    let json = std::fs::read_to_string(root.join("summary_detailed.json"))
        .ok()
        .map(|t| serde_json::from_str(&t).unwrap());
    (out, json)
}

fn repro(dir: &Path, round: &str) -> BenchmarkReport {
    let opts = VerifyOptions {
        ruleset: format!("mlperf-training-{round}"),
        spec: None,
    };
    let mut r = verify(&[dir.to_owned()], &opts).unwrap();
    assert_eq!(r.benchmarks.len(), 1);
    r.benchmarks.remove(0)
}

fn close(a: f64, b: f64) -> bool {
    ((a - b) / b).abs() <= 1e-6
}

#[test]
fn energy_scores_equal_the_official_summarizer() {
    let Some(python) = mlperf_support::official_python() else {
        return;
    };
    for (round, org, bench) in [("5.0", "Lenovo", "bert"), ("4.0", "smc-ac-power", "resnet")] {
        let Some(src) = shared_round(round) else {
            return;
        };
        let scratch = tempfile::tempdir().unwrap();
        mlperf_support::copy_dir(&src.join(org), &scratch.path().join(org));
        let (out, json) = summarize(&python, scratch.path(), round);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let row = &json.unwrap()[0];
        let energy = row[format!("{bench}:Energy")].as_f64().unwrap();
        let time = row[format!("{bench}:time_to_train")].as_f64().unwrap();
        let b = repro(&src.join(org), round);
        let mine = b
            .energy_joules
            .unwrap_or_else(|| panic!("{org}: {:?}", b.energy_unavailable));
        assert!(
            close(mine, energy),
            "{org} energy: repro {mine}, official {energy}"
        );
        assert!(
            close(b.score.unwrap(), time),
            "{org} time: repro {:?}, official {time}",
            b.score
        );
    }
}

/// A node file whose `power_measurement_stop` is at its start: the official summarizer dies
/// with ZeroDivisionError; repro reports the time score and why there is no energy.
#[test]
fn an_empty_power_window_crashes_the_official_tool_not_repro() {
    let Some(src) = shared_round("5.0") else {
        return;
    };
    let scratch = tempfile::tempdir().unwrap();
    let org = scratch.path().join("Lenovo");
    mlperf_support::copy_dir(&src.join("Lenovo"), &org);
    let bench = org.join("results/SR780aV3-8xB200_SXM_180GB/bert");
    let node = std::fs::read_dir(bench.join("power/result_0"))
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
    let t = &v["time_ms"];
    let stop = format!(":::MLLOG {{\"time_ms\": {t}, \"key\": \"power_measurement_stop\", \"value\": null, \"metadata\": {{}}}}\n");
    let kept: String = text
        .lines()
        .filter(|l| !l.contains("\"power_measurement_stop\""))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&node, format!("{kept}{stop}")).unwrap();
    let b = repro(&org, "5.0");
    assert!(b.score.is_some());
    assert_eq!(b.energy_joules, None);
    let why = b.energy_unavailable.unwrap();
    assert!(
        why.contains("divides by zero") && why.contains("result_0"),
        "{why}"
    );
    assert!(
        b.findings.iter().any(|f| f.check == "energy"),
        "{:?}",
        b.findings
    );
    if let Some(python) = mlperf_support::official_python() {
        let (out, _) = summarize(&python, scratch.path(), "5.0");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("ZeroDivisionError"), "{err}");
    }
}
