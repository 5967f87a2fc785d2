//! The Markdown rendering of a [`VerifyReport`] (a CI step summary, an issue comment).

use std::fmt::Write;

use repro_audit::verify::VerifyReport;

use super::{
    converged_at, cost, file_name, rcp_cell, rcp_line, score_cell, score_formation, use_word,
    verdict_word,
};
use crate::Prices;

/// A summary table, then per folder its runs, how the score was formed, the RCP check, the
/// cost and the findings.
pub fn render(r: &VerifyReport, prices: Option<&Prices>) -> String {
    let mut s = format!("# repro verify ({})\n\n", r.ruleset);
    s.push_str("| submitter | system | benchmark | verdict | score (min) | runs used | RCP |\n");
    s.push_str("| --- | --- | --- | --- | ---: | ---: | --- |\n");
    for b in &r.benchmarks {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {}/{} | {} |",
            cell(b.submitter.as_deref().unwrap_or("-")),
            cell(&b.system),
            cell(&b.benchmark),
            verdict_word(b.verdict),
            score_cell(b),
            b.runs_used,
            b.runs_total,
            rcp_cell(b)
        );
    }
    for b in &r.benchmarks {
        let _ = writeln!(
            s,
            "\n## {}: {}\n\n| run | TTT (min) | olympic | convergence |\n| --- | ---: | --- | ---: |",
            cell(&b.path.display().to_string()),
            verdict_word(b.verdict)
        );
        for run in &b.runs {
            let ttt = run
                .ttt_minutes
                .map_or_else(|| "-".to_owned(), |t| format!("{t:.6}"));
            let _ = writeln!(
                s,
                "| {} | {ttt} | {} | {} |",
                cell(&file_name(&run.file)),
                use_word(run.olympic),
                converged_at(b, run.samples_to_converge)
            );
        }
        s.push('\n');
        match (score_formation(b), &b.no_score_reason) {
            (Some(how), _) => {
                let _ = writeln!(s, "- **score**: {}", cell(&how));
            }
            (None, Some(why)) => {
                let _ = writeln!(s, "- **no score**: {}", cell(why));
            }
            _ => {}
        }
        if let Some((label, text)) = super::energy(b) {
            let _ = writeln!(s, "- **{label}**: {}", cell(&text));
        }
        if let Some(line) = rcp_line(b) {
            let _ = writeln!(s, "- **RCP**: {}", cell(line.trim_start_matches("RCP ")));
        }
        if let Some(c) = cost(b, prices) {
            let _ = writeln!(s, "- **{}", cell(&c.line()).replacen("cost", "cost**:", 1));
        }
        for f in &b.findings {
            let _ = writeln!(
                s,
                "- **{}** `{}`: {}",
                super::human::severity(f.severity),
                f.check,
                cell(&f.message)
            );
        }
    }
    for sys in &r.systems {
        let _ = writeln!(
            s,
            "\n## system `{}`: {}\n",
            sys.path.display(),
            verdict_word(sys.verdict)
        );
        for f in &sys.findings {
            let _ = writeln!(
                s,
                "- **{}** `{}`: {}",
                super::human::severity(f.severity),
                f.check,
                cell(&f.message)
            );
        }
    }
    let _ = writeln!(
        s,
        "\n**{}**",
        if r.passed() {
            "all verdicts passed"
        } else {
            "some verdicts FAILED"
        }
    );
    s
}

/// Escapes `|` so that a value cannot break a table row.
pub(crate) fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}
