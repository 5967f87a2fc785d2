use serde::{Deserialize, Serialize};

use super::{FinalInfo, JobState, NodeDrift};
use crate::exec::RunStatus;

/// `repro`'s exit code for a run that ran and failed (`Exit::Execution` in the CLI).
pub const EXIT_EXECUTION: i32 = 4;
/// `repro`'s exit code for drift from the lock (`Exit::Drift` in the CLI).
pub const EXIT_DRIFT: i32 = 3;

/// How one Slurm run (one array task) ended, in words a user can act on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum SlurmOutcome {
    /// `COMPLETED`: the batch script exited 0.
    Completed,
    /// `FAILED`: the workload exited non-zero (or was killed by a signal).
    Failed { exit_code: i32, signal: i32 },
    /// The preflight found nodes that differ from the lock; the workload never started.
    Drift { nodes: Vec<NodeDrift> },
    /// `CANCELLED`: by the user, `scancel` or an administrator.
    Cancelled,
    /// `TIMEOUT`: the `time` limit of the launch block passed.
    TimedOut,
    /// `NODE_FAIL` or `BOOT_FAIL`: a node died or never came up.
    NodeFailed,
    /// `OUT_OF_MEMORY`: a step exceeded its memory limit.
    OutOfMemory,
    /// `PREEMPTED`: a higher-priority job took the nodes.
    Preempted,
    /// Slurm forgot the job before anyone recorded it (`MinJobAge` passed, no `sacct`).
    Forgotten,
    /// `DEADLINE` or a state repro does not know.
    Other { state: String },
}

impl SlurmOutcome {
    /// Maps Slurm's final state, exit code and the run's preflight records to an outcome.
    pub fn from_final(info: &FinalInfo, drift: Vec<NodeDrift>) -> SlurmOutcome {
        match info.state {
            JobState::Completed => SlurmOutcome::Completed,
            JobState::Failed if !drift.is_empty() => SlurmOutcome::Drift { nodes: drift },
            JobState::Failed => SlurmOutcome::Failed {
                exit_code: info.exit_code,
                signal: info.signal,
            },
            JobState::Cancelled => SlurmOutcome::Cancelled,
            JobState::Timeout => SlurmOutcome::TimedOut,
            JobState::NodeFail | JobState::BootFail => SlurmOutcome::NodeFailed,
            JobState::OutOfMemory => SlurmOutcome::OutOfMemory,
            JobState::Preempted => SlurmOutcome::Preempted,
            JobState::Forgotten => SlurmOutcome::Forgotten,
            ref other => SlurmOutcome::Other {
                state: other.as_str().to_string(),
            },
        }
    }

    /// The exit code `repro` ends with for this run: 0, 3 (drift) or 4 (execution).
    pub fn exit_code(&self) -> i32 {
        match self {
            SlurmOutcome::Completed => 0,
            SlurmOutcome::Drift { .. } => EXIT_DRIFT,
            _ => EXIT_EXECUTION,
        }
    }

    /// One line for tables and progress output.
    pub fn describe(&self) -> String {
        match self {
            SlurmOutcome::Completed => "completed".to_string(),
            SlurmOutcome::Failed {
                exit_code,
                signal: 0,
            } => {
                format!("failed: the workload exited with code {exit_code}")
            }
            SlurmOutcome::Failed { signal, .. } => {
                format!("failed: the workload was killed by signal {signal}")
            }
            SlurmOutcome::Drift { nodes } => describe_drift(nodes),
            SlurmOutcome::Cancelled => "cancelled".to_string(),
            SlurmOutcome::TimedOut => {
                "timed out: the `time` limit of the launch block passed".to_string()
            }
            SlurmOutcome::NodeFailed => "node failure: a node died or did not boot".to_string(),
            SlurmOutcome::OutOfMemory => "out of memory".to_string(),
            SlurmOutcome::Preempted => "preempted by a higher-priority job".to_string(),
            SlurmOutcome::Forgotten => "unknown: Slurm no longer knows the job and job accounting (`sacct`) is unavailable; its logs are in the run folder".to_string(),
            SlurmOutcome::Other { state } => format!("ended in Slurm state `{state}`"),
        }
    }

    /// The executor-neutral status the rest of the runner understands.
    pub fn run_status(&self) -> RunStatus {
        match self {
            SlurmOutcome::Completed => RunStatus::Succeeded,
            SlurmOutcome::Failed { exit_code, signal } => RunStatus::Failed {
                rank: 0,
                code: Some(*exit_code),
                signal: (*signal != 0).then_some(*signal),
            },
            SlurmOutcome::Cancelled | SlurmOutcome::Preempted => RunStatus::Cancelled,
            SlurmOutcome::TimedOut => RunStatus::TimedOut,
            _ => RunStatus::Failed {
                rank: 0,
                code: None,
                signal: None,
            },
        }
    }
}

fn describe_drift(nodes: &[NodeDrift]) -> String {
    let parts: Vec<String> = nodes
        .iter()
        .flat_map(|node| {
            node.drift.iter().map(move |d| {
                format!(
                    "node `{}`: `{}` pinned `{}`, found `{}`",
                    node.node, d.field, d.pinned, d.found
                )
            })
        })
        .collect();
    format!("drift, workload not started: {}", parts.join("; "))
}
