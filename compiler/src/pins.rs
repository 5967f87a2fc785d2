//! `Pins`: the hardware and software a run is pinned to, typed, read from a lock's groups so
//! that a run (and `repro verify --spec`) needs only the lock, not the spec.

use std::collections::BTreeMap;

use repro_lang::Quantity;
use serde::{Deserialize, Serialize};

use crate::health_policy::HealthPolicy;
use crate::lockfile::{Group, LockValue, Lockfile, Table};

/// The hardware and software a plan pins: the one type the compiler hands to the runner's
/// preflight (`runner::probe::compare`, and `repro slurm-preflight --pins-json`, which
/// receives it as JSON) and to `repro verify --spec` (`audit::verify::check_system`).
///
/// `None` (and `0` for the counts) means "not pinned": a CPU-only plan pins no GPU. As JSON,
/// what is not pinned is left out.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Pins {
    /// e.g. `NVIDIA H200-SXM5-141GB` (MLPerf naming).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gpu: Option<String>,
    pub nodes: i64,
    pub gpus_per_node: i64,
    /// `nodes * gpus_per_node`.
    pub gpu_count: i64,
    /// As written (`141GB`), and in bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gpu_memory: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gpu_memory_bytes: Option<u64>,
    /// Driver version, e.g. `560.35.03`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub driver: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interconnect: Option<String>,
    /// Host CPU model, e.g. `Intel(R) Xeon(R) Platinum 8480C` (MLPerf naming).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu: Option<String>,
    /// CUDA toolkit version, e.g. `12.6.1`; the driver must support its major version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cuda: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nccl: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
    /// Source name -> resolved commit.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub sources: BTreeMap<String, String>,
    /// The GPU health checks the preflight runs after identity (`None`: a CPU-only plan).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub health: Option<HealthPolicy>,
}

impl Pins {
    pub fn from_lock(lock: &Lockfile) -> Pins {
        let hw = lock.group(Group::Hardware);
        let sw = lock.group(Group::Software);
        let nodes = int(hw, "nodes").unwrap_or(0);
        let gpus_per_node = int(hw, "gpus_per_node").unwrap_or(0);
        let gpu_memory = string(hw, "gpu_memory");
        Pins {
            gpu: string(hw, "gpu").filter(|g| !g.is_empty()),
            nodes,
            gpus_per_node,
            gpu_count: nodes.saturating_mul(gpus_per_node),
            gpu_memory_bytes: gpu_memory
                .as_deref()
                .and_then(quantity)
                .and_then(|q| q.as_bytes())
                .and_then(|b| u64::try_from(b).ok()),
            gpu_memory,
            driver: string(hw, "driver"),
            interconnect: string(hw, "interconnect"),
            cpu: string(hw, "cpu"),
            cuda: string(sw, "cuda"),
            nccl: string(sw, "nccl"),
            container: string(sw, "container"),
            sources: sources(sw),
            health: HealthPolicy::from_lock(lock),
        }
    }

    /// GPUs per node, when the plan pins a positive count.
    pub fn pinned_gpus_per_node(&self) -> Option<u32> {
        u32::try_from(self.gpus_per_node).ok().filter(|n| *n > 0)
    }

    /// Nodes, when the plan pins a positive count.
    pub fn pinned_nodes(&self) -> Option<u32> {
        u32::try_from(self.nodes).ok().filter(|n| *n > 0)
    }
}

pub(crate) fn string(t: &Table, key: &str) -> Option<String> {
    t.get(key).and_then(LockValue::as_str).map(str::to_string)
}

pub(crate) fn int(t: &Table, key: &str) -> Option<i64> {
    match t.get(key) {
        Some(LockValue::Int(i)) => Some(*i),
        _ => None,
    }
}

fn sources(sw: &Table) -> BTreeMap<String, String> {
    let Some(srcs) = sw.get("sources").and_then(LockValue::as_table) else {
        return BTreeMap::new();
    };
    srcs.iter()
        .filter_map(|(name, s)| {
            let commit = s.as_table()?.get("commit")?.as_str()?;
            Some((name.clone(), commit.to_string()))
        })
        .collect()
}

/// Parse a quantity lexeme as stored in a lock (`141GB`, `3h`).
pub fn quantity(lexeme: &str) -> Option<Quantity> {
    let is_unit = |c: char| c.is_ascii_alphabetic() || c == '%' || c == '/';
    // The suffix is the longest all-unit tail, so an exponent (`1e3GB`) stays in the number.
    let split = (1..lexeme.len())
        .find(|&i| lexeme.is_char_boundary(i) && lexeme[i..].chars().all(is_unit))?;
    let (number, suffix) = lexeme.split_at(split);
    Quantity::parse(number, suffix).ok()
}
