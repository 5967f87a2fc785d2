use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use repro_compiler::Pins;

/// What the runner needs from a locked plan. The integrator fills it from the compiler's
/// `Plan`; until then `repro run` reads it as JSON (`repro run plan.json`).
///
/// Mapping from the compiler (`Plan::pins()`, `launch()`, `settings()`, `lock`): `name` from
/// `Plan::name()`; `plan_hash`/`lock_hash` from the lock's hashes; `pins` is `Plan::pins()`;
/// `hardware`/`software` from the lock's groups as canonical strings; `launch.template` from `Launch::script` (default
/// `templates/local.sh`), `launch.values` = `{command: command[0], args: command[1..], env,
/// hparams}`; `runs` and `tolerance` from `RunSettings`; `time_limit_s` from
/// `Launch::time_ms`; `ruleset` from the lock's rule sets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunPlan {
    pub name: String,
    pub plan_hash: String,
    pub lock_hash: String,
    #[serde(default)]
    pub pins: Pins,
    /// The hardware group, by field name (what results are compared within).
    #[serde(default)]
    pub hardware: BTreeMap<String, String>,
    #[serde(default)]
    pub software: BTreeMap<String, String>,
    pub launch: LaunchPlan,
    /// The rule set logs are scored with: `mlperf-training-4.1` (shipped) or a name whose
    /// rules are read from `rules`.
    pub ruleset: String,
    /// The rules file for rule sets that are not shipped (`specs/rules/smoke-local.run`).
    pub rules: Option<PathBuf>,
    /// Runs the olympic mean may lose to non-convergence (and so drops at each end): the
    /// round's `olympic_dropped_allowed[_by_benchmark]` for the plan's benchmark, from the
    /// rule book the logs are scored with ([`MlperfScorer::rule_book`]).
    ///
    /// [`MlperfScorer::rule_book`]: super::MlperfScorer::rule_book
    pub dropped_allowed: usize,
    pub runs: u32,
    /// Run `i` uses seed `seed + i`.
    #[serde(default)]
    pub seed: u64,
    /// Wall-clock limit per run, in seconds.
    pub time_limit_s: Option<f64>,
    /// Relative tolerance for diffs (0.05 for `tolerance = 5%`).
    pub tolerance: f64,
    /// Where the spec pins each hparam (`global_batch_size` -> `specs/x.run:22`), for the
    /// post-run check of what the job logged.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub hparam_lines: BTreeMap<String, String>,
    /// Sources pinned to a commit that nobody fetched from the remote (the lock's
    /// `fetched = false`, and no fetch by this run: `--offline`/`--frozen`), by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unverified_sources: Vec<String>,
}

/// How to start one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LaunchPlan {
    /// The tera launch template (`templates/local.sh`).
    pub template: PathBuf,
    pub nodes: u32,
    pub ranks_per_node: u32,
    /// Values the template sees besides the ones the session adds (`hparams`, `container`,
    /// ...); every one is shell-quoted when rendered.
    #[serde(default)]
    pub values: serde_json::Map<String, serde_json::Value>,
}

impl RunPlan {
    pub fn seed_of(&self, index: u32) -> u64 {
        self.seed.wrapping_add(u64::from(index))
    }
}
