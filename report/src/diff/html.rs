use repro_runner::diff::{Diff, MetricDiff};

use super::{short, verdict_class, verdict_word};
use crate::html::{esc, table, verdict};
use crate::svg::{extent, Plot, PALETTE};

/// The comparison as an HTML section: verdict, the time-to-train plot, the metrics table.
pub fn section(diff: &Diff) -> String {
    let mut s = format!(
        "<section class=\"diff\">\n<h2><code>{}</code> vs baseline <code>{}</code>: {}</h2>\n<p>Tolerance {:.1} %. Score {} vs {}.</p>\n",
        esc(short(&diff.current)),
        esc(short(&diff.baseline)),
        verdict(verdict_word(diff.verdict), verdict_class(diff.verdict)),
        diff.tolerance * 100.0,
        diff.score_s.map_or("none".into(), crate::units::seconds),
        diff.baseline_score_s.map_or("none".into(), crate::units::seconds),
    );
    if let Some(m) = diff.metrics.iter().find(|m| m.name == "time_to_train") {
        s.push_str(&ttt_plot(m, diff.tolerance));
        s.push('\n');
    }
    let rows: Vec<Vec<String>> = diff
        .metrics
        .iter()
        .map(|m| {
            vec![
                esc(m.name),
                esc(m.unit),
                format!("{}/{}", m.current.len(), m.baseline.len()),
                m.ratio
                    .map_or("-".into(), |ci| format!("{:.3}", ci.estimate)),
                m.ratio
                    .map_or("-".into(), |ci| format!("[{:.3}, {:.3}]", ci.low, ci.high)),
                verdict(verdict_word(m.verdict), verdict_class(m.verdict)),
            ]
        })
        .collect();
    s.push_str(&table(
        &[
            "metric",
            "unit",
            "runs (current/baseline)",
            "ratio",
            "95 % interval",
            "verdict",
        ],
        &rows,
    ));
    for d in &diff.lock_differences {
        s.push_str(&format!("<p>lock differs: {}</p>\n", esc(&d.to_string())));
    }
    s.push_str("</section>\n");
    s
}

/// Time to train per run: the baseline's runs (hollow) with their mean and the tolerance
/// band around it, the current runs (filled), and the ratio interval applied to the
/// baseline mean.
pub fn ttt_plot(m: &MetricDiff, tolerance: f64) -> String {
    let minutes = |v: &[f64]| v.iter().map(|s| s / 60.0).collect::<Vec<f64>>();
    let (cur, base) = (minutes(&m.current), minutes(&m.baseline));
    let base_mean = if base.is_empty() {
        f64::NAN
    } else {
        base.iter().sum::<f64>() / base.len() as f64
    };
    let mut all: Vec<f64> = cur.iter().chain(&base).copied().collect();
    all.extend([base_mean * (1.0 + tolerance), base_mean * (1.0 - tolerance)]);
    if let Some(ci) = m.ratio {
        all.extend([base_mean * ci.low, base_mean * ci.high]);
    }
    let (lo, hi) = extent(all).unwrap_or((0.0, 1.0));
    let pad = ((hi - lo) * 0.1).max(1e-6);
    let mut plot = Plot::categorical(
        "time to train per run",
        "time to train (min)",
        (lo - pad, hi + pad),
        &["baseline", "current"],
    );
    if base_mean.is_finite() {
        plot.xband(
            base_mean * (1.0 - tolerance),
            base_mean * (1.0 + tolerance),
            "#999999",
            "tolerance-band",
            &format!("baseline mean ± {:.1} % tolerance", tolerance * 100.0),
        );
        plot.vline(base_mean, "#555555", "baseline-mean", "baseline mean");
    }
    let row = |i: usize| (1 - i) as f64; // row 0 (baseline) on top
    let pts = |v: &[f64], r: f64| v.iter().map(|&x| (x, r)).collect::<Vec<_>>();
    plot.dots(&pts(&base, row(0)), PALETTE[0], true, "baseline runs");
    plot.dots(&pts(&cur, row(1)), PALETTE[1], false, "current runs");
    if let (Some(ci), true) = (m.ratio, base_mean.is_finite()) {
        let label = format!(
            "ratio {:.3} [{:.3}, {:.3}] x baseline mean",
            ci.estimate, ci.low, ci.high
        );
        let at = (
            base_mean * ci.estimate,
            base_mean * ci.low,
            base_mean * ci.high,
        );
        plot.interval(1, at, PALETTE[5], &label);
    }
    plot.finish()
}
