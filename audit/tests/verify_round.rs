//! `repro verify` on the published fixtures and on derived rounds: verdicts, scores (held
//! against the official summarizer when it is installed), package checks, read-only
//! behaviour (the report formats are tested in the `repro-report` crate).

mod mlperf_support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use repro_audit::mlperf::package::Severity;
use repro_audit::verify::{verify, BenchmarkReport, Verdict, VerifyOptions, VerifyReport};
use sha2::{Digest, Sha256};

fn opts() -> VerifyOptions {
    VerifyOptions {
        ruleset: "mlperf-training-4.1".into(),
        spec: None,
    }
}

/// sha256 of every file (path and bytes) under `dir`, and the list of paths.
fn tree_hash(dir: &Path) -> String {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                files.push(p);
            }
        }
    }
    files.sort();
    let mut h = Sha256::new();
    for f in files {
        h.update(f.to_string_lossy().as_bytes());
        h.update(std::fs::read(&f).unwrap());
    }
    hex::encode(h.finalize())
}

fn bench<'a>(r: &'a VerifyReport, submitter: &str) -> &'a BenchmarkReport {
    r.benchmarks
        .iter()
        .find(|b| b.submitter.as_deref() == Some(submitter))
        .unwrap()
}

#[test]
fn published_round_passes_with_official_scores_and_is_left_untouched() {
    let Some(fixtures) = mlperf_support::fixtures() else {
        return;
    };
    let before = tree_hash(&fixtures);
    let report = verify(std::slice::from_ref(&fixtures), &opts()).unwrap();
    assert_eq!(
        tree_hash(&fixtures),
        before,
        "verify wrote into the tree it checked"
    );
    assert!(report.passed());
    let scores: Vec<(String, f64)> = report
        .benchmarks
        .iter()
        .map(|b| (b.submitter.clone().unwrap(), b.score.unwrap()))
        .collect();
    for ((who, got), want) in scores.iter().zip([1.608517, 49.795133, 2.064865]) {
        assert!(((got - want) / want).abs() < 1e-6, "{who}: {got} vs {want}");
    }
    // contradictions the official tools ignore
    let nvidia_sys = report
        .systems
        .iter()
        .find(|s| s.path.ends_with("eos_n64_ngc24.09_nemo.json"))
        .unwrap();
    assert!(nvidia_sys
        .findings
        .iter()
        .any(|f| f.check == "contradiction" && f.message.contains("535.129.03")));
    let gpt3 = bench(&report, "NVIDIA");
    assert!(
        gpt3.findings
            .iter()
            .any(|f| f.message.contains("13790871552")),
        "{:?}",
        gpt3.findings
    );
    let oracle = bench(&report, "Oracle");
    assert!(oracle
        .findings
        .iter()
        .any(|f| f.message.contains("PLACEHOLDER")));
}

