//! The HTML report of `verify`: per benchmark the verdict, the score and how it was formed,
//! every run's convergence curve with the quality target and the RCP band of the reference
//! runs, the runs and the findings.

use repro_audit::verify::{BenchmarkReport, VerifyReport};

use super::{
    converged_at, cost, file_name, quality_target, rcp_line, score_formation, use_word,
    verdict_class, verdict_word,
};
use crate::html::{esc, page, table, verdict};
use crate::svg::{extent, Plot, PALETTE};
use crate::Prices;

/// One self-contained page.
pub fn render(r: &VerifyReport, prices: Option<&Prices>) -> String {
    let mut body = String::new();
    let rows: Vec<Vec<String>> = r
        .benchmarks
        .iter()
        .map(|b| {
            vec![
                esc(b.submitter.as_deref().unwrap_or("-")),
                esc(&b.system),
                esc(&b.benchmark),
                verdict(verdict_word(b.verdict), verdict_class(b.verdict)),
                b.score.map_or("-".into(), |s| format!("{s:.6} min")),
                format!("{}/{}", b.runs_used, b.runs_total),
            ]
        })
        .collect();
    body.push_str(&format!(
        "<p>Ruleset <code>{}</code>: {}</p>\n",
        esc(&r.ruleset),
        if r.passed() {
            verdict("all verdicts passed", "pass")
        } else {
            verdict("some verdicts FAILED", "fail")
        }
    ));
    body.push_str(&table(
        &[
            "submitter",
            "system",
            "benchmark",
            "verdict",
            "score",
            "runs used",
        ],
        &rows,
    ));
    for b in &r.benchmarks {
        body.push_str(&benchmark(b, prices));
    }
    for sys in &r.systems {
        body.push_str(&format!(
            "<h2>system <code>{}</code>: {}</h2>\n",
            esc(&sys.path.display().to_string()),
            verdict(verdict_word(sys.verdict), verdict_class(sys.verdict))
        ));
        body.push_str(&findings(&sys.findings));
    }
    page(&format!("repro verify ({})", r.ruleset), &body)
}

fn benchmark(b: &BenchmarkReport, prices: Option<&Prices>) -> String {
    let mut s = format!(
        "<section class=\"benchmark\">\n<h2>{} / {} / {}: {}</h2>\n<p><code>{}</code></p>\n",
        esc(b.submitter.as_deref().unwrap_or("-")),
        esc(&b.system),
        esc(&b.benchmark),
        verdict(verdict_word(b.verdict), verdict_class(b.verdict)),
        esc(&b.path.display().to_string())
    );
    s.push_str("<ul>\n");
    match (score_formation(b), &b.no_score_reason) {
        (Some(how), _) => s.push_str(&format!("<li><b>score</b>: {}</li>\n", esc(&how))),
        (None, Some(why)) => s.push_str(&format!("<li><b>no score</b>: {}</li>\n", esc(why))),
        _ => {}
    }
    if let Some((label, text)) = super::energy(b) {
        s.push_str(&format!("<li><b>{label}</b>: {}</li>\n", esc(&text)));
    }
    if let Some(line) = rcp_line(b) {
        s.push_str(&format!(
            "<li><b>RCP</b>: {}</li>\n",
            esc(line.trim_start_matches("RCP "))
        ));
    }
    if let Some(c) = cost(b, prices) {
        s.push_str(&format!(
            "<li><b>cost</b>: {}</li>\n",
            esc(c.line().trim_start_matches("cost "))
        ));
    }
    s.push_str("</ul>\n");
    if let Some(svg) = convergence_plot(b) {
        s.push_str(&svg);
        s.push('\n');
    }
    let rows: Vec<Vec<String>> = b
        .runs
        .iter()
        .map(|run| {
            vec![
                esc(&file_name(&run.file)),
                run.ttt_minutes
                    .map_or("-".into(), |t| format!("{t:.6} min")),
                esc(use_word(run.olympic)),
                esc(&converged_at(b, run.samples_to_converge)),
                esc(&run.messages.join("; ")),
            ]
        })
        .collect();
    s.push_str(&table(
        &["run", "time to train", "olympic", "convergence", "messages"],
        &rows,
    ));
    s.push_str(&findings(&b.findings));
    s.push_str("</section>\n");
    s
}

/// Every run's `eval_accuracy` against samples (or epochs), the quality target as a
/// horizontal line, the reference runs' spread as a band and their mean as a line.
pub fn convergence_plot(b: &BenchmarkReport) -> Option<String> {
    let points = b.runs.iter().flat_map(|r| r.curve.iter());
    let (mut x0, mut x1) = extent(points.clone().map(|p| p[0]))?;
    let (mut y0, mut y1) = extent(points.map(|p| p[1]))?;
    let target = quality_target(&b.benchmark);
    let reference = b.rcp.as_ref().and_then(|c| c.reference.as_ref());
    if let Some(t) = target {
        (y0, y1) = (y0.min(t.value), y1.max(t.value));
    }
    let band = reference.map(rcp_band);
    if let Some((lo, hi, _)) = &band {
        (x0, x1) = (x0.min(*lo), x1.max(*hi));
    }
    let unit = crate::units::convergence_unit(&b.benchmark);
    let metric = target.map_or("eval_accuracy", |t| t.metric);
    let mut plot = Plot::new(
        &format!("{}: convergence of each run", b.benchmark),
        unit,
        metric,
        (x0, x1),
        (y0, y1),
    );
    if let (Some(r), Some((lo, hi, label))) = (reference, band) {
        plot.xband(lo, hi, "#999999", "rcp-band", &label);
        plot.vline(r.mean, "#555555", "rcp-mean", "RCP mean");
    }
    if let Some(t) = target {
        let dir = if t.lower_is_better { "≤" } else { "≥" };
        plot.hline(
            t.value,
            "#cf222e",
            "target",
            &format!("target {dir} {}", t.value),
        );
    }
    for (i, run) in b.runs.iter().enumerate() {
        let pts: Vec<(f64, f64)> = run.curve.iter().map(|p| (p[0], p[1])).collect();
        plot.line(&pts, PALETTE[i % PALETTE.len()], &file_name(&run.file));
    }
    Some(plot.finish())
}

/// The RCP band: the spread of the reference runs; an interpolated reference has no runs of
/// its own, so its band is the accepted range, from the fastest allowed mean to the mean
/// plus one standard deviation.
fn rcp_band(r: &repro_audit::mlperf::rcp::RcpRecord) -> (f64, f64, String) {
    match extent(r.runs.iter().copied()) {
        Some((lo, hi)) if hi > lo => (lo, hi, format!("RCP reference runs `{}`", r.name)),
        _ => (
            r.min_epochs,
            r.mean + r.stdev,
            format!("RCP `{}`: fastest allowed mean to mean + 1 sd", r.name),
        ),
    }
}

fn findings(list: &[repro_audit::mlperf::package::Finding]) -> String {
    if list.is_empty() {
        return "<p>No findings.</p>\n".into();
    }
    let mut s = String::from("<ul class=\"findings\">\n");
    for f in list {
        let class = match f.severity {
            repro_audit::mlperf::package::Severity::Error => "fail",
            repro_audit::mlperf::package::Severity::Warning => "other",
        };
        s.push_str(&format!(
            "<li><span class=\"{class}\">{}</span> <code>{}</code>: {}{}</li>\n",
            super::human::severity(f.severity),
            esc(f.check),
            esc(&f.message),
            f.location
                .as_ref()
                .map_or(String::new(), |l| format!(" <small>at {}</small>", esc(l)))
        ));
    }
    s.push_str("</ul>\n");
    s
}
