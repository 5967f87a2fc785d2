//! The HTML of `compare`: the throughput × convergence split as a chart of intervals (with
//! 1.0x and the claim as reference lines), the verdict in a sentence that says why, the cost.

use repro_audit::verify::{ClaimVerdict, CompareReport};

use super::{attribution, claim_sentence, cost_sentence, costs, verdict_word};
use crate::html::{esc, page, table, verdict};
use crate::svg::{extent, Plot, PALETTE};
use crate::Prices;

/// One self-contained page.
pub fn render(r: &CompareReport, prices: Option<&Prices>) -> String {
    let c = costs(r, prices);
    let mut body = String::new();
    if let Some(v) = r.verdict {
        let class = match v {
            ClaimVerdict::Supported => "pass",
            ClaimVerdict::NotSupported => "fail",
            ClaimVerdict::Inconclusive => "other",
        };
        body.push_str(&format!(
            "<p>Claim: {}</p>\n",
            verdict(verdict_word(v), class)
        ));
    }
    body.push_str("<div class=\"why\">\n");
    if let Some(line) = claim_sentence(r) {
        body.push_str(&format!("<p>{}.</p>\n", esc(&line)));
    }
    body.push_str(&format!("<p>{}.</p>\n", esc(&capitalize(&attribution(r)))));
    if let Some(line) = cost_sentence(r, prices) {
        body.push_str(&format!("<p>{}.</p>\n", esc(&capitalize(&line))));
    }
    body.push_str("</div>\n");
    body.push_str(&split_plot(r));
    let rows = [("A", &r.a, r.score_a, &c[0]), ("B", &r.b, r.score_b, &c[1])]
        .iter()
        .map(|(n, p, s, cost)| {
            vec![
                (*n).to_owned(),
                format!("<code>{}</code>", esc(&p.display().to_string())),
                format!("{s:.6} min"),
                cost.as_ref()
                    .map_or("-".into(), |c| esc(c.line().trim_start_matches("cost "))),
            ]
        })
        .collect::<Vec<_>>();
    body.push_str(&table(
        &["side", "folder or record", "official score", "cost"],
        &rows,
    ));
    let parts = r
        .parts
        .iter()
        .map(|p| {
            vec![
                esc(p.name),
                format!("{:.3}x", p.ci.estimate),
                format!("[{:.3}x, {:.3}x]", p.ci.low, p.ci.high),
            ]
        })
        .collect::<Vec<_>>();
    body.push_str(&table(&["part", "A over B", "interval"], &parts));
    body.push_str(&format!(
        "<p>Intervals: {:.0} % bootstrap, {} resamples, seeded; throughput × convergence = {:.3}x (residual {:.4} from averaging).</p>\n",
        r.level * 100.0,
        r.resamples,
        r.parts[1].ci.estimate * r.parts[2].ci.estimate,
        r.residual
    ));
    page("repro compare", &body)
}

/// Speed-up, throughput and convergence, each an estimate with its interval.
pub fn split_plot(r: &CompareReport) -> String {
    let mut values: Vec<f64> = r
        .parts
        .iter()
        .flat_map(|p| [p.ci.low, p.ci.high])
        .chain([1.0])
        .collect();
    values.extend(r.claim);
    let (lo, hi) = extent(values).unwrap_or((0.9, 1.1));
    let pad = (hi - lo) * 0.05;
    let rows: Vec<&str> = r.parts.iter().map(|p| p.name).collect();
    let mut plot = Plot::categorical(
        "speed-up of A over B = throughput × convergence",
        "ratio, A over B (> 1: A better)",
        (lo - pad, hi + pad),
        &rows,
    );
    plot.vline(1.0, "#555555", "parity", "1.0x");
    if let Some(c) = r.claim {
        plot.vline(c, "#cf222e", "claim", &format!("claim {c:.3}x"));
    }
    for (i, p) in r.parts.iter().enumerate() {
        let label = format!(
            "{:.3}x [{:.3}x, {:.3}x]",
            p.ci.estimate, p.ci.low, p.ci.high
        );
        let ci = (p.ci.estimate, p.ci.low, p.ci.high);
        plot.interval(i, ci, PALETTE[i % PALETTE.len()], &label);
    }
    plot.finish()
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or_else(String::new, |f| {
        f.to_uppercase().collect::<String>() + c.as_str()
    })
}