/// A round derived from the fixtures, one submitter per case; system descriptions get the
/// submitter's name so that the official summarizer's rows can be matched.
fn derived_round(
    fixtures: &Path,
    root: &Path,
    fake_scaling: bool,
) -> BTreeMap<&'static str, PathBuf> {
    let azure = fixtures.join("Azure");
    let mut cases = BTreeMap::new();
    for name in [
        "Base",
        "OneBad",
        "TwoBad",
        "NotConverged",
        "Missing",
        "Faster",
        "TooFast",
    ] {
        let org = root.join(name);
        mlperf_support::copy_dir(&azure, &org);
        let sys = org.join("systems/ND_H200_v5_n64_nemo.json");
        let text = std::fs::read_to_string(&sys).unwrap().replace(
            "\"submitter\": \"Azure\"",
            &format!("\"submitter\": \"{name}\""),
        );
        std::fs::write(&sys, text).unwrap();
        cases.insert(
            name,
            org.join("results/ND_H200_v5_n64_nemo/llama2_70b_lora"),
        );
    }
    let edit = |dir: &Path, file: &str, from: &str, to: &str| {
        let p = dir.join(file);
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains(from), "{from} not in {}", p.display());
        std::fs::write(&p, text.replace(from, to)).unwrap();
    };
    // the fastest run (result_9) breaks a hyperparameter rule: it is dropped, the next
    // fastest becomes the dropped-fastest one
    edit(
        &cases["OneBad"],
        "result_9.txt",
        "\"key\": \"lora_rank\", \"value\": 16",
        "\"key\": \"lora_rank\", \"value\": 8",
    );
    edit(
        &cases["TwoBad"],
        "result_9.txt",
        "\"key\": \"lora_rank\", \"value\": 16",
        "\"key\": \"lora_rank\", \"value\": 8",
    );
    edit(
        &cases["TwoBad"],
        "result_0.txt",
        "\"key\": \"lora_alpha\"",
        "\"key\": \"lora_alpha_renamed\"",
    );
    // a run that never reaches the target: every eval_accuracy above 0.925
    let p = cases["NotConverged"].join("result_3.txt");
    let text: String = std::fs::read_to_string(&p)
        .unwrap()
        .lines()
        .map(|l| {
            if l.contains("\"key\": \"eval_accuracy\"") {
                l.replace("\"value\": 0.9", "\"value\": 0.99")
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&p, text).unwrap();
    std::fs::remove_file(cases["Missing"].join("result_4.txt")).unwrap();
    // a shipped scaling.json that disagrees with the RCP check (which gives 1.0 here)
    if fake_scaling {
        std::fs::write(
            cases["Base"].join("scaling.json"),
            "{\"scaling_factor\": 1.05}",
        )
        .unwrap();
    }
    // every run converges at 6912 samples: faster than the reference mean (7131.43) but
    // within the allowed speed-up (6705.38), so the score is scaled by 7131.43 / 6912
    converge_at(&cases["Faster"], 6912);
    // every run converges at 6144 samples: faster than allowed, the RCP check fails (the
    // score stays, unscaled, as in the official table)
    converge_at(&cases["TooFast"], 6144);
    cases
}

/// Relabels each run's last eval as converging at `n` samples and drops evals labelled at or
/// after `n` before it.
fn converge_at(dir: &Path, n: u64) {
    for f in mlperf_support::result_files(dir) {
        let text = std::fs::read_to_string(&f).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let is_eval = |l: &str| l.contains("\"key\": \"eval_accuracy\"");
        let count = |l: &str| -> u64 {
            let at = l.rfind("\"samples_count\": ").unwrap() + 17;
            l[at..].trim_end_matches(['}', ' ']).parse().unwrap()
        };
        let last = lines.iter().rposition(|l| is_eval(l)).unwrap();
        let kept: Vec<String> = lines
            .iter()
            .enumerate()
            .filter(|(i, l)| *i == last || !(is_eval(l) && count(l) >= n))
            .map(|(i, l)| {
                if i == last {
                    l.replace(
                        &format!("\"samples_count\": {}}}", count(l)),
                        &format!("\"samples_count\": {n}}}"),
                    )
                } else {
                    (*l).to_owned()
                }
            })
            .collect();
        std::fs::write(&f, kept.join("\n") + "\n").unwrap();
    }
}

#[test]
fn derived_round_scores_and_package_checks() {
    let Some(fixtures) = mlperf_support::fixtures() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let cases = derived_round(&fixtures, dir.path(), true);
    let report = verify(&[dir.path().to_owned()], &opts()).unwrap();
    let base = bench(&report, "Base");
    assert_eq!(base.verdict, Verdict::Pass);
    assert_eq!(
        (base.scaling_factor, base.scaling_source),
        (1.05, "scaling.json")
    );
    assert!(
        base.findings.iter().any(|f| f
            .message
            .starts_with("the shipped `scaling.json` says 1.05, the RCP check gives 1;")),
        "{:?}",
        base.findings
    );
    let one = bench(&report, "OneBad");
    assert_eq!(
        (one.verdict, one.runs_used, one.runs_total),
        (Verdict::Pass, 8, 10)
    );
    assert!(one
        .findings
        .iter()
        .any(|f| f.severity == Severity::Warning && f.check == "compliance"));
    let two = bench(&report, "TwoBad");
    assert_eq!((two.verdict, two.score), (Verdict::Fail, None));
    assert!(two
        .no_score_reason
        .as_deref()
        .unwrap()
        .contains("too many non-converging runs"));
    let nc = bench(&report, "NotConverged");
    assert!(
        !nc.runs
            .iter()
            .find(|r| r.file.ends_with("result_3.txt"))
            .unwrap()
            .compliant
    );
    let missing = bench(&report, "Missing");
    assert_eq!(missing.verdict, Verdict::Fail);
    assert!(missing.findings.iter().any(|f| f.check == "run_count"
        && f.message == "9 result files, `llama2_70b_lora` requires exactly 10"));
    let faster = bench(&report, "Faster");
    let rcp = faster.rcp.as_ref().unwrap();
    assert_eq!(rcp.submission_mean, Some(6912.0));
    assert!(
        (faster.scaling_factor - 7131.428571428572 / 6912.0).abs() < 1e-12,
        "{rcp:?}"
    );
    assert_eq!(faster.scaling_source, "rcp");
    assert_eq!(faster.runs_used, 8, "{:?}", faster.findings);
    let scaled = faster.olympic_mean.unwrap() * 7131.428571428572 / 6912.0;
    assert!((faster.score.unwrap() - scaled).abs() < 1e-12);
    let too_fast = bench(&report, "TooFast");
    assert_eq!(too_fast.verdict, Verdict::Fail);
    assert_eq!(too_fast.rcp.as_ref().map(|c| c.passed), Some(false));
    assert_eq!((too_fast.scaling_factor, too_fast.runs_used), (1.0, 8));
    assert!(
        too_fast
            .findings
            .iter()
            .any(|f| f.message == "RCP check fails: RCP Interpolation"),
        "{:?}",
        too_fast.findings
    );
    assert_eq!(cases.len(), 7);
}

/// The official summarizer's `time_to_train` per submitter (4.1.68 `--csv` detailed JSON).
fn official_scores(python: &Path, root: &Path) -> BTreeMap<String, Option<f64>> {
    let out_dir = tempfile::tempdir().unwrap();
    let csv = out_dir.path().join("summary.csv");
    let status = Command::new(python)
        .args(["-m", "mlperf_logging.result_summarizer"])
        .arg(format!("{}/{{*}}", root.display()))
        .args(["training", "4.1.0", "--csv"])
        .arg(&csv)
        .current_dir(out_dir.path())
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out_dir.path().join("summary_detailed.json")).unwrap(),
    )
    .unwrap();
    json.as_array()
        .unwrap()
        .iter()
        .map(|row| {
            (
                row["submitter"].as_str().unwrap().to_owned(),
                row["llama2_70b_lora:time_to_train"].as_f64(),
            )
        })
        .collect()
}

