use std::fmt::Write;

use repro_runner::report::ResultReport;

use super::{cost, no_cost};
use crate::Prices;

/// The result as Markdown: runs table, score, cost, verdict, then the diff.
pub fn render(report: &ResultReport, prices: Option<&Prices>) -> String {
    let r = &report.result;
    let mut s = format!(
        "# repro run `{}`\n\nResult `{}` ({} executor), stored in `{}`.\n\n| run | seed | status | elapsed | time to train | converged | samples to converge |\n| ---: | ---: | --- | ---: | ---: | --- | ---: |\n",
        r.plan,
        crate::diff::short(&report.id),
        r.executor,
        report.path.display()
    );
    for run in &r.runs {
        let m = run.metrics.as_ref();
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} |",
            run.index,
            run.seed,
            run.status.label(),
            crate::units::seconds(run.elapsed_s),
            m.and_then(|m| m.ttt_s)
                .map_or("-".into(), crate::units::seconds),
            m.map_or("-", |m| if m.converged { "yes" } else { "no" }),
            m.and_then(|m| m.samples_to_converge)
                .map_or("-".into(), |n| crate::units::count(n, "samples"))
        );
    }
    let _ = writeln!(
        s,
        "\n- **score** (olympic mean of time to train): {}",
        r.score_s.map_or("none".into(), crate::units::seconds)
    );
    match cost(r, prices) {
        Some(c) => {
            let _ = writeln!(s, "- **cost**: {}", c.line().trim_start_matches("cost "));
        }
        None => {
            let _ = writeln!(s, "- {}", no_cost(r));
        }
    }
    if !r.reproducible {
        let _ = writeln!(
            s,
            "- **not reproducible**: the environment drifted from the pins ({} field(s))",
            r.drift.len()
        );
    }
    let _ = writeln!(s, "- **verdict**: {}", r.verdict.label());
    if let Some(diff) = &report.diff {
        s.push('\n');
        s.push_str(&crate::diff::markdown(diff));
    }
    s
}
