//! The JSON of `compare` (`docs/formats.md`): the report's fields plus `why`, `cost` and
//! `cost_ratio`.

use repro_audit::verify::CompareReport;

use super::{attribution, claim_sentence, cost_ratio, costs, SCHEMA_VERSION};
use crate::{Prices, ReportError};

/// Pretty JSON.
pub fn render(r: &CompareReport, prices: Option<&Prices>) -> Result<String, ReportError> {
    let c = costs(r, prices);
    let mut v = serde_json::json!({ "schema_version": SCHEMA_VERSION });
    if let (Some(obj), serde_json::Value::Object(rest)) =
        (v.as_object_mut(), serde_json::to_value(r)?)
    {
        obj.extend(rest);
        obj.insert("attribution".into(), attribution(r).into());
        obj.insert("claim_sentence".into(), claim_sentence(r).into());
        obj.insert("cost".into(), serde_json::to_value(&c)?);
        obj.insert(
            "cost_ratio".into(),
            serde_json::to_value(
                cost_ratio(&c)
                    .map(|(ratio, unit)| serde_json::json!({ "ratio": ratio, "unit": unit })),
            )?,
        );
    }
    Ok(serde_json::to_string_pretty(&v)? + "\n")
}
