use serde_json::{Map, Value};

use super::{Container, SlurmError, SlurmRequest};
use crate::session::RunPlan;

/// Builds the Slurm request from a locked plan.
///
/// Nodes and ranks come from `launch`, GPUs per node from the pins (`hardware`), the time
/// limit from `time_limit_s` (rounded *up* to whole minutes: Slurm's granularity, and a
/// limit must never shrink), seeds from `seed + i`. The `launch slurm` block's settings are in
/// `launch.values`: `partition`, `account`, `constraint` (strings), `exclusive` (bool),
/// `script` (the spec's own sbatch template, see [`template`]), `container` (an image string or
/// `{ image, mounts, workdir }`), and the workload as `command` plus `args` and `env`, as
/// for local plans. A value of the wrong type is an error naming `launch.values.FIELD`.
impl SlurmRequest {
    pub fn from_plan(plan: &RunPlan) -> Result<SlurmRequest, SlurmError> {
        let values = &plan.launch.values;
        let request = SlurmRequest {
            plan: plan.name.clone(),
            nodes: plan.launch.nodes,
            ranks_per_node: plan.launch.ranks_per_node,
            gpus_per_node: plan.pins.pinned_gpus_per_node().unwrap_or(0),
            runs: plan.runs,
            seeds: (0..plan.runs).map(|i| plan.seed_of(i)).collect(),
            partition: string(values, "partition")?,
            account: string(values, "account")?,
            time_minutes: plan.time_limit_s.map(|s| (s / 60.0).ceil().max(1.0) as u32),
            exclusive: boolean(values, "exclusive")?,
            constraint: string(values, "constraint")?,
            container: container(values)?,
            command: command(values)?,
            env: env(values)?,
            template: template(plan)?,
            pins: plan.pins.clone(),
        };
        request.validate()?;
        Ok(request)
    }
}

/// The local executor's default launcher; a Slurm plan that names it has no template of
/// its own and gets the built-in sbatch template.
const LOCAL_DEFAULT_TEMPLATE: &str = "local.sh";

/// The spec's own sbatch template: `launch.values.script` when set, else `launch.template`
/// (where the compiler puts `launch { script = ... }`) unless that is the local default
/// `templates/local.sh`, which is not an sbatch script.
fn template(plan: &RunPlan) -> Result<Option<std::path::PathBuf>, SlurmError> {
    if let Some(script) = string(&plan.launch.values, "script")? {
        return Ok(Some(script.into()));
    }
    let path = &plan.launch.template;
    let local = path
        .file_name()
        .is_some_and(|n| n == LOCAL_DEFAULT_TEMPLATE);
    Ok((!local && !path.as_os_str().is_empty()).then(|| path.clone()))
}

fn wrong(field: &str, expected: &str, found: &Value) -> SlurmError {
    SlurmError::Request {
        field: format!("launch.values.{field}"),
        message: format!("expected {expected}, found `{found}`"),
    }
}

fn string(values: &Map<String, Value>, field: &str) -> Result<Option<String>, SlurmError> {
    match values.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(wrong(field, "a string", other)),
    }
}

fn boolean(values: &Map<String, Value>, field: &str) -> Result<bool, SlurmError> {
    match values.get(field) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(other) => Err(wrong(field, "`true` or `false`", other)),
    }
}

fn strings(value: &Value, field: &str) -> Result<Vec<String>, SlurmError> {
    let expected = "a list of strings";
    let items = value
        .as_array()
        .ok_or_else(|| wrong(field, expected, value))?;
    items
        .iter()
        .map(|v| {
            v.as_str()
                .map(str::to_string)
                .ok_or_else(|| wrong(field, expected, v))
        })
        .collect()
}

fn container(values: &Map<String, Value>) -> Result<Option<Container>, SlurmError> {
    match values.get("container") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(image)) => Ok(Some(Container {
            image: image.clone(),
            mounts: Vec::new(),
            workdir: None,
        })),
        Some(value @ Value::Object(_)) => {
            serde_json::from_value(value.clone())
                .map(Some)
                .map_err(|e| SlurmError::Request {
                    field: "launch.values.container".into(),
                    message: e.to_string(),
                })
        }
        Some(other) => Err(wrong(
            "container",
            "an image name or `{ image, mounts, workdir }`",
            other,
        )),
    }
}

fn command(values: &Map<String, Value>) -> Result<Vec<String>, SlurmError> {
    let mut words = Vec::new();
    words.extend(string(values, "command")?);
    if let Some(args) = values.get("args") {
        words.extend(strings(args, "args")?);
    }
    Ok(words)
}

fn env(values: &Map<String, Value>) -> Result<Vec<(String, String)>, SlurmError> {
    let Some(value) = values.get("env") else {
        return Ok(Vec::new());
    };
    let map = value
        .as_object()
        .ok_or_else(|| wrong("env", "a table of strings", value))?;
    map.iter()
        .map(|(k, v)| match v {
            Value::String(s) => Ok((k.clone(), s.clone())),
            other => Err(wrong(&format!("env.{k}"), "a string", other)),
        })
        .collect()
}
