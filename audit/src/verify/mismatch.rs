//! `mismatch`: the one wording of a spec-versus-result finding, shared by the system and the
//! hyperparameter checks of `repro verify --spec`.

use serde_json::Value;

use crate::mlperf::package::{Finding, Severity};

/// `WHAT: the spec pins "V" (SPEC_LINE), the result has "FOUND"`, located at `loc`.
pub fn mismatch(what: &str, spec: &str, spec_val: &str, loc: String, found: &str) -> Finding {
    let msg = format!("{what}: the spec pins \"{spec_val}\" ({spec}), the result has \"{found}\"");
    Finding::new(Severity::Error, "spec", msg, Some(loc))
}

/// A JSON value as the user wrote it: strings without quotes.
pub fn text(v: &Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_owned)
}
