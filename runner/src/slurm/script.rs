use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use super::{SlurmError, SlurmRequest};
use crate::launch::Template;

/// The built-in NVIDIA-style template: preflight step, then the workload through `srun`
/// with pyxis container flags when a container is pinned.
pub const BUILTIN_TEMPLATE: &str = include_str!("../../../templates/slurm/default.sbatch");

/// A rendered sbatch script and the facts it was rendered from.
#[derive(Debug, Clone, PartialEq)]
pub struct Script {
    pub text: String,
    /// Where the script is written inside the run folder.
    pub path: PathBuf,
}

/// Where things go inside a run folder. Absolute paths: the script runs on other nodes,
/// from another working directory.
#[derive(Debug, Clone, PartialEq)]
pub struct Paths {
    pub run_root: PathBuf,
    /// The `repro` binary the nodes run for the preflight (shared filesystem).
    pub repro: PathBuf,
}

impl Script {
    /// Renders the request's template (its own, or the built-in one) for the run folder.
    pub fn render(request: &SlurmRequest, paths: &Paths) -> Result<Script, SlurmError> {
        request.validate()?;
        let template = match &request.template {
            Some(path) => Template::load(path)?,
            None => Template::parse("built-in slurm template", BUILTIN_TEMPLATE)?,
        };
        let text = template.render(&values(request, paths))?;
        Ok(Script {
            text,
            path: paths.run_root.join("job.sbatch"),
        })
    }
}

/// The template's variables. Documented in DEVELOPERS.md for authors of spec templates.
pub fn values(request: &SlurmRequest, paths: &Paths) -> Value {
    json!({
        "plan": request.plan,
        "nodes": request.nodes,
        "gpus_per_node": request.gpus_per_node,
        "ranks_per_node": request.ranks_per_node,
        "partition": request.partition,
        "account": request.account,
        "time": request.time_minutes,
        "exclusive": request.exclusive,
        "constraint": request.constraint,
        "last_index": request.runs - 1,
        "seeds": request.seeds,
        "container": request.container,
        "command": request.command,
        "env": request.env,
        "run_root": display(&paths.run_root),
        "repro": display(&paths.repro),
        "output": display(&paths.run_root.join("slurm-%A_%a.out")),
        // Inline, not a file: nothing but the folder has to exist before sbatch.
        "pins_json": json!(request.pins).to_string(),
    })
}

fn display(path: &Path) -> String {
    path.display().to_string()
}
