//! `repro compare`: a [`CompareReport`] in every format, with the verdict in a sentence that
//! says why, and the speed-up beside the cost-per-result ratio.

mod html;
mod human;
mod json;
mod junit;
mod markdown;
mod why;

use repro_audit::verify::{ClaimVerdict, CompareReport};

pub use why::{attribution, claim_sentence};

use crate::{Cost, Format, Prices, ReportError};

/// Version of the JSON schema (`docs/formats.md`).
pub const SCHEMA_VERSION: u32 = 1;

/// Renders `report` in `format`.
pub fn render(
    report: &CompareReport,
    format: Format,
    prices: Option<&Prices>,
) -> Result<String, ReportError> {
    Ok(match format {
        Format::Human => human::render(report, prices),
        Format::Json => json::render(report, prices)?,
        Format::Markdown => markdown::render(report, prices),
        Format::Junit => junit::render(report)?,
        Format::Html => html::render(report, prices),
    })
}

/// The cost of each side's score, when its accelerators are known.
pub fn costs(r: &CompareReport, prices: Option<&Prices>) -> [Option<Cost>; 2] {
    let side = |i: usize, score: f64| {
        Some(Cost::new(
            r.accelerators[i]?,
            r.accelerator[i].as_deref(),
            score,
            None,
            prices,
        ))
    };
    [side(0, r.score_a), side(1, r.score_b)]
}

/// What a result of A costs relative to one of B: in dollars when both sides are priced,
/// else in GPU-hours. `(ratio, "$" or "GPU-h")`.
pub fn cost_ratio(costs: &[Option<Cost>; 2]) -> Option<(f64, &'static str)> {
    let [Some(a), Some(b)] = costs else {
        return None;
    };
    match (a.usd, b.usd) {
        (Some(x), Some(y)) if y > 0.0 => Some((x / y, "$")),
        _ => Some((a.gpu_hours / b.gpu_hours, "GPU-h")),
    }
}

/// The sentence beside the speed-up: `A is 1.284x faster and a result costs 0.43x as much
/// ($ per result)`.
pub fn cost_sentence(r: &CompareReport, prices: Option<&Prices>) -> Option<String> {
    let costs = costs(r, prices);
    let (ratio, unit) = cost_ratio(&costs)?;
    let what = if unit == "$" {
        "dollars per result"
    } else {
        "GPU-hours per result"
    };
    let cheaper = if ratio < 1.0 {
        format!("{:.1} % cheaper", (1.0 - ratio) * 100.0)
    } else {
        format!("{:.1} % dearer", (ratio - 1.0) * 100.0)
    };
    Some(format!(
        "speed-up {} at a cost-per-result ratio of {} ({what}, A over B): a result on A is {cheaper}",
        crate::units::ratio(r.parts[0].ci.estimate),
        crate::units::ratio(ratio)
    ))
}

pub(crate) fn verdict_word(v: ClaimVerdict) -> &'static str {
    match v {
        ClaimVerdict::Supported => "supported",
        ClaimVerdict::NotSupported => "not supported",
        ClaimVerdict::Inconclusive => "inconclusive",
    }
}
