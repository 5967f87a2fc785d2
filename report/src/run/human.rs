//! The terminal rendering of a run: one line per run, the score, the cost, the verdict and,
//! with `--compare`, the diff.

use std::fmt::Write;

use repro_runner::report::{summary, ResultReport};
use repro_runner::store::RunRecord;

use super::{cost, no_cost};
use crate::Prices;

/// The result as a short table: one line per run, then score, cost and verdict.
pub fn render(report: &ResultReport, prices: Option<&Prices>) -> String {
    let r = &report.result;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "plan `{}`  result {}",
        r.plan,
        crate::diff::short(&report.id)
    );
    let _ = writeln!(
        out,
        "  {:>3}  {:>20}  {:<10}  {:>9}  {:>9}  converged",
        "run", "seed", "status", "elapsed", "ttt"
    );
    for run in &r.runs {
        out.push_str(&run_line(run));
    }
    let score = r.score_s.map_or("none".to_string(), |s| format!("{s:.3}s"));
    let _ = writeln!(out, "score (olympic mean of time to train): {score}");
    match cost(r, prices) {
        Some(c) => {
            let _ = writeln!(out, "{}", c.line());
        }
        None => {
            let _ = writeln!(out, "{}", no_cost(r));
        }
    }
    if !r.reproducible {
        out.push_str(&summary::drift(r));
    }
    if !r.unverified_sources.is_empty() {
        let names: Vec<String> = r
            .unverified_sources
            .iter()
            .map(|n| format!("`{n}`"))
            .collect();
        let _ = writeln!(
            out,
            "unverified source(s): {} (pinned commit never fetched from its remote)",
            names.join(", ")
        );
    }
    out.push_str(&summary::verdict_line(r));
    let _ = writeln!(out, "stored: {}", report.path.display());
    if let Some(diff) = &report.diff {
        out.push_str(&crate::diff::human(diff));
    }
    out
}

fn run_line(run: &RunRecord) -> String {
    let metrics = run.metrics.as_ref();
    let ttt = metrics
        .and_then(|m| m.ttt_s)
        .map_or("-".into(), |t| format!("{t:.3}s"));
    let converged = metrics.map_or("-".to_owned(), |m| {
        match (m.converged, m.samples_to_converge) {
            (true, Some(n)) => format!("yes, at {}", crate::units::count(n, "samples")),
            (true, None) => "yes".into(),
            (false, _) => "no".into(),
        }
    });
    let mut line = format!(
        "  {:>3}  {:>20}  {:<10}  {:>8.2}s  {:>9}  {converged}\n",
        run.index,
        run.seed,
        run.status.label(),
        run.elapsed_s,
        ttt
    );
    for message in metrics
        .map(|m| m.messages.as_slice())
        .unwrap_or_default()
        .iter()
        .take(3)
    {
        let _ = writeln!(line, "       {message}");
    }
    line
}
