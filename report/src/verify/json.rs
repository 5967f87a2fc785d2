//! The JSON rendering of a [`VerifyReport`]; the schema is documented in `docs/formats.md`.

use repro_audit::verify::VerifyReport;

use crate::{Prices, ReportError};

/// Version of the JSON schema; bumped on any incompatible change (see `docs/formats.md`).
/// Version 2 added `runs[].curve`, `accelerators`, `accelerator` and `cost` per benchmark;
/// version 3 `energy_joules` and `energy_unavailable` per benchmark.
pub const SCHEMA_VERSION: u32 = 3;

/// Pretty JSON: `schema_version`, `passed`, the report's fields, and per benchmark its `cost`.
pub fn render(r: &VerifyReport, prices: Option<&Prices>) -> Result<String, ReportError> {
    let mut v = serde_json::json!({ "schema_version": SCHEMA_VERSION, "passed": r.passed() });
    if let (Some(obj), serde_json::Value::Object(rest)) =
        (v.as_object_mut(), serde_json::to_value(r)?)
    {
        obj.extend(rest);
    }
    if let Some(list) = v.get_mut("benchmarks").and_then(|b| b.as_array_mut()) {
        for (json, b) in list.iter_mut().zip(&r.benchmarks) {
            if let Some(obj) = json.as_object_mut() {
                obj.insert("cost".into(), serde_json::to_value(super::cost(b, prices))?);
            }
        }
    }
    Ok(serde_json::to_string_pretty(&v)? + "\n")
}
