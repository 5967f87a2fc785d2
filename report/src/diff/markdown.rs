use std::fmt::Write;

use repro_runner::diff::Diff;

use super::{short, verdict_word};

/// The diff as a Markdown table (metric, runs, ratio and interval, verdict).
pub fn render(diff: &Diff) -> String {
    let mut s = format!(
        "## `{}` vs baseline `{}`\n\nTolerance {:.1} %. Score {} vs {}.\n\n| metric | unit | runs (current/baseline) | ratio current/baseline | 95 % interval | verdict |\n| --- | --- | ---: | ---: | --- | --- |\n",
        short(&diff.current),
        short(&diff.baseline),
        diff.tolerance * 100.0,
        diff.score_s.map_or("none".into(), crate::units::seconds),
        diff.baseline_score_s.map_or("none".into(), crate::units::seconds),
    );
    for m in &diff.metrics {
        let (r, iv) = m.ratio.map_or(("-".into(), "-".into()), |ci| {
            (
                format!("{:.3}", ci.estimate),
                format!("[{:.3}, {:.3}]", ci.low, ci.high),
            )
        });
        let _ = writeln!(
            s,
            "| {} | {} | {}/{} | {r} | {iv} | {} |",
            m.name,
            m.unit,
            m.current.len(),
            m.baseline.len(),
            verdict_word(m.verdict)
        );
    }
    for d in &diff.lock_differences {
        let _ = writeln!(s, "\n- lock differs: {d}");
    }
    let _ = writeln!(s, "\n**verdict: {}**", verdict_word(diff.verdict));
    s
}
