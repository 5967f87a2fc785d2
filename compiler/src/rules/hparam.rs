//! Compile-time checks of a spec's hyperparameters against a rule set.
//!
//! A `key` rule whose `check`s only read `value` (`check value == 2e-5 or value == 3e-5`)
//! constrains the hyperparameter of the same name, so a spec that sets
//! `opt_base_learning_rate = 1e-4` can be rejected before anything runs. Rules that read the
//! log's history or metadata are skipped: they only make sense on a log.

use serde_json::Value;

use super::eval::{evaluate, truthy, Context, History};
use super::rule_set::{Check, RuleSet};

/// A hyperparameter value that a rule rejects.
#[derive(Debug, Clone, PartialEq)]
pub struct HparamViolation<'r> {
    /// The hyperparameter (= log key).
    pub key: String,
    /// The rejected value.
    pub value: Value,
    /// The rule that rejects it (its text and position, for a diagnostic pointing at both).
    pub check: &'r Check,
    /// Why, when the check could not even be evaluated (e.g. a string where a number was
    /// expected).
    pub error: Option<String>,
}

struct ValueOnly<'a>(&'a Value);

impl Context for ValueOnly<'_> {
    fn name(&self, name: &str) -> Option<Value> {
        (name == "value").then(|| self.0.clone())
    }
    fn history(&self, _: History, _: &str) -> Value {
        Value::Null
    }
}

/// Checks `hparams` (name, value) against every value-only `check` of `sets` whose key matches;
/// a later set's rule for a key replaces earlier ones, as on logs.
pub fn check_hparams<'r>(
    sets: &'r [RuleSet],
    hparams: &[(String, Value)],
) -> Vec<HparamViolation<'r>> {
    let mut out = Vec::new();
    for (key, value) in hparams {
        let Some(rule) = sets
            .iter()
            .rev()
            .find_map(|s| s.keys.iter().find(|k| k.key == *key))
        else {
            continue;
        };
        for check in rule.checks.iter().filter(|c| c.expr.only_uses_value()) {
            let (ok, error) = match evaluate(&check.expr, &ValueOnly(value)) {
                Ok(v) => (truthy(&v), None),
                Err(e) => (false, Some(e.to_string())),
            };
            if !ok {
                out.push(HparamViolation {
                    key: key.clone(),
                    value: value.clone(),
                    check,
                    error,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::lower::read_file;
    use serde_json::json;
    use std::path::Path;

    #[test]
    fn gpt3_learning_rate_is_rejected_with_the_rule() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/rules/mlperf-training-4.1");
        let mut sets = read_file(&dir.join("common.run")).unwrap();
        sets.extend(read_file(&dir.join("closed_gpt3.run")).unwrap());
        let hparams = vec![
            ("opt_base_learning_rate".to_owned(), json!(1e-4)),
            ("opt_adam_beta_1".to_owned(), json!(0.9)),
            ("max_sequence_length".to_owned(), json!("2048")),
            ("unrelated".to_owned(), json!(1)),
        ];
        let v = check_hparams(&sets, &hparams);
        assert_eq!(v.len(), 2, "{v:?}");
        assert_eq!(v[0].key, "opt_base_learning_rate");
        assert_eq!(v[0].check.text, "value == 2e-5 or value == 3e-5");
        assert_eq!(v[0].check.pos.line, 17);
        assert_eq!(
            (v[1].key.as_str(), v[1].error.is_none()),
            ("max_sequence_length", true)
        );
    }
}
