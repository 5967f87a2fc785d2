//! `repro verify`: a [`VerifyReport`] in every format.

mod html;
mod human;
mod json;
mod junit;
mod markdown;
pub(crate) use markdown::cell as markdown_cell;
mod targets;

use repro_audit::mlperf::RunUse;
use repro_audit::verify::{BenchmarkReport, Verdict, VerifyReport};

pub use json::SCHEMA_VERSION;
pub use targets::{quality_target, QualityTarget};

use crate::{Cost, Format, Prices, ReportError};

/// Renders `report` in `format`; `prices` adds dollars to the GPU-hours.
pub fn render(
    report: &VerifyReport,
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

/// The cost of a benchmark's score, when the score and the system's accelerators are known.
pub fn cost(b: &BenchmarkReport, prices: Option<&Prices>) -> Option<Cost> {
    Some(Cost::new(
        b.accelerators?,
        b.accelerator.as_deref(),
        b.score?,
        None,
        prices,
    ))
}

pub(crate) fn verdict_word(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "PASS",
        Verdict::Fail => "FAIL",
        Verdict::Skipped => "SKIPPED",
    }
}

pub(crate) fn verdict_class(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "pass",
        Verdict::Fail => "fail",
        Verdict::Skipped => "other",
    }
}

pub(crate) fn rcp_cell(b: &BenchmarkReport) -> String {
    match &b.rcp {
        None => "n/a".to_owned(),
        Some(c) if c.passed => format!("pass x{:.6}", c.scaling_factor),
        Some(_) => "FAIL".to_owned(),
    }
}

pub(crate) fn score_cell(b: &BenchmarkReport) -> String {
    b.score
        .map_or_else(|| "-".to_owned(), |s| format!("{s:.6}"))
}

pub(crate) fn use_word(u: RunUse) -> &'static str {
    match u {
        RunUse::Used => "used",
        RunUse::DroppedFastest => "dropped (fastest)",
        RunUse::DroppedSlowest => "dropped (slowest)",
        RunUse::NonCompliant => "dropped (not compliant)",
    }
}

/// `converged at 7296 samples`, `not converged`.
pub(crate) fn converged_at(b: &BenchmarkReport, value: f64) -> String {
    if value >= repro_audit::mlperf::rcp::NOT_CONVERGED {
        "not converged".to_owned()
    } else {
        format!(
            "converged at {}",
            crate::units::count(value, crate::units::convergence_unit(&b.benchmark))
        )
    }
}

/// How the score was formed, in words: `olympic mean 1.608517 min of 8 of 10 runs
/// (fastest and slowest dropped) × RCP scaling 1.000000 (rcp) = 1.608517 min`.
pub(crate) fn score_formation(b: &BenchmarkReport) -> Option<String> {
    let mean = b.olympic_mean?;
    let dropped = b
        .runs
        .iter()
        .filter(|r| matches!(r.olympic, RunUse::DroppedFastest | RunUse::DroppedSlowest))
        .count();
    let how = if dropped > 0 {
        ", fastest and slowest of the compliant runs dropped".to_owned()
    } else {
        String::new()
    };
    let source = match b.scaling_source {
        "scaling.json" => "from the folder's `scaling.json`",
        "rcp" => "from the RCP check",
        _ => "no RCP check",
    };
    Some(format!(
        "olympic mean {mean:.6} min over {} of {} runs{how} × RCP scaling {:.6} ({source}) = {}",
        b.runs_used,
        b.runs_total,
        b.scaling_factor,
        b.score
            .map_or_else(|| "no score".to_owned(), |s| format!("{s:.6} min"))
    ))
}

/// The energy score as (label, text): `("energy", "1949215.9 J (olympic mean of the runs'
/// energies from `power/`, x 1)")`, or `("no energy score", why)` where the folder has power
/// logs and the score could not be computed (the official summarizer's ZeroDivisionError);
/// `None` for a folder without `power/`. Every format renders it.
pub(crate) fn energy(b: &BenchmarkReport) -> Option<(&'static str, String)> {
    match (b.energy_joules, &b.energy_unavailable) {
        (Some(j), _) => Some((
            "energy",
            format!(
                "{j:.1} J (olympic mean of the runs' energies from `power/`, x {})",
                b.scaling_factor
            ),
        )),
        (None, Some(why)) => Some(("no energy score", why.clone())),
        _ => None,
    }
}

/// The RCP line: verdict, message, reference mean and bound, submission mean, with units.
pub(crate) fn rcp_line(b: &BenchmarkReport) -> Option<String> {
    let c = b.rcp.as_ref()?;
    let unit = crate::units::convergence_unit(&b.benchmark);
    let reference = c.reference.as_ref().map_or(String::new(), |r| {
        format!(
            "; reference `{}`: mean {}, fastest allowed mean {}",
            r.name,
            crate::units::count(r.mean, unit),
            crate::units::count(r.min_epochs, unit)
        )
    });
    let subm = c.submission_mean.map_or(String::new(), |m| {
        format!("; submission mean {}", crate::units::count(m, unit))
    });
    Some(format!(
        "RCP {} ({}{reference}{subm}); scaling factor {:.6}",
        if c.passed { "pass" } else { "FAIL" },
        c.message,
        c.scaling_factor
    ))
}

pub(crate) fn file_name(p: &std::path::Path) -> String {
    p.file_name().map_or_else(
        || p.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}
