//! `Pins`: the hardware and software a run is pinned to, typed, read from a lock's groups so
//! that a run (and `repro verify --spec`) needs only the lock, not the spec.

use std::collections::BTreeMap;

use repro_lang::Quantity;
use serde::Serialize;

use crate::lockfile::{Group, LockValue, Lockfile, Table};

/// Hardware and software pins, checked by preflight and by `repro verify --spec`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pins {
    pub gpu: String,
    pub nodes: i64,
    pub gpus_per_node: i64,
    /// `nodes * gpus_per_node`.
    pub gpu_count: i64,
    /// As written (`141GB`), and in bytes.
    pub gpu_memory: Option<String>,
    pub gpu_memory_bytes: Option<i128>,
    pub driver: Option<String>,
    pub interconnect: Option<String>,
    pub cuda: Option<String>,
    pub nccl: Option<String>,
    pub container: Option<String>,
    /// Source name -> resolved commit.
    pub sources: BTreeMap<String, String>,
}

impl Pins {
    pub fn from_lock(lock: &Lockfile) -> Pins {
        let hw = lock.group(Group::Hardware);
        let sw = lock.group(Group::Software);
        let nodes = int(hw, "nodes").unwrap_or(0);
        let gpus_per_node = int(hw, "gpus_per_node").unwrap_or(0);
        let gpu_memory = string(hw, "gpu_memory");
        Pins {
            gpu: string(hw, "gpu").unwrap_or_default(),
            nodes,
            gpus_per_node,
            gpu_count: nodes.saturating_mul(gpus_per_node),
            gpu_memory_bytes: gpu_memory
                .as_deref()
                .and_then(quantity)
                .and_then(|q| q.as_bytes()),
            gpu_memory,
            driver: string(hw, "driver"),
            interconnect: string(hw, "interconnect"),
            cuda: string(sw, "cuda"),
            nccl: string(sw, "nccl"),
            container: string(sw, "container"),
            sources: sources(sw),
        }
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