#[test]
fn derived_round_scores_equal_the_official_summarizer() {
    let (Some(fixtures), Some(python)) = (
        mlperf_support::fixtures(),
        mlperf_support::official_python(),
    ) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    derived_round(&fixtures, dir.path(), false);
    // ours first: the official summarizer writes scaling.json into the tree
    let report = verify(&[dir.path().to_owned()], &opts()).unwrap();
    // the published flow: the first pass writes scaling.json (its RCP step), the second reads
    // it (4.1.68 reads the file before it runs the RCP step)
    official_scores(&python, dir.path());
    let official = official_scores(&python, dir.path());
    assert_eq!(official.len(), 7, "{official:?}");
    for (who, want) in official {
        let got = bench(&report, &who).score;
        match (got, want) {
            (Some(g), Some(w)) => {
                assert!(((g - w) / w).abs() < 1e-6, "{who}: repro {g}, official {w}")
            }
            (None, None) => {}
            _ => panic!("{who}: repro {got:?}, official {want:?}"),
        }
    }
}

#[test]
fn unreadable_input_is_an_error_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let err = verify(&[dir.path().to_owned()], &opts())
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("no MLPerf results under"), "{err}");
    assert!(err.contains("help: "), "{err}");
    let err = verify(&[dir.path().join("nope")], &opts())
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("cannot read"), "{err}");
    let err = verify(
        &[dir.path().to_owned()],
        &VerifyOptions {
            ruleset: "mlperf-training-9".into(),
            spec: None,
        },
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.starts_with("unknown ruleset `mlperf-training-9`"),
        "{err}"
    );
}

#[test]
fn empty_benchmark_folder_and_broken_system_description_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let org = dir.path().join("Org");
    std::fs::create_dir_all(org.join("results/sys/gpt3")).unwrap();
    std::fs::create_dir_all(org.join("systems")).unwrap();
    std::fs::write(org.join("systems/sys.json"), "{\"status\": \"on-prem\"").unwrap();
    let report = verify(std::slice::from_ref(&org), &opts()).unwrap();
    assert!(!report.passed());
    let b = &report.benchmarks[0];
    assert!(
        b.findings
            .iter()
            .any(|f| f.message == "0 result files, `gpt3` requires exactly 3"),
        "{:?}",
        b.findings
    );
    assert!(report.systems[0].findings[0]
        .message
        .starts_with("the system description is not valid JSON"));
    std::fs::write(org.join("systems/sys.json"), "{\"status\": \"on-prem\"}").unwrap();
    let report = verify(&[org], &opts()).unwrap();
    let msgs: Vec<&str> = report.systems[0]
        .findings
        .iter()
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(
        msgs.len(),
        33,
        "32 missing fields and a bad status: {msgs:?}"
    );
    assert!(msgs.contains(&"`status` is \"on-prem\", expected one of \"Available on-premise\", \"Available cloud\", \"Research, Development, or Internal (RDI)\", \"Preview\""));
}

