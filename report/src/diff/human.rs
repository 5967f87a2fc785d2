use std::fmt::Write;

use repro_runner::diff::Diff;

use super::{short, verdict_word};

/// The diff as a table of metrics with their ratio intervals.
pub fn render(diff: &Diff) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} vs baseline {}  (tolerance {:.1}%)",
        short(&diff.current),
        short(&diff.baseline),
        diff.tolerance * 100.0
    );
    let score = |s: Option<f64>| s.map_or("none".to_string(), |s| format!("{s:.3}s"));
    let _ = writeln!(
        out,
        "  score                {} vs {}",
        score(diff.score_s),
        score(diff.baseline_score_s)
    );
    for d in &diff.lock_differences {
        let _ = writeln!(out, "  lock differs: {d}");
    }
    for m in &diff.metrics {
        let ratio = m.ratio.map_or("-".into(), |ci| {
            format!("{:.3} [{:.3}, {:.3}]", ci.estimate, ci.low, ci.high)
        });
        let _ = writeln!(
            out,
            "  {:<20} n={}/{}  ratio {:<24} {}",
            m.name,
            m.current.len(),
            m.baseline.len(),
            ratio,
            verdict_word(m.verdict)
        );
    }
    let _ = writeln!(out, "verdict: {}", verdict_word(diff.verdict));
    out
}
