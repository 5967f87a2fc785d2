//! `PinnedSpec`: what `repro verify --spec` holds a published result against: the compiler's
//! [`Pins`], the spec's hyperparameters, and the `file:line` each of them is written at.

use std::collections::BTreeMap;

use repro_compiler::lockfile::Group;
use repro_compiler::plan::Plan;
use repro_compiler::Pins;
use repro_lang::SourceMap;
use serde_json::Value;

use super::hparams_vs_spec::check_hparams;
use super::system_vs_pins::check_system;
use crate::mlperf::package::{Finding, SystemDesc};
use crate::mlperf::RunResult;

/// A spec's pins and hyperparameters, each with the spec line that sets it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PinnedSpec {
    /// The hardware and software pins (the compiler's one `Pins` type).
    pub pins: Pins,
    /// Hyperparameters by MLLOG key, in the lock's order.
    pub hparams: Vec<(String, Value)>,
    /// `file:line` by lock field (`hardware.gpu`, `hparams.lora_rank`).
    pub lines: BTreeMap<String, String>,
}

impl PinnedSpec {
    /// The pins and hparams of a compiled plan, with the spec line of each.
    pub fn from_plan(plan: &Plan, sources: &SourceMap) -> PinnedSpec {
        let hparams: Vec<(String, Value)> = plan
            .lock
            .group(Group::Hparams)
            .iter()
            .map(|(key, v)| (key.clone(), v.to_json()))
            .collect();
        let fields = [Group::Hardware, Group::Software]
            .into_iter()
            .flat_map(|g| {
                plan.lock
                    .group(g)
                    .keys()
                    .map(move |k| format!("{}.{k}", g.name()))
            })
            .chain(hparams.iter().map(|(k, _)| format!("hparams.{k}")));
        let lines = fields
            .map(|f| {
                let at = location(plan, sources, &f);
                (f, at)
            })
            .collect();
        PinnedSpec {
            pins: plan.pins(),
            hparams,
            lines,
        }
    }

    /// Where the spec sets `field`; the field name itself when the spec line is unknown.
    pub fn line(&self, field: &str) -> String {
        self.lines
            .get(field)
            .cloned()
            .unwrap_or_else(|| field.to_owned())
    }

    /// Every mismatch between the spec and a result's system description and logs.
    pub fn check(&self, desc: Option<&SystemDesc>, runs: &[RunResult]) -> Vec<Finding> {
        let mut out =
            desc.map_or_else(Vec::new, |d| check_system(&self.pins, d, &|f| self.line(f)));
        out.extend(check_hparams(&self.hparams, runs, &|f| self.line(f)));
        out
    }
}

fn location(plan: &Plan, sources: &SourceMap, field: &str) -> String {
    let span = plan.span_of(field);
    let Some(file) = sources.get(span.file) else {
        return field.to_string();
    };
    let at = file.line_col(span.start as usize);
    format!("{}:{}", file.path.display(), at.line)
}
