//! A whole published round held against the official tools: every submitter's package verdict
//! (`mlperf_logging.package_checker`) and every score and energy score
//! (`mlperf_logging.result_summarizer`) against `repro verify`'s. The published fixtures are a
//! sample; this check is for whole rounds, which are not in the repository (no network here),
//! so it is `#[ignore]`d and reads the round from the environment:
//!
//! ```text
//! REPRO_WHOLE_ROUND=/path/to/training_results_v5.0 ROUND=5.0 \
//!   cargo test -p repro-audit --test whole_round -- --ignored --nocapture
//! ```
//!
//! The official tools write into the tree they check (`scaling.json`, `package_checker.log`),
//! so they run on a scratch copy (under `REPRO_WHOLE_ROUND_SCRATCH` if set, else the system
//! temporary folder), in the official order: the package checker per submitter (which writes
//! each folder's `scaling.json`), then the summarizer once on the round. repro runs on the
//! untouched tree. The test fails listing every verdict, score or energy that differs.

mod mlperf_support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use repro_audit::verify::{verify, BenchmarkReport, Verdict, VerifyOptions, VerifyReport};

/// The official package checker's last word on a submitter that passes.
const PACKAGE_OK: &str = "PACKAGE CHECKER FOUND NO ERRORS, SUCCESS";

/// The submitter folders of a round: folders holding `results/` or `systems/`, sorted.
fn submitters(root: &Path) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("results").is_dir() || p.join("systems").is_dir())
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    out.sort();
    out
}

/// The official package checker on one submitter folder: (passed, the log's error lines).
fn package_checker(python: &Path, folder: &Path, round: &str, log: &Path) -> (bool, String) {
    let out = Command::new(python)
        .args(["-m", "mlperf_logging.package_checker"])
        .arg(folder)
        .args(["training", &format!("{round}.0"), "--log_output"])
        .arg(log)
        .current_dir(folder.parent().unwrap())
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let errors: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("ERROR") || l.contains("Traceback") || l.contains("Error:"))
        .take(5)
        .collect();
    (text.contains(PACKAGE_OK), errors.join(" | "))
}

/// A summarizer row's key: (the system description's `submitter`, the system folder, the
/// benchmark). The folder comes from the row's `details_url` (`.../systems/<folder>.json`).
type Key = (String, String, String);

/// The summarizer's (time to train in minutes, energy in joules) per key.
type Official = BTreeMap<Key, (Option<f64>, Option<f64>)>;

/// The official summarizer on the round: (time to train, energy) per key, or why it failed.
fn summarizer(python: &Path, root: &Path, round: &str, out_dir: &Path) -> Result<Official, String> {
    let out = Command::new(python)
        .args(["-m", "mlperf_logging.result_summarizer"])
        .arg(format!("{}/{{*}}", root.display()))
        .args(["training", &format!("{round}.0"), "--csv"])
        .arg(out_dir.join("summary.csv"))
        .current_dir(out_dir)
        .output()
        .unwrap();
    let text = std::fs::read_to_string(out_dir.join("summary_detailed.json")).map_err(|e| {
        let err = String::from_utf8_lossy(&out.stderr);
        let tail: Vec<&str> = err.lines().rev().take(3).collect();
        format!("the official summarizer wrote no summary_detailed.json ({e}): {tail:?}")
    })?;
    let rows: serde_json::Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    let mut out = BTreeMap::new();
    for row in rows.as_array().into_iter().flatten() {
        let submitter = row["submitter"].as_str().unwrap_or("").to_owned();
        let url = row["details_url"].as_str().unwrap_or("");
        let system = url
            .rsplit('/')
            .next()
            .and_then(|f| f.strip_suffix(".json"))
            .unwrap_or("")
            .to_owned();
        for (k, v) in row.as_object().into_iter().flatten() {
            if let Some(bench) = k.strip_suffix(":time_to_train") {
                let energy = row[format!("{bench}:Energy")].as_f64();
                out.insert(
                    (submitter.clone(), system.clone(), bench.to_owned()),
                    (v.as_f64(), energy),
                );
            }
        }
    }
    Ok(out)
}

/// repro's key of a benchmark folder: the system description's `submitter` (as the summarizer
/// names it), the system folder and the benchmark.
fn repro_key(b: &BenchmarkReport) -> Key {
    let org = b
        .path
        .parent()
        .and_then(Path::parent)
        .and_then(Path::parent);
    let desc = org.map(|o| o.join("systems").join(format!("{}.json", b.system)));
    let submitter = desc
        .and_then(|d| std::fs::read_to_string(d).ok())
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .and_then(|v| v["submitter"].as_str().map(str::to_owned))
        .unwrap_or_default();
    (submitter, b.system.clone(), b.benchmark.clone())
}

/// repro's package verdict of a submitter: every benchmark folder and system description of
/// it passes.
fn repro_passes(r: &VerifyReport, root: &Path, submitter: &str) -> bool {
    let dir = root.join(submitter);
    r.benchmarks
        .iter()
        .filter(|b| b.path.starts_with(&dir))
        .all(|b| b.verdict == Verdict::Pass)
        && r.systems
            .iter()
            .filter(|s| s.path.starts_with(&dir))
            .all(|s| s.verdict == Verdict::Pass)
}

fn close(a: f64, b: f64) -> bool {
    ((a - b) / b).abs() <= 1e-6
}

