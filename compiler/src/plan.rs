//! `Plan`: one resolved run (one sweep point) of a spec, ready to be locked and run.
//!
//! A plan *is* its lock content (groups, inputs, hashes) plus what only the compiler knows:
//! where each value was written in the spec, so that drift and rule errors can point at it.

use std::path::PathBuf;

use repro_lang::Span;
use serde_json::{json, Map, Value as Json};

use crate::launch::Launch;
use crate::lockfile::{flatten, Group, Lockfile};
use crate::pins::Pins;
use crate::run_settings::RunSettings;

/// A resolved run plan.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The resolved content, hashed.
    pub lock: Lockfile,
    /// Where the lock file lives: `ROOT/lockfiles/<file stem>.lock`.
    pub lock_path: PathBuf,
    /// `group.field` -> span of the value in the spec.
    pub spans: crate::spans::Spans,
    /// The `run "NAME"` string in the spec.
    pub name_span: Span,
}

impl Plan {
    /// The plan name (`gpt3-h200[nodes=64]`).
    pub fn name(&self) -> &str {
        &self.lock.name
    }

    /// Hardware and software pins.
    pub fn pins(&self) -> Pins {
        Pins::from_lock(&self.lock)
    }

    /// Executor settings.
    pub fn launch(&self) -> Launch {
        Launch::from_lock(&self.lock)
    }

    /// Benchmark, division, runs, tolerance, sweep point.
    pub fn settings(&self) -> RunSettings {
        RunSettings::from_lock(&self.lock)
    }

    /// Hyperparameters as locked.
    pub fn hparams(&self) -> &crate::lockfile::Table {
        self.lock.group(Group::Hparams)
    }

    /// Where the spec sets `field` (`hparams.global_batch_size`), as `FILE:LINE` with the
    /// file relative to the lock root (`specs/gpt3-512xh200.run:22`); `None` when unknown.
    pub fn location(
        &self,
        field: &str,
        sources: &repro_lang::SourceMap,
        root: &std::path::Path,
    ) -> Option<String> {
        let span = self.spans.get(field)?;
        let file = sources.get(span.file)?;
        let line = sources.line_col(span.file, span.start as usize).line;
        Some(format!(
            "{}:{line}",
            crate::paths::relative(root, &file.path)
        ))
    }

    /// The span of a field (`hardware.nodes`), or of the run name when it has none.
    pub fn span_of(&self, field: &str) -> Span {
        self.spans.get(field).copied().unwrap_or(self.name_span)
    }

    /// The plan as JSON: name, hashes, inputs, rule sets and every group.
    pub fn to_json(&self) -> Json {
        let groups: Map<String, Json> = Group::ALL
            .iter()
            .map(|g| (g.name().to_string(), table_json(self.lock.group(*g))))
            .collect();
        json!({
            "name": self.lock.name,
            "spec": self.lock.spec,
            "plan": self.lock.plan(),
            "hashes": self.lock.hashes,
            "rulesets": self.lock.rulesets,
            "inputs": self.lock.inputs,
            "groups": groups,
        })
    }

    /// Human text: the plan hash, then each group with its hash and fields.
    pub fn render_text(&self) -> String {
        let mut out = format!("plan {}\n  hash {}\n", self.lock.name, self.lock.plan());
        for g in Group::ALL {
            let hash = self.lock.hashes.get(g.name()).map_or("", String::as_str);
            out.push_str(&format!("{g}  {hash}\n"));
            for (k, v) in flatten(self.lock.group(g)) {
                out.push_str(&format!("  {k} = {v}\n"));
            }
        }
        out.push_str("inputs\n");
        for (path, hash) in &self.lock.inputs {
            out.push_str(&format!("  {path}  {hash}\n"));
        }
        out
    }
}

/// A lock table as JSON (the runner hands hparams and launch values to templates this way).
pub fn table_json(t: &crate::lockfile::Table) -> Json {
    Json::Object(t.iter().map(|(k, v)| (k.clone(), v.to_json())).collect())
}
