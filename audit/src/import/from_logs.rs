//! The hyperparameters of a result: the keys the round's rules check for this benchmark
//! (the non-`common` rule sets that applied to the logs, `require exactly_one`, no target),
//! with the value every log reports. A key the logs disagree on, or that some log lacks, is
//! a comment, never a pin (verify holds every log against a pin).

use repro_compiler::rules::{py_eq, Require};
use serde_json::Value;

use super::line::Line;
use crate::mlperf::{RuleBook, RunResult};

/// `hparams { }` lines.
pub fn hparams(book: &RuleBook, runs: &[RunResult]) -> Vec<Line> {
    let applied: Vec<&String> = runs.iter().flat_map(|r| &r.compliance.rule_sets).collect();
    let mut keys: Vec<&str> = Vec::new();
    for set in &book.sets {
        if !applied.contains(&&set.name) || set.name.ends_with("common") {
            continue;
        }
        for k in &set.keys {
            let setting = k.require == Some(Require::ExactlyOne) && k.targets.is_empty();
            // Seeds differ between runs by design: not a setting of the result.
            let own = !k.key.starts_with("submission_") && k.key != "seed";
            if setting && own && !keys.contains(&k.key.as_str()) {
                keys.push(&k.key);
            }
        }
    }
    let mut out = Vec::new();
    for key in keys {
        let values: Vec<(&RunResult, Option<&Value>)> = runs
            .iter()
            .map(|r| {
                let v = r
                    .hparams
                    .iter()
                    .find(|(k, _, _)| k == key)
                    .map(|(_, v, _)| v);
                (r, v)
            })
            .collect();
        let file = |r: &RunResult| {
            r.path
                .file_name()
                .map_or_else(String::new, |f| f.to_string_lossy().into_owned())
        };
        let missing: Vec<String> = values
            .iter()
            .filter(|(_, v)| v.is_none())
            .map(|(r, _)| file(r))
            .collect();
        if missing.len() == runs.len() {
            continue;
        }
        if !missing.is_empty() {
            out.push(Line::Comment(format!(
                "{key}: not pinned, not logged by {}",
                missing.join(", ")
            )));
            continue;
        }
        let present: Vec<(&RunResult, &Value)> = values
            .iter()
            .filter_map(|(r, v)| v.map(|v| (*r, v)))
            .collect();
        let Some(&(first_run, first)) = present.first() else {
            continue;
        };
        let differ: Vec<String> = present
            .iter()
            .filter(|(_, v)| !py_eq(v, first))
            .map(|(r, v)| format!("{} logs {v}", file(r)))
            .collect();
        if !differ.is_empty() {
            out.push(Line::Comment(format!(
                "{key}: not pinned, the logs differ: {} logs {first}, {}",
                file(first_run),
                differ.join(", ")
            )));
            continue;
        }
        match literal(first) {
            Some(lit) => out.push(Line::Field(key.to_owned(), lit, None)),
            None => out.push(Line::Comment(format!(
                "{key}: not pinned, the logged value {first} has no spec literal"
            ))),
        }
    }
    out
}

/// A logged value as a spec literal: numbers (floats keep a `.` or an exponent), strings,
/// booleans and lists of them.
fn literal(v: &Value) -> Option<String> {
    match v {
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) if n.is_f64() => n.as_f64().map(|f| format!("{f:?}")),
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) => serde_json::to_string(s).ok(),
        Value::Array(xs) => {
            let items: Option<Vec<String>> = xs
                .iter()
                .map(|x| if x.is_array() { None } else { literal(x) })
                .collect();
            Some(format!("[{}]", items?.join(", ")))
        }
        _ => None,
    }
}
