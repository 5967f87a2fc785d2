//! `RunPlan::from_plan`: what the runner takes from the compiler's locked [`Plan`].
//!
//! The mapping is the one documented on [`RunPlan`]. Paths in a lock are relative to the lock
//! root; they are joined to `root` here so the runner works from any directory. A rule set that
//! is not shipped with repro is read from the lock's input file named after it
//! (`specs/rules/smoke-local.run` for `smoke-local`), so the file scored against is the file
//! that was hashed into the lock.

use std::collections::BTreeMap;
use std::path::Path;

use repro_compiler::executor_kind::ExecutorKind;
use repro_compiler::lockfile::{Group, Table};
use repro_compiler::plan::{table_json, Plan};
use serde_json::{Map, Value};

use super::{LaunchPlan, RunPlan};

/// The template `launch local` uses when the spec names none.
pub const DEFAULT_LOCAL_TEMPLATE: &str = "templates/local.sh";

/// Why a plan cannot be run.
#[derive(Debug, thiserror::Error)]
#[error("plan `{plan}`: {message}")]
pub struct PlanError {
    pub plan: String,
    pub message: String,
}

impl RunPlan {
    /// Build the runner's input from a compiled plan whose lock root is `root`.
    pub fn from_plan(plan: &Plan, root: &Path) -> Result<RunPlan, PlanError> {
        let fail = |message: String| PlanError {
            plan: plan.name().to_string(),
            message,
        };
        let (pins, launch, settings) = (plan.pins(), plan.launch(), plan.settings());
        let ruleset = settings.ruleset.clone().ok_or_else(|| {
            fail("no rule set applies to its benchmark, so its logs cannot be scored\nhelp: `use` the benchmark's rule files in the spec".into())
        })?;
        let per_node = launch
            .ranks_per_node
            .or(pins.pinned_gpus_per_node().map(i64::from))
            .unwrap_or(1);
        // `launch local { script = ... }` is the local launcher; `launch slurm { script = ... }`
        // is an sbatch template, which the Slurm executor finds in `values.script`, while a
        // local fallback (`--executor local`) uses the default launcher.
        let nodes = count(pins.nodes, "hardware.nodes").map_err(fail)?;
        let template = match (&launch.script, launch.executor) {
            (Some(script), ExecutorKind::Local) => script.clone(),
            _ => DEFAULT_LOCAL_TEMPLATE.to_string(),
        };
        let rules = rules_file(plan, &ruleset, root);
        // MLPerf names benchmarks by their last segment (`mlperf.training.unet3d` -> `unet3d`)
        let benchmark = settings.benchmark.as_deref().unwrap_or_default();
        let benchmark = benchmark.rsplit('.').next().unwrap_or_default();
        let dropped_allowed = super::MlperfScorer::rule_book(&ruleset, rules.as_deref())
            .map_err(|e| fail(format!("{}: {}", e.path.display(), e.message)))?
            .dropped_allowed_for(benchmark);
        Ok(RunPlan {
            name: plan.name().to_string(),
            plan_hash: plan.lock.plan().to_string(),
            lock_hash: plan.lock.file_hash(),
            pins,
            hardware: strings(plan.lock.group(Group::Hardware)),
            software: strings(plan.lock.group(Group::Software)),
            launch: LaunchPlan {
                template: root.join(template),
                nodes,
                ranks_per_node: count(per_node, "launch.ranks_per_node").map_err(fail)?,
                values: launch_values(plan, root),
            },
            rules,
            ruleset,
            dropped_allowed,
            runs: count(settings.runs, "runs").map_err(fail)?,
            seed: settings.seed.unwrap_or(0).max(0) as u64,
            time_limit_s: launch.time_ms.map(|ms| ms as f64 / 1000.0),
            tolerance: settings.tolerance.unwrap_or(DEFAULT_TOLERANCE),
            hparam_lines: BTreeMap::new(),
            unverified_sources: unfetched_sources(plan.lock.group(Group::Software)),
        })
    }

    /// [`RunPlan::from_plan`], plus where the spec pins each hparam (`FILE:LINE`, from the
    /// compile's `sources`), which the post-run hparam check names.
    pub fn from_compiled(
        plan: &Plan,
        root: &Path,
        sources: &repro_lang::SourceMap,
    ) -> Result<RunPlan, PlanError> {
        let mut out = RunPlan::from_plan(plan, root)?;
        out.hparam_lines = plan
            .hparams()
            .keys()
            .filter_map(|k| {
                Some((
                    k.clone(),
                    plan.location(&format!("hparams.{k}"), sources, root)?,
                ))
            })
            .collect();
        Ok(out)
    }
}

/// `scoring.tolerance` when the spec has no `scoring` block (documented in docs/language.md).
pub const DEFAULT_TOLERANCE: f64 = 0.05;

/// The sources the lock marks `fetched = false`: pinned by commit, never fetched.
fn unfetched_sources(software: &Table) -> Vec<String> {
    let Some(sources) = software.get("sources").and_then(|s| s.as_table()) else {
        return Vec::new();
    };
    sources
        .iter()
        .filter(|(_, s)| {
            s.as_table()
                .and_then(|t| t.get("fetched"))
                .is_some_and(|f| matches!(f, repro_compiler::lockfile::LockValue::Bool(false)))
        })
        .map(|(name, _)| name.clone())
        .collect()
}

fn strings(t: &Table) -> BTreeMap<String, String> {
    t.iter().map(|(k, v)| (k.clone(), v.canonical())).collect()
}

fn count(n: i64, field: &str) -> Result<u32, String> {
    u32::try_from(n)
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("`{field}` must be a whole number of at least 1, found {n}"))
}

/// What templates see: the workload (`command`, `args`, `env`), the hyperparameters, the
/// container and the Slurm settings of the `launch` block.
fn launch_values(plan: &Plan, root: &Path) -> Map<String, Value> {
    let launch = plan.launch();
    let mut values = Map::new();
    let mut words = launch.command.clone().unwrap_or_default().into_iter();
    if let Some(program) = words.next() {
        values.insert("command".into(), Value::from(program));
        values.insert("args".into(), Value::from(words.collect::<Vec<_>>()));
    }
    let env: Map<String, Value> = launch
        .env
        .iter()
        .map(|(k, v)| (k.clone(), Value::from(v.as_str())))
        .collect();
    values.insert("env".into(), Value::Object(env));
    values.insert("hparams".into(), table_json(plan.hparams()));
    let optional = [
        ("partition", launch.partition.clone().map(Value::from)),
        ("account", launch.account.clone().map(Value::from)),
        ("constraint", launch.constraint.clone().map(Value::from)),
        ("exclusive", launch.exclusive.map(Value::from)),
        ("container", plan.pins().container.map(Value::from)),
        (
            "script",
            launch
                .script
                .as_ref()
                .filter(|_| launch.executor == ExecutorKind::Slurm)
                .map(|s| Value::from(root.join(s).display().to_string())),
        ),
    ];
    for (key, value) in optional {
        if let Some(value) = value {
            values.insert(key.into(), value);
        }
    }
    values
}

/// The lock input that defines a rule set that is not shipped (`.../rules/<name>.run`).
fn rules_file(plan: &Plan, ruleset: &str, root: &Path) -> Option<std::path::PathBuf> {
    let wanted = format!("{ruleset}.run");
    plan.lock
        .inputs
        .keys()
        .find(|path| {
            Path::new(path)
                .file_name()
                .is_some_and(|f| f == wanted.as_str())
        })
        .map(|path| root.join(path))
}
