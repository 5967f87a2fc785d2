//! `HparamDrift`: a hyperparameter the job's own MLLOG reports with another value than the
//! lock pins. The lock says what should have run; the log says what did.

use std::collections::BTreeMap;

use repro_audit::mlperf::MlLog;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// One pinned hyperparameter that the job logged with a different value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HparamDrift {
    /// The MLLOG key, which is the hparam's name in the spec (`opt_base_learning_rate`).
    pub key: String,
    /// The lock's value (numbers in plain decimal: `0.00002`).
    pub pinned: String,
    /// The value of the job's first `:::MLLOG` line with that key.
    pub logged: String,
    /// The line of the log that reported it.
    pub log_line: u32,
    /// Where the spec pins it (`specs/gpt3-512xh200.run:22`), when the plan knows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<String>,
}

/// Compares every pinned hparam that the log reports (first occurrence of its key) with the
/// pin. Hparams the log does not report are not checked (a job logs what its benchmark's
/// rules require: `global_batch_size`, `opt_base_learning_rate`, `lora_rank`, ...).
pub fn logged_hparam_drift(
    pinned: &Map<String, Value>,
    spec_lines: &BTreeMap<String, String>,
    log: &MlLog,
) -> Vec<HparamDrift> {
    let mut out = Vec::new();
    for (key, pin) in pinned {
        let Some(line) = log.lines.iter().find(|l| &l.key == key) else {
            continue;
        };
        if !same(pin, &line.value) {
            out.push(HparamDrift {
                key: key.clone(),
                pinned: text(pin),
                logged: text(&line.value),
                log_line: line.file_line,
                spec: spec_lines.get(key).cloned(),
            });
        }
    }
    out
}

/// Numbers compare as numbers (`2e-5` pinned, `2e-05` or `0.00002` logged are equal; a
/// relative difference under 1e-9 is float noise), anything else by its text.
fn same(pin: &Value, logged: &Value) -> bool {
    match (number(pin), number(logged)) {
        (Some(a), Some(b)) => (a - b).abs() <= 1e-9 * a.abs().max(b.abs()),
        _ => text(pin) == text(logged),
    }
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        Value::Bool(_) | Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn log(text: &str) -> MlLog {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log.txt");
        std::fs::write(&path, text).unwrap();
        MlLog::read(&path).unwrap()
    }

    #[test]
    fn equal_numbers_in_other_spellings_pass_and_a_different_value_drifts() {
        let pinned = json!({
            "global_batch_size": 2048,
            "opt_base_learning_rate": 2e-5,
            "tensor_model_parallel": 4,
        });
        let text = concat!(
            ":::MLLOG {\"namespace\": \"\", \"time_ms\": 1, \"event_type\": \"POINT_IN_TIME\", \"key\": \"global_batch_size\", \"value\": 2048, \"metadata\": {\"file\": \"t.py\", \"lineno\": 1}}\n",
            ":::MLLOG {\"namespace\": \"\", \"time_ms\": 1, \"event_type\": \"POINT_IN_TIME\", \"key\": \"opt_base_learning_rate\", \"value\": 3e-05, \"metadata\": {\"file\": \"t.py\", \"lineno\": 2}}\n",
        );
        let lines = BTreeMap::from([(
            "opt_base_learning_rate".to_string(),
            "specs/x.run:22".to_string(),
        )]);
        let drift = logged_hparam_drift(pinned.as_object().unwrap(), &lines, &log(text));
        assert_eq!(
            drift,
            vec![HparamDrift {
                key: "opt_base_learning_rate".into(),
                pinned: "0.00002".into(),
                logged: "0.00003".into(),
                log_line: 2,
                spec: Some("specs/x.run:22".into()),
            }]
        );
        let same_lr = text.replace("3e-05", "2e-05");
        assert!(
            logged_hparam_drift(pinned.as_object().unwrap(), &lines, &log(&same_lr)).is_empty()
        );
    }
}
