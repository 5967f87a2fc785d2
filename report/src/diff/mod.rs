//! `repro diff` (and the comparison part of `repro run --compare`): a [`Diff`] in every
//! format.

mod html;
mod human;
mod junit;
mod markdown;

use repro_runner::diff::{Diff, DiffVerdict};

pub use html::{section as html_section, ttt_plot};
pub use human::render as human;
pub use markdown::render as markdown;

use crate::{Format, ReportError};

/// Version of the JSON schema (`docs/formats.md`).
pub const SCHEMA_VERSION: u32 = 1;

/// Renders `diff` in `format`.
pub fn render(diff: &Diff, format: Format) -> Result<String, ReportError> {
    Ok(match format {
        Format::Human => human::render(diff),
        Format::Json => {
            let mut v = serde_json::json!({ "schema_version": SCHEMA_VERSION });
            if let (Some(obj), serde_json::Value::Object(rest)) =
                (v.as_object_mut(), serde_json::to_value(diff)?)
            {
                obj.extend(rest);
            }
            serde_json::to_string_pretty(&v)? + "\n"
        }
        Format::Markdown => markdown::render(diff),
        Format::Junit => crate::junit::render("repro diff", "diff", vec![junit::case(diff, None)])?,
        Format::Html => crate::html::page(
            &format!(
                "repro diff {} vs {}",
                short(&diff.current),
                short(&diff.baseline)
            ),
            &html::section(diff),
        ),
    })
}

pub(crate) fn verdict_word(v: DiffVerdict) -> &'static str {
    match v {
        DiffVerdict::Pass => "pass",
        DiffVerdict::Regressed => "regressed",
        DiffVerdict::Improved => "improved",
        DiffVerdict::Inconclusive => "inconclusive (too few runs or too wide an interval)",
    }
}

pub(crate) fn verdict_class(v: DiffVerdict) -> &'static str {
    match v {
        DiffVerdict::Pass | DiffVerdict::Improved => "pass",
        DiffVerdict::Regressed => "fail",
        DiffVerdict::Inconclusive => "other",
    }
}

pub(crate) fn short(id: &str) -> &str {
    &id[..12.min(id.len())]
}

pub(crate) use junit::case as junit_case;