#[test]
#[ignore = "needs a whole round: REPRO_WHOLE_ROUND=/path/to/round ROUND=X.Y (see the file's doc)"]
fn a_whole_round_gets_the_official_verdicts_and_scores() {
    let root = PathBuf::from(
        std::env::var_os("REPRO_WHOLE_ROUND")
            .expect("set REPRO_WHOLE_ROUND to a round's folder (its submitter folders inside)"),
    );
    let round = std::env::var("ROUND").expect("set ROUND to the round, e.g. ROUND=5.0");
    let python = mlperf_support::official_python()
        .expect("the official checker is needed: set REPRO_MLPERF_PYTHON");
    let diffs = hold_round(&python, &root, &round);
    assert!(
        diffs.is_empty(),
        "{} differences from the official tools:\n{}",
        diffs.len(),
        diffs.join("\n")
    );
}

/// The same check on every published fixture round (a sample of each round, run in the normal
/// suite): each submitter's package verdict, each folder's score and energy score.
#[test]
fn every_fixture_round_gets_the_official_verdicts_and_scores() {
    let (Some(v41), Some(python)) = (
        mlperf_support::fixtures(),
        mlperf_support::official_python(),
    ) else {
        return;
    };
    let mut diffs = Vec::new();
    for round in ["4.0", "4.1", "5.0", "5.1"] {
        let root = v41
            .parent()
            .unwrap()
            .join(format!("mlperf-training-{round}"));
        diffs.extend(
            hold_round(&python, &root, round)
                .into_iter()
                .map(|d| format!("{round}: {d}")),
        );
    }
    assert!(
        diffs.is_empty(),
        "{} differences from the official tools:\n{}",
        diffs.len(),
        diffs.join("\n")
    );
}

/// Holds one round's folder against the official tools and returns every difference (after
/// printing a summary line).
fn hold_round(python: &Path, root: &Path, round: &str) -> Vec<String> {
    let root = root.canonicalize().unwrap();
    let opts = VerifyOptions {
        ruleset: format!("mlperf-training-{round}"),
        spec: None,
    };
    let t = std::time::Instant::now();
    let report = verify(std::slice::from_ref(&root), &opts).unwrap();
    let repro_s = t.elapsed().as_secs_f64();

    let scratch = match std::env::var_os("REPRO_WHOLE_ROUND_SCRATCH") {
        Some(d) => tempfile::tempdir_in(d).unwrap(),
        None => tempfile::tempdir().unwrap(),
    };
    let copy = scratch.path().join("round");
    mlperf_support::copy_dir(&root, &copy);
    let logs = scratch.path().join("logs");
    std::fs::create_dir_all(&logs).unwrap();

    let mut diffs = Vec::new();
    let t = std::time::Instant::now();
    let subs = submitters(&root);
    let mut verdicts_equal = 0;
    let mut verdicts = Vec::new();
    for s in &subs {
        let log = logs.join(format!("{s}.log"));
        let (official, errors) = package_checker(python, &copy.join(s), round, &log);
        let ours = repro_passes(&report, &root, s);
        let word = |p: bool| if p { "PASS" } else { "FAIL" };
        verdicts.push(format!("{s} {}/{}", word(official), word(ours)));
        if official == ours {
            verdicts_equal += 1;
        } else {
            let why: Vec<String> = report
                .benchmarks
                .iter()
                .filter(|b| b.path.starts_with(root.join(s)) && b.verdict != Verdict::Pass)
                .map(|b| format!("{} {:?}: {:?}", b.benchmark, b.verdict, b.findings.first()))
                .collect();
            diffs.push(format!(
                "{s}: package checker {}, repro {} (official: {errors}; repro: {why:?})",
                word(official),
                word(ours),
            ));
        }
    }
    let official_scores = summarizer(python, &copy, round, scratch.path());
    let official_s = t.elapsed().as_secs_f64();

    let (mut scores_equal, mut energies_equal, mut folders) = (0, 0, 0);
    match &official_scores {
        Err(e) => diffs.push(e.clone()),
        Ok(official) => {
            let mut seen = Vec::new();
            for b in report
                .benchmarks
                .iter()
                .filter(|b| b.verdict != Verdict::Skipped)
            {
                folders += 1;
                let key = repro_key(b);
                let (want, want_energy) = official.get(&key).copied().unwrap_or((None, None));
                seen.push(key.clone());
                match (b.score, want) {
                    (Some(g), Some(w)) if close(g, w) => scores_equal += 1,
                    (None, None) => scores_equal += 1,
                    (g, w) => diffs.push(format!(
                        "{key:?} ({}): score official {w:?}, repro {g:?} ({:?})",
                        b.path.display(),
                        b.no_score_reason
                    )),
                }
                match (b.energy_joules, want_energy) {
                    (Some(g), Some(w)) if close(g, w) => energies_equal += 1,
                    (None, None) => {}
                    (g, w) => diffs.push(format!(
                        "{key:?}: energy official {w:?} J, repro {g:?} J ({:?})",
                        b.energy_unavailable
                    )),
                }
            }
            for (key, (w, _)) in official {
                if w.is_some() && !seen.contains(key) {
                    diffs.push(format!(
                        "{key:?}: the official summarizer scores it {w:?}, repro has no such folder"
                    ));
                }
            }
        }
    }
    eprintln!(
        "round {round} at {}: {} submitters, {folders} benchmark folders; package verdicts equal \
         {verdicts_equal}/{}, scores equal {scores_equal}/{folders}, energy scores equal \
         {energies_equal}; repro {repro_s:.2}s, official tools {official_s:.1}s\n\
         package verdicts (official/repro): {}",
        root.display(),
        subs.len(),
        subs.len(),
        verdicts.join(", ")
    );
    assert!(
        !subs.is_empty(),
        "no submitter folders under {}",
        root.display()
    );
    diffs
}
