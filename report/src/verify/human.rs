//! The human rendering of a [`VerifyReport`]: a summary table, then the work per folder.

use std::fmt::Write;

use repro_audit::mlperf::package::{Finding, Severity};
use repro_audit::verify::VerifyReport;

use super::{
    converged_at, cost, file_name, rcp_cell, rcp_line, score_cell, score_formation, use_word,
    verdict_word,
};
use crate::Prices;

/// Renders the report for a terminal.
pub fn render(r: &VerifyReport, prices: Option<&Prices>) -> String {
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
                "  {:<14} {:>12} min  {:<24} {}",
                file_name(&run.file),
                ttt,
                use_word(run.olympic),
                converged_at(b, run.samples_to_converge)
            );
            for m in &run.messages {
                let _ = writeln!(s, "      {m}");
            }
        }
        match (score_formation(b), &b.no_score_reason) {
            (Some(how), _) => {
                let _ = writeln!(s, "  score: {how}");
            }
            (None, Some(why)) => {
                let _ = writeln!(s, "  no score: {why}");
            }
            _ => {}
        }
        if let Some((label, text)) = super::energy(b) {
            let _ = writeln!(s, "  {label}: {text}");
        }
        if let Some(line) = rcp_line(b) {
            let _ = writeln!(s, "  {line}");
        }
        if let Some(c) = cost(b, prices) {
            let _ = writeln!(s, "  {}", c.line());
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

pub(crate) fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// One finding of a system or a benchmark folder: `  error: [check] message at location`.
fn write_finding(s: &mut String, f: &Finding) {
    let at = f
        .location
        .as_ref()
        .map_or(String::new(), |l| format!("\n      at {l}"));
    let _ = writeln!(
        s,
        "  {}: [{}] {}{at}",
        severity(f.severity),
        f.check,
        f.message
    );
}
