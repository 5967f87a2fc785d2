use repro_runner::report::ResultReport;
use repro_runner::store::RunVerdict;

use super::{cost, no_cost};
use crate::html::{esc, page, table, verdict};
use crate::svg::{extent, Plot, PALETTE};
use crate::Prices;

/// The result page: verdict, score and cost, time to train per run (against the baseline's
/// distribution when compared), the runs, and the diff.
pub fn render(report: &ResultReport, prices: Option<&Prices>) -> String {
    let r = &report.result;
    let class = if r.verdict == RunVerdict::Pass {
        "pass"
    } else {
        "fail"
    };
    let mut body = format!(
        "<p>Result <code>{}</code> ({} executor), stored in <code>{}</code>: {}</p>\n<ul>\n<li><b>score</b> (olympic mean of time to train): {}</li>\n<li>{}</li>\n",
        esc(crate::diff::short(&report.id)),
        esc(&r.executor),
        esc(&report.path.display().to_string()),
        verdict(r.verdict.label(), class),
        r.score_s.map_or("none".into(), crate::units::seconds),
        esc(&cost(r, prices).map_or_else(|| no_cost(r).to_owned(), |c| c.line()))
    );
    if !r.reproducible {
        body.push_str(&format!(
            "<li><span class=\"fail\">not reproducible</span>: the environment drifted from the pins ({} field(s))</li>\n",
            r.drift.len()
        ));
    }
    body.push_str("</ul>\n");
    // with a baseline, the diff section below plots the runs against its distribution
    if report.diff.is_none() {
        body.push_str(&ttt_alone(report));
        body.push('\n');
    }
    let rows: Vec<Vec<String>> = r
        .runs
        .iter()
        .map(|run| {
            let m = run.metrics.as_ref();
            vec![
                run.index.to_string(),
                run.seed.to_string(),
                esc(run.status.label()),
                crate::units::seconds(run.elapsed_s),
                m.and_then(|m| m.ttt_s)
                    .map_or("-".into(), crate::units::seconds),
                m.map_or("-", |m| if m.converged { "yes" } else { "no" })
                    .into(),
                m.and_then(|m| m.samples_to_converge)
                    .map_or("-".into(), |n| crate::units::count(n, "samples")),
            ]
        })
        .collect();
    body.push_str(&table(
        &[
            "run",
            "seed",
            "status",
            "elapsed",
            "time to train",
            "converged",
            "samples to converge",
        ],
        &rows,
    ));
    if let Some(diff) = &report.diff {
        body.push_str(&crate::diff::html_section(diff));
    }
    page(&format!("repro run {}", r.plan), &body)
}

/// Time to train per run when there is no baseline: the runs and the score.
fn ttt_alone(report: &ResultReport) -> String {
    let ttt: Vec<f64> = report
        .result
        .runs
        .iter()
        .filter_map(|run| run.metrics.as_ref()?.ttt_s)
        .map(|s| s / 60.0)
        .collect();
    let score = report.result.score_s.map(|s| s / 60.0);
    let (lo, hi) = extent(ttt.iter().copied().chain(score)).unwrap_or((0.0, 1.0));
    let pad = ((hi - lo) * 0.1).max(1e-6);
    let mut plot = Plot::categorical(
        "time to train per run",
        "time to train (min)",
        (lo - pad, hi + pad),
        &["runs"],
    );
    if let Some(s) = score {
        plot.vline(s, "#555555", "score", "score");
    }
    let pts: Vec<(f64, f64)> = ttt.iter().map(|&x| (x, 0.0)).collect();
    plot.dots(&pts, PALETTE[1], false, "runs");
    plot.finish()
}
