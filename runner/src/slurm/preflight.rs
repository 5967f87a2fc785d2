use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::atomic::{read_json, write_json};
use super::SlurmError;
use crate::health::{EnvelopeRegistry, HealthFinding, NodeHealth};
use repro_compiler::Pins;

use crate::probe::{self, Drift, EnvRecord};

/// Tests only: a folder of `<nodename>.json` probe records, one per node, so that one node
/// of a virtual cluster can be made to drift. The per-node form of `REPRO_PROBE_OVERRIDE`.
pub const OVERRIDE_DIR_VAR: &str = "REPRO_PROBE_OVERRIDE_DIR";

/// The drift found on one node; written as `preflight/<node>.drift.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeDrift {
    pub node: String,
    pub drift: Vec<Drift>,
}

/// The node-side preflight, run once per allocated node by the sbatch script's first step:
/// probe this node, store the record as `OUT/<node>.json`, compare it with the lock's pins,
/// then run the GPU health checks the pins ask for (`OUT/<node>.health.json`), and store any
/// drift or refused health check as `OUT/<node>.drift.json`. Returns the drift (empty: the
/// node matches and is healthy).
pub fn run_node(pins: &Pins, out: &Path) -> Result<NodeDrift, SlurmError> {
    let node = std::env::var("SLURMD_NODENAME").map_err(|_| SlurmError::NotInStep)?;
    let record = probe_node(&node)?;
    write_json(&out.join(format!("{node}.json")), &record)?;
    let mut drift = NodeDrift {
        drift: probe::compare(pins, &record),
        node,
    };
    if let Some(policy) = &pins.health {
        let registry = EnvelopeRegistry::load(&EnvelopeRegistry::default_dir())?;
        let health = NodeHealth::probe(policy, &drift.node, &registry)?;
        write_json(&health_path(out, &drift.node), &health)?;
        drift
            .drift
            .extend(health.findings.iter().map(HealthFinding::to_drift));
    }
    if !drift.drift.is_empty() {
        write_json(&drift_path(out, &drift.node), &drift)?;
    }
    Ok(drift)
}

/// This node's record: the override folder's `<node>.json` when set, else the usual probe
/// (which honours `REPRO_PROBE_OVERRIDE`).
fn probe_node(node: &str) -> Result<EnvRecord, SlurmError> {
    match std::env::var_os(OVERRIDE_DIR_VAR) {
        Some(dir) => Ok(EnvRecord::read(
            &PathBuf::from(dir).join(format!("{node}.json")),
        )?),
        None => Ok(probe::probe()?),
    }
}

fn health_path(out: &Path, node: &str) -> PathBuf {
    out.join(format!("{node}.health.json"))
}

/// Every node's health preflight recorded in a run's `preflight/` folder, by node name.
pub fn read_health(preflight: &Path) -> Result<Vec<NodeHealth>, SlurmError> {
    let paths = list(preflight, |name| name.ends_with(".health.json"))?;
    paths.iter().map(|p| read_json(p)).collect()
}

fn drift_path(out: &Path, node: &str) -> PathBuf {
    out.join(format!("{node}.drift.json"))
}

/// Every node's drift recorded in a run's `preflight/` folder, sorted by node name.
pub fn read_drift(preflight: &Path) -> Result<Vec<NodeDrift>, SlurmError> {
    let paths = list(preflight, |name| name.ends_with(".drift.json"))?;
    paths.iter().map(|p| read_json(p)).collect()
}

/// The first `<node>.json` probe record (by node name) in a run's `preflight/` folder.
pub fn first_record(preflight: &Path) -> Result<Option<PathBuf>, SlurmError> {
    let records = list(preflight, |name| {
        name.ends_with(".json") && !name.ends_with(".drift.json") && !name.ends_with(".health.json")
    })?;
    Ok(records.into_iter().next())
}

/// The files in `dir` whose name passes `keep`, sorted; none when `dir` does not exist
/// (the task never reached the preflight).
fn list(dir: &Path, keep: impl Fn(&str) -> bool) -> Result<Vec<PathBuf>, SlurmError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(SlurmError::Read {
                path: dir.to_path_buf(),
                error: source,
            })
        }
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.file_name().is_some_and(|n| keep(&n.to_string_lossy())))
        .collect();
    paths.sort();
    Ok(paths)
}
