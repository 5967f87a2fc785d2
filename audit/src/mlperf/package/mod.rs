//! Package checks of one submitter folder (`package_checker`, `seed_checker`,
//! `system_desc_checker`), plus the contradictions the official tools ignore.
//!
//! Every check returns [`Finding`]s instead of printing, so that `repro verify` can render
//! them in any format; an `Error` finding fails the folder, a `Warning` does not.

mod finding;
mod power;
mod system_desc;

pub use finding::{Finding, Severity};
pub use power::{check_power, PowerCheck};
pub use system_desc::{check_system, SystemDesc};

use std::path::Path;

use serde_json::Value;

use super::rulebook::RuleBook;
use super::run_result::RunResult;

/// Checks of one benchmark folder: run count, compliance count (a run the power checks reject,
/// `power_failed` by result name, counts as non-compliant, as in the official checker's
/// `error_set`), seeds (closed).
pub fn check_runs(
    benchmark: &str,
    runs: &[RunResult],
    closed: bool,
    book: &RuleBook,
    power_failed: &std::collections::BTreeSet<String>,
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
    let allowed = book.dropped_allowed_for(benchmark);
    let mut rejected: std::collections::BTreeSet<String> = failed
        .iter()
        .map(|r| {
            r.path
                .file_stem()
                .map_or_else(String::new, |s| s.to_string_lossy().into_owned())
        })
        .collect();
    rejected.extend(power_failed.iter().cloned());
    if rejected.len() > allowed {
        let msg = if power_failed.is_empty() {
            format!(
                "{} runs fail compliance, olympic scoring accepts at most {allowed}",
                failed.len(),
            )
        } else {
            format!(
                "{} runs fail compliance or the power checks, olympic scoring accepts at most {allowed}",
                rejected.len(),
            )
        };
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
