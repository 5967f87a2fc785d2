use serde::Serialize;

use super::Stream;
use crate::exec::RunStatus;
use crate::probe::Drift;

/// Something that happened while a plan ran, in the order it happened.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// The session starts `runs` runs of `plan` with the named executor.
    SessionStarted {
        plan: String,
        runs: u32,
        executor: String,
    },
    /// The machine was compared with the pins; `drift` is empty when it matched.
    ProbeFinished { drift: Vec<Drift>, allowed: bool },
    /// Run `index` (0-based) started; its files go to `dir`.
    RunStarted {
        index: u32,
        run_id: String,
        seed: u64,
        dir: String,
    },
    /// One line a rank printed (without the newline).
    RankOutput {
        index: u32,
        rank: u32,
        stream: Stream,
        line: String,
    },
    /// Run `index` ended.
    RunFinished {
        index: u32,
        status: RunStatus,
        elapsed_s: f64,
    },
    /// Where a Slurm run set stands, emitted when a poll saw a task change state: tasks
    /// waiting in the queue, running, and finished, of `total`. `eta_s` estimates the time
    /// left from the mean run time of the finished tasks (`None` until one finished).
    QueueChanged {
        pending: u32,
        running: u32,
        finished: u32,
        total: u32,
        eta_s: Option<f64>,
    },
    /// The result record was written to the store.
    ResultStored { id: String, path: String },
    /// A temporary file that an interrupted run left in the store was removed (its write
    /// never completed, so it was never a result).
    LeftoverRemoved { path: String },
}
