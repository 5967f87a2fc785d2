//! What the runner needs from a lock, typed: hardware and software pins, launch settings,
//! runs, scoring. Read from the lock's groups so a run needs only the lock, not the spec.

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

/// Launch settings for the executor.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Launch {
    /// `local` or `slurm`.
    pub executor: String,
    pub partition: Option<String>,
    pub account: Option<String>,
    pub qos: Option<String>,
    /// As written (`3h`), and in milliseconds.
    pub time: Option<String>,
    pub time_ms: Option<i128>,
    pub exclusive: Option<bool>,
    pub constraint: Option<String>,
    /// Template path relative to the lock root.
    pub script: Option<String>,
    pub command: Option<Vec<String>>,
    pub env: BTreeMap<String, String>,
}

/// Benchmark identity, repetitions and scoring.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunSettings {
    pub benchmark: Option<String>,
    pub division: Option<String>,
    pub runs: i64,
    /// `5%` is `0.05`.
    pub tolerance: Option<f64>,
    /// The sweep point (empty without a sweep).
    pub sweep: BTreeMap<String, String>,
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

impl Launch {
    pub fn from_lock(lock: &Lockfile) -> Launch {
        let t = lock.group(Group::Launch);
        let time = string(t, "time");
        Launch {
            executor: string(t, "executor").unwrap_or_default(),
            partition: string(t, "partition"),
            account: string(t, "account"),
            qos: string(t, "qos"),
            time_ms: time
                .as_deref()
                .and_then(quantity)
                .and_then(|q| q.as_millis()),
            time,
            exclusive: match t.get("exclusive") {
                Some(LockValue::Bool(b)) => Some(*b),
                _ => None,
            },
            constraint: string(t, "constraint"),
            script: string(t, "script"),
            command: command(t.get("command")),
            env: t
                .get("env")
                .and_then(LockValue::as_table)
                .map(|e| {
                    e.iter()
                        .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                        .collect()
                })
                .unwrap_or_default(),
        }
    }
}

impl RunSettings {
    pub fn from_lock(lock: &Lockfile) -> RunSettings {
        let t = lock.group(Group::Run);
        RunSettings {
            benchmark: string(t, "benchmark"),
            division: string(t, "division"),
            runs: int(t, "runs").unwrap_or(1),
            tolerance: string(t, "tolerance").and_then(|s| percent(&s)),
            sweep: t
                .get("sweep")
                .and_then(LockValue::as_table)
                .map(|s| s.iter().map(|(k, v)| (k.clone(), v.canonical())).collect())
                .unwrap_or_default(),
        }
    }
}

fn string(t: &Table, key: &str) -> Option<String> {
    t.get(key).and_then(LockValue::as_str).map(str::to_string)
}

fn int(t: &Table, key: &str) -> Option<i64> {
    match t.get(key) {
        Some(LockValue::Int(i)) => Some(*i),
        _ => None,
    }
}

fn command(v: Option<&LockValue>) -> Option<Vec<String>> {
    match v? {
        LockValue::Str(s) => Some(vec![s.clone()]),
        LockValue::List(items) => items
            .iter()
            .map(|i| i.as_str().map(str::to_string))
            .collect(),
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

fn percent(lexeme: &str) -> Option<f64> {
    lexeme
        .strip_suffix('%')?
        .parse::<f64>()
        .ok()
        .map(|p| p / 100.0)
}
