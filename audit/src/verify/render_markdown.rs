//! The Markdown rendering of a [`VerifyReport`] (for issue comments and notes).

use std::fmt::Write;

use super::render_human::{rcp_cell, score_cell, use_word, verdict_word};
use super::report::VerifyReport;

/// Renders the report as Markdown: a summary table, then runs and findings per folder.
pub fn render_markdown(r: &VerifyReport) -> String {
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
            "\n## {}\n\n| run | TTT (min) | olympic | converged at |\n| --- | ---: | --- | ---: |",
            cell(&b.path.display().to_string())
        );
        for run in &b.runs {
            let ttt = run
                .ttt_minutes
                .map_or_else(|| "-".to_owned(), |t| format!("{t:.6}"));
            let name = run
                .file
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            let _ = writeln!(
                s,
                "| {} | {ttt} | {} | {} |",
                cell(&name),
                use_word(run.olympic),
                run.samples_to_converge
            );
        }
        if !b.findings.is_empty() {
            s.push('\n');
        }
        for f in &b.findings {
            let _ = writeln!(
                s,
                "- **{:?}** `{}`: {}",
                f.severity,
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
                "- **{:?}** `{}`: {}",
                f.severity,
                f.check,
                cell(&f.message)
            );
        }
    }
    s
}

/// Escapes `|` so that a value cannot break a table row.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}
