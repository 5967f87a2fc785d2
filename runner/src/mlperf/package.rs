//! Package checks of one submitter folder (`package_checker`, `seed_checker`,
//! `system_desc_checker`), plus the contradictions the official tools ignore.
//!
//! Every check returns [`Finding`]s instead of printing, so that `repro verify` can render
//! them in any format; an `Error` finding fails the folder, a `Warning` does not.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::rulebook::RuleBook;
use super::score::RunResult;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Fails the verdict (the official package checker reports it as an error).
    Error,
    /// Reported, does not fail (official warnings, and contradictions the official tools
    /// do not check).
    Warning,
}

/// One result of a package check.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Finding {
    /// Error or warning.
    pub severity: Severity,
    /// Which check: `run_count`, `compliance`, `seeds`, `rcp`, `system_description`,
    /// `benchmark`, `contradiction`, `spec`.
    pub check: &'static str,
    /// What is wrong, a lowercase fragment.
    pub message: String,
    /// Where: `file:line`, or `file` and a JSON field.
    pub location: Option<String>,
}

impl Finding {
    /// A finding.
    pub fn new(
        severity: Severity,
        check: &'static str,
        message: String,
        location: Option<String>,
    ) -> Self {
        Finding {
            severity,
            check,
            message,
            location,
        }
    }
}

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

/// Checks of one benchmark folder: run count, compliance count, seeds (closed).
pub fn check_runs(
    benchmark: &str,
    runs: &[RunResult],
    closed: bool,
    book: &RuleBook,
) -> Vec<Finding> {
    let mut out = Vec::new();
    if let Some(&want) = book.required_runs.get(benchmark) {
        if runs.len() != want {
            out.push(Finding::new(
                Severity::Error,
                "run_count",
                format!(
                    "{} result files, `{benchmark}` requires exactly {want}",
                    runs.len()
                ),
                None,
            ));
        }
    }
    let failed: Vec<&RunResult> = runs.iter().filter(|r| !r.compliance.passed).collect();
    for r in &failed {
        let first = r.compliance.messages.first().map_or(String::new(), |m| {
            format!(": {}", m.text.trim_end_matches(':'))
        });
        out.push(Finding::new(
            Severity::Warning,
            "compliance",
            format!("run fails compliance{first}"),
            Some(r.path.display().to_string()),
        ));
    }
    if failed.len() > book.dropped_allowed {
        let msg = format!(
            "{} runs fail compliance, olympic scoring accepts at most {}",
            failed.len(),
            book.dropped_allowed
        );
        out.push(Finding::new(Severity::Error, "compliance", msg, None));
    }
    if closed {
        out.extend(check_seeds(runs));
    }
    out
}

/// `seed_checker`: every run logs an integer seed; (file, lineno, value) never repeats.
fn check_seeds(runs: &[RunResult]) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut seen: Vec<(&(Value, Value, Value), &Path)> = Vec::new();
    for r in runs {
        let loc = Some(r.path.display().to_string());
        if !r.parse_failures.is_empty() {
            out.push(Finding::new(
                Severity::Error,
                "seeds",
                "the seed check cannot read a log with parse errors".into(),
                loc,
            ));
            continue;
        }
        let Some(seed) = &r.seed else {
            out.push(Finding::new(
                Severity::Error,
                "seeds",
                "no `seed` logged".into(),
                loc,
            ));
            continue;
        };
        if !is_int_like(&seed.0) {
            out.push(Finding::new(
                Severity::Error,
                "seeds",
                format!("`seed` is {}, expected an integer", seed.0),
                loc,
            ));
            continue;
        }
        if r.seed_count > 1 {
            out.push(Finding::new(
                Severity::Warning,
                "seeds",
                format!("{} `seed` lines logged, one expected", r.seed_count),
                loc.clone(),
            ));
        }
        match seen.iter().find(|(s, _)| *s == seed) {
            Some((_, other)) => {
                let msg = format!("seed {} repeats the seed of `{}`", seed.0, other.display());
                out.push(Finding::new(Severity::Error, "seeds", msg, loc));
            }
            None => seen.push((seed, &r.path)),
        }
    }
    out
}

/// Python `int(x)` succeeds: integers, floats, numeric strings.
fn is_int_like(v: &Value) -> bool {
    match v {
        Value::Number(_) | Value::Bool(_) => true,
        Value::String(s) => s.trim().parse::<i64>().is_ok(),
        _ => false,
    }
}

/// Contradictions between logs, folder names and the system description that no official
/// tool checks: `submission_benchmark` vs folder, `submission_division`/`submission_org` vs the
/// description, `submission_platform` (`<nodes>x<name>`) vs `number_of_nodes`, placeholders,
/// and `run_stop` statuses other than `success`.
pub fn check_contradictions(
    benchmark: &str,
    runs: &[RunResult],
    desc: Option<&SystemDesc>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut warn = |msg: String, loc: String| {
        out.push(Finding::new(
            Severity::Warning,
            "contradiction",
            msg,
            Some(loc),
        ))
    };
    for r in runs {
        let loc = r.path.display().to_string();
        let logged = |k: &str| {
            r.submission(k)
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
        };
        if let Some(b) = logged("benchmark").filter(|b| b != benchmark) {
            warn(
                format!("`submission_benchmark` is \"{b}\" but the folder is `{benchmark}`"),
                loc.clone(),
            );
        }
        if let Some(s) = r.run_stop_status.as_deref().filter(|s| *s != "success") {
            warn(format!("`run_stop` status is \"{s}\", not \"success\" (the official scorer ignores it)"), loc.clone());
        }
        if let Some(p) = logged("platform") {
            if p.to_uppercase().contains("PLACEHOLDER") {
                warn(
                    format!("`submission_platform` is a placeholder: \"{p}\""),
                    loc.clone(),
                );
            }
            let nodes = desc.and_then(|d| d.field("number_of_nodes"));
            let prefix = p.split_once('x').map(|(n, _)| n.trim().to_owned());
            if let (Some(n), Some(pre)) = (&nodes, prefix.filter(|n| n.parse::<u64>().is_ok())) {
                if *n != pre {
                    warn(format!("`submission_platform` \"{p}\" names {pre} nodes, the system description `number_of_nodes` is {n}"), loc.clone());
                }
            }
        }
        for (key, field) in [("division", "division"), ("org", "submitter")] {
            let (Some(l), Some(d)) = (logged(key), desc.and_then(|d| d.field(field))) else {
                continue;
            };
            if l != d {
                warn(format!("`submission_{key}` is \"{l}\", the system description `{field}` is \"{d}\""), loc.clone());
            }
        }
    }
    out
}
