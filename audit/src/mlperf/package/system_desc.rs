//! System descriptions: reading and `system_desc_checker`.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::finding::{Finding, Severity};
use crate::mlperf::rulebook::RuleBook;

/// A system description, read.
#[derive(Debug, Clone)]
pub struct SystemDesc {
    /// `systems/<system>.json`.
    pub path: PathBuf,
    /// Its JSON, when it parsed.
    pub json: Option<Value>,
}

impl SystemDesc {
    /// Reads `path`; a missing or malformed file gives `json: None` and findings.
    pub fn read(path: &Path) -> (Self, Vec<Finding>) {
        let loc = Some(path.display().to_string());
        let (json, findings) = match std::fs::read(path) {
            Err(e) => (
                None,
                vec![Finding::new(
                    Severity::Error,
                    "system_description",
                    format!("cannot read the system description: {e}"),
                    loc,
                )],
            ),
            Ok(bytes) => match serde_json::from_slice::<Value>(&bytes) {
                Ok(v) if v.is_object() => (Some(v), Vec::new()),
                Ok(_) => (
                    None,
                    vec![Finding::new(
                        Severity::Error,
                        "system_description",
                        "the system description is not a JSON object".into(),
                        loc,
                    )],
                ),
                Err(e) => (
                    None,
                    vec![Finding::new(
                        Severity::Error,
                        "system_description",
                        format!("the system description is not valid JSON: {e}"),
                        loc,
                    )],
                ),
            },
        };
        (
            SystemDesc {
                path: path.to_owned(),
                json,
            },
            findings,
        )
    }

    /// A top-level string field.
    pub fn field(&self, name: &str) -> Option<String> {
        let v = self.json.as_ref()?.get(name)?;
        Some(v.as_str().map_or_else(|| v.to_string(), str::to_owned))
    }

    fn location(&self, field: &str) -> Option<String> {
        Some(format!("{} field `{field}`", self.path.display()))
    }
}

/// `system_desc_checker`: all fields present, `status` valid. Plus: two different driver
/// versions in one description.
pub fn check_system(desc: &SystemDesc, book: &RuleBook) -> Vec<Finding> {
    let Some(json) = &desc.json else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for f in book
        .system_fields
        .iter()
        .filter(|f| json.get(f.as_str()).is_none())
    {
        out.push(Finding::new(
            Severity::Error,
            "system_description",
            format!("missing field `{f}`"),
            desc.location(f),
        ));
    }
    if let Some(status) = json.get("status") {
        if !status
            .as_str()
            .is_some_and(|s| book.statuses.iter().any(|v| v == s))
        {
            let msg = format!(
                "`status` is {status}, expected one of {}",
                quoted_list(&book.statuses)
            );
            out.push(Finding::new(
                Severity::Error,
                "system_description",
                msg,
                desc.location("status"),
            ));
        }
    }
    let mut drivers: Vec<(String, String)> = Vec::new();
    collect_drivers(json, "", &mut drivers);
    if let Some((f0, v0)) = drivers.first() {
        if let Some((f1, v1)) = drivers.iter().find(|(_, v)| v != v0) {
            let msg =
                format!("two different driver versions: `{f0}` = \"{v0}\" and `{f1}` = \"{v1}\"");
            out.push(Finding::new(
                Severity::Warning,
                "contradiction",
                msg,
                desc.location(f1),
            ));
        }
    }
    out
}

fn collect_drivers(v: &Value, prefix: &str, out: &mut Vec<(String, String)>) {
    let Value::Object(m) = v else { return };
    for (k, v) in m {
        let path = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            Value::String(s) if k.to_lowercase().contains("driver") && !s.trim().is_empty() => {
                out.push((path, s.trim().to_owned()))
            }
            Value::Object(_) => collect_drivers(v, &path, out),
            _ => {}
        }
    }
}

fn quoted_list(xs: &[String]) -> String {
    xs.iter()
        .map(|x| format!("\"{x}\""))
        .collect::<Vec<_>>()
        .join(", ")
}
