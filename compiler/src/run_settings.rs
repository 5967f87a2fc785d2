//! `RunSettings`: benchmark, division, repetitions, scoring tolerance and sweep point, read
//! from a lock's `[run]` group.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::lockfile::{Group, LockValue, Lockfile};
use crate::pins::{int, string};

/// Benchmark identity, repetitions and scoring.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunSettings {
    pub benchmark: Option<String>,
    pub division: Option<String>,
    pub runs: i64,
    /// `5%` is `0.05`.
    pub tolerance: Option<f64>,
    /// Base seed: run `i` of the plan uses `seed + i` (the runner's convention).
    pub seed: Option<i64>,
    /// The sweep point (empty without a sweep).
    pub sweep: BTreeMap<String, String>,
    /// The rule set family that checked the plan (`mlperf-training-4.1`), from `[rulesets]`.
    pub ruleset: Option<String>,
}

impl RunSettings {
    pub fn from_lock(lock: &Lockfile) -> RunSettings {
        let t = lock.group(Group::Run);
        RunSettings {
            benchmark: string(t, "benchmark"),
            division: string(t, "division"),
            runs: int(t, "runs").unwrap_or(1),
            tolerance: string(t, "tolerance").and_then(|s| percent(&s)),
            seed: int(t, "seed"),
            ruleset: lock
                .rulesets
                .keys()
                .next()
                .map(|name| name.split('/').next().unwrap_or(name).to_string()),
            sweep: t
                .get("sweep")
                .and_then(LockValue::as_table)
                .map(|s| s.iter().map(|(k, v)| (k.clone(), v.canonical())).collect())
                .unwrap_or_default(),
        }
    }
}

/// `85%` as the share 0.85; `None` for anything that is not a number followed by `%`.
pub(crate) fn percent(lexeme: &str) -> Option<f64> {
    lexeme
        .strip_suffix('%')?
        .parse::<f64>()
        .ok()
        .map(|p| p / 100.0)
}
