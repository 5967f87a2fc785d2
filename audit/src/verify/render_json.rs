//! The JSON rendering of a [`VerifyReport`]; the schema is documented in `docs/verify.md`.

use super::report::VerifyReport;

/// Version of the JSON schema; bumped on any incompatible change (see `docs/verify.md`).
pub const SCHEMA_VERSION: u32 = 1;

/// Renders the report as pretty JSON with a `schema_version` field first.
pub fn render_json(r: &VerifyReport) -> String {
    let mut v = serde_json::json!({ "schema_version": SCHEMA_VERSION });
    if let (Some(obj), Ok(serde_json::Value::Object(rest))) =
        (v.as_object_mut(), serde_json::to_value(r))
    {
        obj.insert("passed".into(), r.passed().into());
        obj.extend(rest);
    }
    serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
}
