//! `repro run`: a [`ResultReport`] (the stored result and, with `--compare`, its diff) in
//! every format, with the cost of the result.

mod html;
mod human;
mod junit;
mod markdown;

use repro_runner::report::ResultReport;
use repro_runner::store::ResultRecord;

use crate::{Cost, Format, Prices, ReportError};

/// Version of the JSON schema (`docs/formats.md`).
pub const SCHEMA_VERSION: u32 = 1;

/// Renders `report` in `format`.
pub fn render(
    report: &ResultReport,
    format: Format,
    prices: Option<&Prices>,
) -> Result<String, ReportError> {
    Ok(match format {
        Format::Human => human::render(report, prices),
        Format::Json => {
            let mut v = serde_json::json!({ "schema_version": SCHEMA_VERSION });
            if let (Some(obj), serde_json::Value::Object(rest)) =
                (v.as_object_mut(), serde_json::to_value(report)?)
            {
                obj.extend(rest);
                obj.insert(
                    "cost".into(),
                    serde_json::to_value(cost(&report.result, prices))?,
                );
            }
            serde_json::to_string_pretty(&v)? + "\n"
        }
        Format::Markdown => markdown::render(report, prices),
        Format::Junit => junit::render(report)?,
        Format::Html => html::render(report, prices),
    })
}

/// The cost of a result: its GPUs × the score (olympic mean of time to train), and × the
/// wall time of every run including initialization. `None` when the record names no GPU
/// (a CPU run) or has no score.
pub fn cost(r: &ResultRecord, prices: Option<&Prices>) -> Option<Cost> {
    let gpus = r.accelerators()?;
    let wall: f64 = r.runs.iter().map(|run| run.elapsed_s).sum();
    Some(Cost::new(
        gpus,
        r.environment.gpu.devices.first().map(|g| g.name.as_str()),
        r.score_s? / 60.0,
        Some(wall),
        prices,
    ))
}

/// Why there is no cost line, in words.
pub(crate) fn no_cost(r: &ResultRecord) -> &'static str {
    if r.accelerators().is_none() {
        "cost: no GPU in the environment record, so no GPU-hours"
    } else {
        "cost: no score, so no cost per result"
    }
}
