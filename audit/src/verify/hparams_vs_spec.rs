//! `check_hparams`: the hyperparameters a result's MLLOG files report, held against a spec's.
//!
//! A spec may set hyperparameters that no log reports (NeMo's `tensor_model_parallel_size`
//! is a launch setting, not an MLLOG key); those cannot be checked, so they are skipped with
//! one warning each rather than failing every log.

use serde_json::Value;

use super::mismatch::{mismatch, text};
use crate::mlperf::package::{Finding, Severity};
use crate::mlperf::RunResult;

/// Every logged value that differs from the spec's, and every log that lacks a key the
/// other logs report. `line(field)` names the spec line of `hparams.KEY`.
pub fn check_hparams(
    hparams: &[(String, Value)],
    runs: &[RunResult],
    line: &dyn Fn(&str) -> String,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for (key, pinned) in hparams {
        let spec = line(&format!("hparams.{key}"));
        let logged = |r: &RunResult| r.hparams.iter().find(|(k, _, _)| k == key).cloned();
        if !runs.is_empty() && runs.iter().all(|r| logged(r).is_none()) {
            let msg = format!("hparam `{key}` ({spec}): no log reports it, so it is not checked");
            out.push(Finding::new(Severity::Warning, "spec", msg, None));
            continue;
        }
        for r in runs {
            match logged(r) {
                Some((_, v, at)) if !repro_compiler::rules::py_eq(&v, pinned) => {
                    out.push(mismatch(
                        &format!("hparam `{key}`"),
                        &spec,
                        &text(pinned),
                        format!("{}:{at}", r.path.display()),
                        &text(&v),
                    ));
                }
                Some(_) => {}
                None => out.push(mismatch(
                    &format!("hparam `{key}`"),
                    &spec,
                    &text(pinned),
                    r.path.display().to_string(),
                    "(not logged)",
                )),
            }
        }
    }
    out
}
