use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::SlurmError;
use repro_compiler::Pins;

/// Everything the Slurm executor needs from a locked plan: the `hardware` group (nodes,
/// GPUs, pins for the per-node preflight), the `software` group (container) and the
/// `launch slurm` block (partition, account, time, exclusive, constraint, template).
///
/// It is stored as `request.json` in the run folder so that `repro status` and
/// `repro collect` work from the folder alone, after the runner that submitted is gone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlurmRequest {
    /// The plan's name; the Slurm job name.
    pub plan: String,
    pub nodes: u32,
    /// Ranks (`srun` tasks) per node; one per GPU on GPU plans.
    pub ranks_per_node: u32,
    /// GPUs to allocate per node (`--gpus-per-node`); 0 on CPU-only plans.
    pub gpus_per_node: u32,
    /// `runs = N`: one array task per run.
    pub runs: u32,
    /// One seed per run, index = run index.
    pub seeds: Vec<u64>,
    pub partition: Option<String>,
    pub account: Option<String>,
    /// Wall-clock limit per run in whole minutes (Slurm's granularity).
    pub time_minutes: Option<u32>,
    #[serde(default)]
    pub exclusive: bool,
    pub constraint: Option<String>,
    pub container: Option<Container>,
    /// The workload, one word per element; every rank runs it through `srun`.
    pub command: Vec<String>,
    /// Extra environment for the workload (hparams, `SEED` is added per run).
    #[serde(default)]
    pub env: Vec<(String, String)>,
    /// The spec's own sbatch template; `None` means the built-in one.
    pub template: Option<PathBuf>,
    /// What the lock pins about every node; compared on each node before the workload.
    #[serde(default)]
    pub pins: Pins,
}

/// A pinned container, started by pyxis/enroot (`srun --container-image`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Container {
    pub image: String,
    #[serde(default)]
    pub mounts: Vec<String>,
    pub workdir: Option<String>,
}

impl SlurmRequest {
    /// Checks the invariants rendering relies on, naming the field that breaks one.
    pub fn validate(&self) -> Result<(), SlurmError> {
        let bad = |field: &str, message: String| {
            Err(SlurmError::Request {
                field: field.to_string(),
                message,
            })
        };
        if let Err(e) = repro_compiler::names::check_plan_name(&self.plan) {
            return bad("plan", format!("`{}`: {e}", self.plan.escape_debug()));
        }
        if self.nodes == 0 {
            return bad("nodes", "expected at least 1 node".into());
        }
        if self.ranks_per_node == 0 {
            return bad("ranks_per_node", "expected at least 1 rank per node".into());
        }
        if self.runs == 0 {
            return bad("runs", "expected at least 1 run".into());
        }
        if self.seeds.len() != self.runs as usize {
            let message = format!(
                "expected {} seeds (one per run), found {}",
                self.runs,
                self.seeds.len()
            );
            return bad("seeds", message);
        }
        if self.command.is_empty() && self.template.is_none() {
            // A spec's own template may start its workload itself (`templates/nemo.sbatch`
            // defaults to the container's `./run_and_time.sh`); the built-in one cannot.
            return bad(
                "command",
                "expected a workload command (`launch { command = [...] }`): the built-in sbatch template has no default".into(),
            );
        }
        if let Some((name, _)) = self.env.iter().find(|(name, _)| !is_env_name(name)) {
            return bad(
                "env",
                format!("`{name}` is not a shell variable name (letters, digits, `_`)"),
            );
        }
        if self.time_minutes == Some(0) {
            return bad(
                "time",
                "expected at least 1 minute (Slurm counts whole minutes)".into(),
            );
        }
        Ok(())
    }
}

/// A name `export NAME=...` accepts as is: it is rendered unquoted.
fn is_env_name(name: &str) -> bool {
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    first_ok && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}
