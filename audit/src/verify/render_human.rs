//! The human rendering of a [`VerifyReport`]: a summary table, then the work per folder.

use std::fmt::Write;

use super::report::{BenchmarkReport, Verdict, VerifyReport};
use crate::mlperf::package::Severity;
use crate::mlperf::RunUse;

pub(super) fn verdict_word(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "PASS",
        Verdict::Fail => "FAIL",
        Verdict::Skipped => "SKIPPED",
    }
}

pub(super) fn rcp_cell(b: &BenchmarkReport) -> String {
    match &b.rcp {
        None => "n/a".to_owned(),
        Some(c) if c.passed => format!("pass x{:.6}", c.scaling_factor),
        Some(_) => "FAIL".to_owned(),
    }
}

pub(super) fn score_cell(b: &BenchmarkReport) -> String {
    b.score
        .map_or_else(|| "-".to_owned(), |s| format!("{s:.6}"))
}

pub(super) fn use_word(u: RunUse) -> &'static str {
    match u {
        RunUse::Used => "used",
        RunUse::DroppedFastest => "dropped (fastest)",
        RunUse::DroppedSlowest => "dropped (slowest)",
        RunUse::NonCompliant => "dropped (not compliant)",
    }
}

fn file_name(p: &std::path::Path) -> String {
    p.file_name().map_or_else(
        || p.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// Renders the report for a terminal.
pub fn render_human(r: &VerifyReport) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{:<14} {:<32} {:<16} {:<8} {:>12} {:>6} {:<16}",
        "submitter", "system", "benchmark", "verdict", "score (min)", "runs", "RCP"
    );
    for b in &r.benchmarks {
        let _ = writeln!(
            s,
            "{:<14} {:<32} {:<16} {:<8} {:>12} {:>6} {:<16}",
            b.submitter.as_deref().unwrap_or("-"),
            b.system,
            b.benchmark,
            verdict_word(b.verdict),
            score_cell(b),
            format!("{}/{}", b.runs_used, b.runs_total),
            rcp_cell(b)
        );
    }
    for sys in &r.systems {
        let _ = writeln!(
            s,
            "\nsystem {}: {}",
            sys.path.display(),
            verdict_word(sys.verdict)
        );
        sys.findings.iter().for_each(|f| write_finding(&mut s, f));
    }
    for b in &r.benchmarks {
        let _ = writeln!(s, "\n{}: {}", b.path.display(), verdict_word(b.verdict));
        for run in &b.runs {
            let ttt = run
                .ttt_minutes
                .map_or_else(|| "-".to_owned(), |t| format!("{t:.6}"));
            let _ = writeln!(
                s,
                "  {:<14} {:>12} min  {:<24} converged at {}",
                file_name(&run.file),
                ttt,
                use_word(run.olympic),
                run.samples_to_converge
            );
            for m in &run.messages {
                let _ = writeln!(s, "      {m}");
            }
        }
        match (b.olympic_mean, &b.no_score_reason) {
            (Some(m), _) => {
                let _ = writeln!(s, "  olympic mean {m:.6} min over {} runs", b.runs_used);
            }
            (None, Some(why)) => {
                let _ = writeln!(s, "  no score: {why}");
            }
            _ => {}
        }
        if let Some(c) = &b.rcp {
            let reference = c.reference.as_ref().map_or(String::new(), |r| {
                format!(
                    ", reference `{}` mean {:.6} min epochs {:.6}",
                    r.name, r.mean, r.min_epochs
                )
            });
            let subm = c
                .submission_mean
                .map_or(String::new(), |m| format!(", submission mean {m}"));
            let _ = writeln!(
                s,
                "  RCP: {} ({}{reference}{subm}), scaling factor {:.6}",
                if c.passed { "pass" } else { "FAIL" },
                c.message,
                c.scaling_factor
            );
        }
        if let Some(score) = b.score {
            let _ = writeln!(s, "  score {score:.6} min");
        }
        b.findings.iter().for_each(|f| write_finding(&mut s, f));
    }
    let _ = writeln!(
        s,
        "\n{}",
        if r.passed() {
            "all verdicts passed"
        } else {
            "some verdicts FAILED"
        }
    );
    s
}

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn at(loc: &Option<String>) -> String {
    loc.as_ref()
        .map_or(String::new(), |l| format!("\n      at {l}"))
}

/// One finding of a system or a benchmark folder: `  error: [check] message at location`.
fn write_finding(s: &mut String, f: &crate::mlperf::package::Finding) {
    let _ = writeln!(
        s,
        "  {}: [{}] {}{}",
        severity(f.severity),
        f.check,
        f.message,
        at(&f.location)
    );
}