#[test]
fn repeated_seeds_fail_the_seed_check() {
    let Some(fixtures) = mlperf_support::fixtures() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    mlperf_support::copy_dir(&fixtures.join("NVIDIA"), &dir.path().join("NVIDIA"));
    let runs = dir.path().join("NVIDIA/results/eos_n64_ngc24.09_nemo/gpt3");
    std::fs::copy(runs.join("result_0.txt"), runs.join("result_1.txt")).unwrap();
    let report = verify(&[dir.path().join("NVIDIA")], &opts()).unwrap();
    let b = &report.benchmarks[0];
    assert_eq!(b.verdict, Verdict::Fail);
    assert!(
        b.findings
            .iter()
            .any(|f| f.check == "seeds" && f.message.contains("repeats the seed")),
        "{:?}",
        b.findings
    );
}

/// A folder whose benchmark the chosen round lacks (v4.1 gpt3 under v6.1) is one error that
/// names the rounds that have it: never a silent pass, never a pile of rule failures.
#[test]
fn a_benchmark_the_round_lacks_is_one_error_naming_the_rounds_that_have_it() {
    let Some(fixtures) = mlperf_support::fixtures() else {
        return;
    };
    let report = verify(
        std::slice::from_ref(&fixtures),
        &VerifyOptions {
            ruleset: "mlperf-training-6.1".into(),
            spec: None,
        },
    )
    .unwrap();
    let gpt3 = report
        .benchmarks
        .iter()
        .find(|b| b.benchmark == "gpt3")
        .unwrap();
    assert_eq!(gpt3.verdict, Verdict::Fail);
    assert!(gpt3.runs.is_empty());
    assert_eq!(gpt3.findings.len(), 1, "{:?}", gpt3.findings);
    assert_eq!(
        gpt3.findings[0].message,
        "`gpt3` is not a benchmark of `mlperf-training-6.1`\nhelp: pass `--ruleset` with a round \
         that has it: `mlperf-training-4.0`, `mlperf-training-4.1`"
    );
}

/// A hostile 100 MB line in a published log is one finding naming the file, the line and its
/// length; the rest of the file is still read and verify does not abort (memory: see
/// `audit/examples/verify_bench.rs`).
#[test]
fn a_100_mb_line_is_a_finding_not_an_abort() {
    use std::io::Write;
    let Some(fixtures) = mlperf_support::fixtures() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    mlperf_support::copy_dir(&fixtures.join("NVIDIA"), &dir.path().join("NVIDIA"));
    let runs = dir.path().join("NVIDIA/results/eos_n64_ngc24.09_nemo/gpt3");
    let log = runs.join("result_0.txt");
    let text = std::fs::read(&log).unwrap();
    let first = text.iter().position(|&b| b == b'\n').unwrap() + 1;
    let mut f = std::fs::File::create(&log).unwrap();
    f.write_all(&text[..first]).unwrap();
    f.write_all(b":::MLLOG {\"key\": \"").unwrap();
    let block = vec![b'x'; 1 << 20];
    for _ in 0..100 {
        f.write_all(&block).unwrap();
    }
    f.write_all(b"\"}\n").unwrap();
    f.write_all(&text[first..]).unwrap();
    drop(f);
    let report = verify(&[dir.path().join("NVIDIA")], &opts()).unwrap();
    let b = &report.benchmarks[0];
    let hit: Vec<_> = b.findings.iter().filter(|f| f.check == "read").collect();
    assert_eq!(hit.len(), 1, "{:?}", b.findings);
    let len = 100 * (1 << 20) + ":::MLLOG {\"key\": \"\"}".len();
    assert!(
        hit[0]
            .message
            .starts_with(&format!("line is {len} bytes, over the 1048576 byte limit")),
        "{}",
        hit[0].message
    );
    assert_eq!(
        hit[0].location.as_deref(),
        Some(format!("{}:2", log.display()).as_str())
    );
    assert_eq!(b.verdict, Verdict::Fail);
    // the lines after it are read: the run is still scored compliant
    assert!(b.runs[0].compliant, "{:?}", b.runs[0].messages);
}
