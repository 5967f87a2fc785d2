//! `Launch`: the executor and its settings, typed, read from a lock's `[launch]` group.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::executor_kind::ExecutorKind;
use crate::lockfile::{Group, LockValue, Lockfile};
use crate::pins::{quantity, string};

/// Launch settings for the executor.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Launch {
    /// `local` or `slurm`; a lock written before the field existed reads as `local`.
    pub executor: ExecutorKind,
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
    /// Ranks per node when the spec says so (`None`: one per GPU).
    pub ranks_per_node: Option<i64>,
    pub env: BTreeMap<String, String>,
}

impl Launch {
    pub fn from_lock(lock: &Lockfile) -> Launch {
        let t = lock.group(Group::Launch);
        let time = string(t, "time");
        Launch {
            executor: string(t, "executor")
                .as_deref()
                .and_then(ExecutorKind::parse)
                .unwrap_or(ExecutorKind::Local),
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
            ranks_per_node: crate::pins::int(t, "ranks_per_node"),
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
