//! `verify`: discover, check every file in parallel, score and package-check every folder.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::discover::{discover, BenchmarkDir, DiscoverError};
use super::pinned_spec::PinnedSpec;
use super::report::{BenchmarkReport, RunReport, SystemReport, Verdict, VerifyReport};
use crate::mlperf::package::{self, Finding, Severity, SystemDesc};
use crate::mlperf::rcp::RcpTable;
use crate::mlperf::{
    score_benchmark, MlperfError, OversizedLine, RuleBook, RunResult, RunUse, MAX_LINE,
};

/// What to verify against.
#[derive(Debug, Clone, Default)]
pub struct VerifyOptions {
    /// The ruleset name (`mlperf-training-4.1`).
    pub ruleset: String,
    /// The spec's pins and hparams (`--spec`), if given.
    pub spec: Option<PinnedSpec>,
}

/// Why `verify` could not run at all (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// A PATH is unreadable or holds no results.
    #[error(transparent)]
    Discover(#[from] DiscoverError),
    /// The rules could not be loaded.
    #[error(transparent)]
    Rules(#[from] MlperfError),
    /// Unknown `--ruleset`.
    #[error("unknown ruleset `{name}`\nhelp: the rounds this build knows are {known}")]
    UnknownRuleset {
        /// The name asked for.
        name: String,
        /// The rounds there are, in backticks.
        known: String,
    },
}

/// Verifies `paths` (see [`discover`] for what a PATH may be).
pub fn verify(paths: &[PathBuf], opts: &VerifyOptions) -> Result<VerifyReport, VerifyError> {
    let book = RuleBook::by_name(&opts.ruleset)
        .ok_or_else(|| VerifyError::UnknownRuleset {
            name: opts.ruleset.clone(),
            known: RuleBook::rounds()
                .iter()
                .map(|r| format!("`{r}`"))
                .collect::<Vec<_>>()
                .join(", "),
        })?
        .map_err(MlperfError::from)?;
    let mut dirs = Vec::new();
    for p in paths {
        dirs.extend(discover(p)?);
    }
    dirs.sort_by(|a, b| a.path.cmp(&b.path));
    dirs.dedup_by(|a, b| a.path == b.path && a.files == b.files);
    let jobs: Vec<(usize, &Path)> = dirs
        .iter()
        .enumerate()
        .flat_map(|(i, d)| d.files.iter().map(move |f| (i, f.as_path())))
        .collect();
    let checked: Vec<(usize, Result<RunResult, MlperfError>)> = jobs
        .par_iter()
        .map(|&(i, f)| (i, RunResult::check(f, &book)))
        .collect();
    let mut per_dir: Vec<Vec<Result<RunResult, MlperfError>>> =
        (0..dirs.len()).map(|_| Vec::new()).collect();
    for (i, r) in checked {
        per_dir[i].push(r);
    }
    let mut systems: BTreeMap<PathBuf, (SystemDesc, Vec<Finding>)> = BTreeMap::new();
    for path in dirs
        .iter()
        .filter(|d| !d.single_file)
        .filter_map(BenchmarkDir::system_desc_path)
    {
        systems.entry(path.clone()).or_insert_with(|| {
            let (desc, mut findings) = SystemDesc::read(&path);
            findings.extend(package::check_system(&desc, &book));
            (desc, findings)
        });
    }
    let benchmarks = dirs
        .iter()
        .zip(per_dir)
        .map(|(d, runs)| benchmark_report(d, runs, &book, &systems, opts.spec.as_ref()))
        .collect();
    let systems = systems
        .into_iter()
        .map(|(path, (_, findings))| SystemReport {
            verdict: verdict_of(&findings),
            path,
            findings,
        })
        .collect();
    Ok(VerifyReport {
        ruleset: book.name.clone(),
        benchmarks,
        systems,
    })
}

fn verdict_of(findings: &[Finding]) -> Verdict {
    if findings.iter().any(|f| f.severity == Severity::Error) {
        Verdict::Fail
    } else {
        Verdict::Pass
    }
}

fn benchmark_report(
    d: &BenchmarkDir,
    results: Vec<Result<RunResult, MlperfError>>,
    book: &RuleBook,
    systems: &BTreeMap<PathBuf, (SystemDesc, Vec<Finding>)>,
    spec: Option<&PinnedSpec>,
) -> BenchmarkReport {
    let mut findings = Vec::new();
    let mut runs = Vec::new();
    for r in results {
        match r {
            Ok(r) => {
                findings.extend(r.oversized.iter().map(|o| oversized_finding(&r.path, o)));
                runs.push(r);
            }
            Err(e) => findings.push(Finding::new(Severity::Error, "read", e.to_string(), None)),
        }
    }
    let desc = d
        .system_desc_path()
        .and_then(|p| systems.get(&p))
        .map(|(s, _)| s);
    let logged_division = runs
        .iter()
        .find_map(|r| r.submission("division")?.as_str().map(str::to_owned));
    let division = desc.and_then(|s| s.field("division")).or(logged_division);
    let closed = division.as_deref() == Some("closed");
    let known = book.benchmarks.contains(&d.benchmark);
    // one named file: compliance and time to train only; the olympic score and the RCP
    // check need the whole folder
    let table = if closed && known && !d.single_file {
        let runs_required = book.required_runs.get(&d.benchmark).copied().unwrap_or(0);
        book.rcp.get(&d.benchmark).and_then(|json| {
            match RcpTable::new(&d.benchmark, json, runs_required) {
                Ok(t) => Some(t),
                Err(e) => {
                    findings.push(Finding::new(
                        Severity::Error,
                        "rcp",
                        format!("bad RCP reference data: {e}"),
                        None,
                    ));
                    None
                }
            }
        })
    } else {
        None
    };
    if let Some(t) = &table {
        findings.extend(rcp_outliers(&book.name, t));
    }
    if !known {
        {
            let have: Vec<String> = RuleBook::round_benchmarks()
                .unwrap_or_default()
                .into_iter()
                .filter(|(_, benches)| benches.contains(&d.benchmark))
                .map(|(name, _)| format!("`{name}`"))
                .collect();
            let help = if have.is_empty() {
                "no round this build knows has it (`repro rules list`)".to_owned()
            } else {
                format!(
                    "pass `--ruleset` with a round that has it: {}",
                    have.join(", ")
                )
            };
            let msg = format!(
                "`{}` is not a benchmark of `{}`\nhelp: {help}",
                d.benchmark, book.name
            );
            findings.push(Finding::new(
                Severity::Error,
                "benchmark",
                msg,
                Some(d.path.display().to_string()),
            ));
        }
    }
    if !d.single_file {
        // the official package checker's power checks, where the folder has `power/`
        let power = d.path.join("power");
        let power = if power.exists() {
            package::check_power(&power, &d.files)
        } else {
            package::PowerCheck::default()
        };
        findings.extend(package::check_runs(
            &d.benchmark,
            &runs,
            closed,
            book,
            &power.failed,
        ));
        findings.extend(power.findings);
        findings.extend(merge_repeats(package::check_contradictions(
            &d.benchmark,
            &runs,
            desc,
        )));
        if d.submitter_root.is_none() {
            let msg = "not inside `<submitter>/results/<system>/`: the system description cannot be found".to_owned();
            findings.push(Finding::new(
                Severity::Warning,
                "system_description",
                msg,
                Some(d.path.display().to_string()),
            ));
        }
    }
    if let Some(spec) = spec {
        findings.extend(spec.check(desc, &runs));
    }
    let dropped_allowed = book.dropped_allowed_for(&d.benchmark);
    let mut score = score_benchmark(runs, table.as_ref(), dropped_allowed, &book.name);
    if d.single_file {
        score.olympic_mean = None;
        score.score = None;
        score.no_score_reason =
            Some("one result file: the olympic score needs the benchmark folder".to_owned());
        for r in score.runs.iter_mut().filter(|r| r.ttt.is_some()) {
            r.used = RunUse::Used;
        }
    }
    if let Some(rcp) = score.rcp.as_ref().filter(|c| !c.passed && !d.single_file) {
        findings.push(Finding::new(
            Severity::Error,
            "rcp",
            format!("RCP check fails: {}", rcp.message),
            None,
        ));
    }
    // the official summarizer scales by the folder's `scaling.json` when there is one (the
    // package checker writes it from the RCP check); repro does the same, and says so when
    // that file disagrees with the RCP check
    let computed = score.rcp.as_ref().map_or(1.0, |c| c.scaling_factor);
    let (shipped, finding) = shipped_scaling(&d.path, computed);
    findings.extend(finding);
    let (scaling_factor, scaling_source) = match shipped {
        Some(f) => (f, "scaling.json"),
        None if score.rcp.is_some() => (computed, "rcp"),
        None => (1.0, "none"),
    };
    score.score = score.olympic_mean.map(|m| m * scaling_factor);
    let (energy_joules, energy_unavailable) = match score.energy_mean.clone() {
        _ if d.single_file => (None, None),
        Some(Ok(e)) => (Some(e * scaling_factor), None),
        Some(Err(why)) => {
            findings.push(Finding::new(
                Severity::Warning,
                "energy",
                format!("no energy score: {why}; the time score stands"),
                Some(d.path.join("power").display().to_string()),
            ));
            (None, Some(why))
        }
        None => (None, None),
    };
    if d.single_file {
        for r in score.runs.iter().filter(|r| !r.compliance.passed) {
            findings.push(Finding::new(
                Severity::Error,
                "compliance",
                "the run fails compliance".into(),
                Some(r.path.display().to_string()),
            ));
        }
    }
    // a benchmark the round lacks is one error, not a pile of rule failures from a round
    // that does not describe it
    let verdict = if known {
        verdict_of(&findings)
    } else {
        findings.retain(|f| f.check == "benchmark" || f.check == "read");
        Verdict::Fail
    };
    findings.sort_by_key(|f| f.severity);
    BenchmarkReport {
        path: d.path.clone(),
        submitter: d.submitter(),
        system: d.system.clone(),
        benchmark: d.benchmark.clone(),
        division,
        verdict,
        score: score.score,
        olympic_mean: score.olympic_mean,
        dropped_allowed,
        scaling_factor,
        scaling_source,
        energy_joules,
        energy_unavailable,
        no_score_reason: if known {
            score.no_score_reason.clone()
        } else {
            None
        },
        runs_used: score.runs.iter().filter(|r| r.used == RunUse::Used).count(),
        runs_total: score.runs.len(),
        rcp: score.rcp.clone(),
        findings,
        runs: if known {
            score.runs.iter().map(run_report).collect()
        } else {
            Vec::new()
        },
        accelerators: desc.and_then(accelerators),
        accelerator: desc.and_then(|s| s.field("accelerator_model_name")),
    }
}

/// `number_of_nodes` × `accelerators_per_node` (either may be logged as a string).
fn accelerators(desc: &SystemDesc) -> Option<u32> {
    let n = |f: &str| desc.field(f)?.trim().trim_matches('"').parse::<f64>().ok();
    let total = n("number_of_nodes")? * n("accelerators_per_node")?;
    (1.0..1e7).contains(&total).then_some(total.round() as u32)
}

fn run_report(r: &RunResult) -> RunReport {
    let messages = r
        .compliance
        .messages
        .iter()
        .map(|m| {
            let at = m
                .file_line
                .map_or(String::new(), |l| format!(" (file line {l})"));
            format!("{}{at} {}", m.text, m.detail).trim_end().to_owned()
        })
        .collect();
    RunReport {
        file: r.path.clone(),
        compliant: r.compliance.passed,
        ttt_minutes: r.ttt,
        olympic: r.used,
        messages,
        samples_to_converge: r.rcp.epochs,
        curve: r.curve.iter().map(|&(x, y)| [x, y]).collect(),
    }
}

/// Reference records holding a gross outlier: a run more than twice, or less than half, the
/// record's median. The official checker uses such records as they are, which can make the
/// bound meaningless (gpt3's 3072 record holds 13790871552, about 10x the others).
fn rcp_outliers(round: &str, t: &RcpTable) -> Vec<Finding> {
    let mut out = Vec::new();
    for r in &t.records {
        let median = r.runs[r.runs.len() / 2];
        for x in r
            .runs
            .iter()
            .filter(|&&x| x > 2.0 * median || x < 0.5 * median)
        {
            let msg = format!(
                "RCP reference `{}` (batch size {}) holds an outlier run {x} (median {median}); its max speed-up becomes {:.3e}",
                r.name, r.bs, r.max_speedup
            );
            let loc = format!(
                "specs/rules/{}/rcp/rcps_{}.json record `{}`",
                round, t.benchmark, r.name
            );
            out.push(Finding::new(
                Severity::Warning,
                "contradiction",
                msg,
                Some(loc),
            ));
        }
    }
    out
}

/// A line too long to read: the verdict on its file is repro's without that line.
fn oversized_finding(path: &Path, o: &OversizedLine) -> Finding {
    let msg = format!(
        "line is {} bytes, over the {} byte limit; repro skipped it, so this file's verdict does not include it",
        o.length, MAX_LINE
    );
    let loc = format!("{}:{}", path.display(), o.file_line);
    Finding::new(Severity::Error, "read", msg, Some(loc))
}

/// One finding per distinct message: the same contradiction in every run of a folder is
/// reported once, naming the first file and how many more.
fn merge_repeats(findings: Vec<Finding>) -> Vec<Finding> {
    let mut out: Vec<(Finding, usize)> = Vec::new();
    for f in findings {
        match out
            .iter_mut()
            .find(|(g, _)| g.message == f.message && g.check == f.check)
        {
            Some((_, n)) => *n += 1,
            None => out.push((f, 0)),
        }
    }
    out.into_iter()
        .map(|(mut f, n)| {
            if n > 0 {
                f.location = f.location.map(|l| format!("{l} (and {n} more runs)"));
            }
            f
        })
        .collect()
}

/// The factor of a `scaling.json` shipped in the folder, and a finding when it differs from
/// the one the RCP check gives (or is unreadable).
fn shipped_scaling(dir: &Path, computed: f64) -> (Option<f64>, Option<Finding>) {
    let path = dir.join("scaling.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return (None, None);
    };
    let loc = Some(format!("{} field `scaling_factor`", path.display()));
    let shipped = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| v.get("scaling_factor")?.as_f64());
    match shipped {
        Some(f) if ((f - computed) / computed).abs() <= 1e-9 => (Some(f), None),
        Some(f) => {
            let msg = format!("the shipped `scaling.json` says {f}, the RCP check gives {computed}; the score uses the shipped factor, as the official summarizer does");
            (
                Some(f),
                Some(Finding::new(Severity::Warning, "rcp", msg, loc)),
            )
        }
        None => {
            let msg = "the shipped `scaling.json` has no numeric `scaling_factor`; the official summarizer would crash".to_owned();
            (None, Some(Finding::new(Severity::Error, "rcp", msg, loc)))
        }
    }
}
