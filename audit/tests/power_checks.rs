//! The official package checker's power checks (`package_checker/power_checker.py`,
//! mlperf-logging 4.1.68, run in the test) mirrored by `repro verify`: on the published folders
//! with `power/` (v5.0 Lenovo SR780aV3 bert, v4.0 smc-ac-power resnet) and on corrupted copies
//! of Lenovo's (a run without its power folder, two of them, a misnumbered node file, a run with
//! one node file more, the official checker's index quirk, a node file without a number). For
//! each: the results the official checker rejects (from its warnings) equal repro's, and so do
//! the verdicts of the folder and of the submitter.

mod mlperf_support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use repro_audit::mlperf::package::{check_power, Severity};
use repro_audit::verify::{verify, Verdict, VerifyOptions};

/// What the official package checker says of a submitter folder: (passed, the results its
/// power warnings reject, whether the benchmark folder "cannot be accepted", crashed).
fn official(python: &Path, org: &Path, round: &str) -> (bool, BTreeSet<String>, bool, bool) {
    let log = org.parent().unwrap().join("package_checker.log");
    let out = Command::new(python)
        .args(["-m", "mlperf_logging.package_checker"])
        .arg(org)
        .args(["training", &format!("{round}.0"), "--log_output"])
        .arg(&log)
        .current_dir(org.parent().unwrap())
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let mut rejected = BTreeSet::new();
    for l in text.lines() {
        let last = |s: &str| s.trim().rsplit('/').next().unwrap_or("").to_owned();
        if let Some((_, r)) = l.split_once("Package does not contain power result for ") {
            rejected.insert(r.rsplit(": ").next().unwrap_or("").trim().to_owned());
        } else if l.contains("Bad naming of ") {
            let dir = l.split(" in directory ").nth(1).unwrap_or("");
            rejected.insert(last(dir.split(", expected").next().unwrap_or("")));
        } else if let Some(rest) = l.strip_prefix("WARNING - Directory ") {
            rejected.insert(last(rest.trim_end_matches(" does not comply")));
        }
    }
    (
        text.contains("PACKAGE CHECKER FOUND NO ERRORS, SUCCESS"),
        rejected,
        text.contains("directory cannot be accepted"),
        text.contains("Traceback"),
    )
}

fn fixtures_round(round: &str) -> Option<PathBuf> {
    Some(
        mlperf_support::fixtures()?
            .parent()?
            .join(format!("mlperf-training-{round}")),
    )
}

/// A corruption of a copy's `power/` folder.
type Corruption = Box<dyn Fn(&Path)>;

fn remove(run: &'static str) -> impl Fn(&Path) {
    move |power: &Path| std::fs::remove_dir_all(power.join(run)).unwrap()
}

#[test]
fn power_checks_match_the_official_package_checker() {
    let (Some(r50), Some(r40), Some(python)) = (
        fixtures_round("5.0"),
        fixtures_round("4.0"),
        mlperf_support::official_python(),
    ) else {
        return;
    };
    let lenovo_power = "results/SR780aV3-8xB200_SXM_180GB/bert/power";
    let cases: Vec<(&str, Corruption)> = vec![
        ("published", Box::new(|_: &Path| {})),
        ("one-missing", Box::new(remove("result_3"))),
        (
            "two-missing",
            Box::new(|p: &Path| {
                remove("result_3")(p);
                remove("result_5")(p);
            }),
        ),
        (
            "misnumbered-and-missing",
            Box::new(|p: &Path| {
                let d = p.join("result_2");
                std::fs::rename(d.join("node_0.txt"), d.join("node_1.txt")).unwrap();
                remove("result_5")(p);
            }),
        ),
        (
            "one-node-more",
            Box::new(|p: &Path| {
                let d = p.join("result_4");
                std::fs::copy(d.join("node_0.txt"), d.join("node_1.txt")).unwrap();
            }),
        ),
        (
            // the official count check names the run by its position among the runs that
            // have a power folder: with result_0's gone, result_4's extra node names result_3
            "index-quirk",
            Box::new(|p: &Path| {
                remove("result_0")(p);
                let d = p.join("result_4");
                std::fs::copy(d.join("node_0.txt"), d.join("node_1.txt")).unwrap();
            }),
        ),
        (
            "node-without-number",
            Box::new(|p: &Path| {
                std::fs::write(p.join("result_1/nodes.txt"), "").unwrap();
            }),
        ),
    ];
    let scratch = tempfile::tempdir().unwrap();
    let mut rows = Vec::new();
    let mut mismatches = Vec::new();
    let mut run_case = |name: &str, org: PathBuf, round: &str, bench: &Path| {
        let opts = VerifyOptions {
            ruleset: format!("mlperf-training-{round}"),
            spec: None,
        };
        let report = verify(std::slice::from_ref(&org), &opts).unwrap();
        let b = &report.benchmarks[0];
        let mut files: Vec<PathBuf> = mlperf_support::result_files(bench);
        files.sort();
        let ours = check_power(&bench.join("power"), &files);
        let our_pass = report.passed();
        let our_reject = b.findings.iter().any(|f| {
            f.severity == Severity::Error && (f.check == "compliance" || f.check == "power")
        });
        let our_crash = ours.findings.iter().any(|f| f.severity == Severity::Error);
        let (pass, rejected, not_accepted, crashed) = official(&python, &org, round);
        rows.push(format!(
            "{name}: official {} {rejected:?}, repro {} {:?}",
            if pass { "PASS" } else { "FAIL" },
            if our_pass { "PASS" } else { "FAIL" },
            ours.failed
        ));
        if crashed {
            // the official run stops: only the verdict and repro's error finding are comparable
            if pass || our_pass || !our_crash {
                mismatches.push(format!(
                    "{name}: official crashed (pass {pass}), repro pass {our_pass}, error finding {our_crash}"
                ));
            }
            return;
        }
        if (pass, &rejected, not_accepted) != (our_pass, &ours.failed, our_reject) || our_crash {
            mismatches.push(format!(
                "{name}: official (pass {pass}, rejects {rejected:?}, folder refused {not_accepted}), \
                 repro (pass {our_pass}, rejects {:?}, folder refused {our_reject}; {:?})",
                ours.failed, b.findings
            ));
        }
        if our_reject || our_crash {
            assert_eq!(b.verdict, Verdict::Fail, "{name}: a refused folder fails");
        }
    };
    for (name, corrupt) in &cases {
        let org = scratch.path().join(name).join("Lenovo");
        mlperf_support::copy_dir(&r50.join("Lenovo"), &org);
        corrupt(&org.join(lenovo_power));
        let bench = org.join("results/SR780aV3-8xB200_SXM_180GB/bert");
        run_case(name, org.clone(), "5.0", &bench);
    }
    let org = scratch.path().join("smc").join("smc-ac-power");
    mlperf_support::copy_dir(&r40.join("smc-ac-power"), &org);
    let bench = org.join("results/1xSMC-H100-SXM-80GB/resnet");
    run_case("smc-ac-power (published)", org.clone(), "4.0", &bench);
    eprintln!("{}", rows.join("\n"));
    assert_eq!(rows.len(), cases.len() + 1);
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}
