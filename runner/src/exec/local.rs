use std::fs::File;
use std::io::{BufWriter, Write};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use super::process_group::{Line, ProcessGroup};
use super::{CancelFlag, ExecError, Executor, Job, RunOutcome, RunStatus};
use crate::events::Event;
use crate::launch::{free_port, RankEnv};

/// How often the wait loop looks at children, the clock and the cancel flag. Small enough
/// that a workload which exits at once costs well under the 50 ms overhead budget.
const TICK: Duration = Duration::from_millis(2);

/// Lines forwarded per tick at most, so that a rank flooding its output cannot keep the wait
/// loop from looking at the clock and the cancel flag.
const LINES_PER_TICK: usize = 4096;

/// Lines buffered between the pipe threads and the wait loop; when full, the pipe threads
/// block and the ranks feel back-pressure instead of repro's memory growing.
const LINE_BUFFER: usize = 8192;

/// Runs every rank of a single-node job as a local process, all in one process group.
///
/// Why one group: Ctrl-C, a time limit or a failed rank must stop *everything* the launch
/// script started (including grandchildren such as `python` under `bash`), and `killpg` is
/// the one call that reaches them all. Ranks get their own group, not repro's, so the
/// terminal's SIGINT reaches repro alone and repro decides how to stop and record the run.
#[derive(Debug, Clone)]
pub struct Local {
    /// Time between SIGTERM and SIGKILL when stopping the group.
    pub grace: Duration,
}

impl Default for Local {
    fn default() -> Local {
        Local {
            grace: Duration::from_secs(5),
        }
    }
}

impl Executor for Local {
    fn name(&self) -> &'static str {
        "local"
    }

    fn run(
        &self,
        job: &Job,
        cancel: &CancelFlag,
        emit: &mut dyn FnMut(Event),
    ) -> Result<RunOutcome, ExecError> {
        if job.nodes != 1 {
            return Err(ExecError::MultiNode { nodes: job.nodes });
        }
        let start = Instant::now();
        let envs = RankEnv::local(job.ranks_per_node, free_port()?, job.seed);
        let (tx, rx) = mpsc::sync_channel(LINE_BUFFER);
        let mut group = ProcessGroup::default();
        for env in &envs {
            if let Err(e) = group.spawn(job, env, &tx) {
                group.stop(self.grace);
                return Err(e);
            }
        }
        drop(tx);
        let mut logs = open_logs(job)?;
        let status = self.watch(job, &mut group, &rx, &mut logs, cancel, start, emit)?;
        for log in &mut logs {
            log.flush().map_err(|source| log_error(job, 0, source))?;
        }
        Ok(RunOutcome {
            status,
            elapsed: start.elapsed().as_secs_f64(),
            logs: (0..job.world_size()).map(|r| job.rank_log(r)).collect(),
        })
    }
}

impl Local {
    /// The wait loop: forwards output, and stops the group on cancel, timeout or failure.
    #[allow(clippy::too_many_arguments)]
    fn watch(
        &self,
        job: &Job,
        group: &mut ProcessGroup,
        rx: &Receiver<Line>,
        logs: &mut [BufWriter<File>],
        cancel: &CancelFlag,
        start: Instant,
        emit: &mut dyn FnMut(Event),
    ) -> Result<RunStatus, ExecError> {
        let mut verdict: Option<RunStatus> = None;
        let mut drained = false;
        let mut exited_at: Option<Instant> = None;
        loop {
            drained |= forward(job, rx, logs, emit)?;
            if verdict.is_none() {
                verdict = self.interrupt(job, group, cancel, start);
            }
            if let Some(failed) = group.reap()? {
                if verdict.is_none() && !failed.succeeded() {
                    verdict = Some(failed);
                    group.stop(self.grace);
                }
            }
            if group.all_exited() {
                let since = *exited_at.get_or_insert_with(Instant::now);
                // A daemonised grandchild may keep a pipe open; do not wait for it forever.
                if drained || since.elapsed() > Duration::from_secs(1) {
                    return Ok(verdict.unwrap_or(RunStatus::Succeeded));
                }
            }
        }
    }

    /// Stops the group when the user cancelled or the time limit passed.
    fn interrupt(
        &self,
        job: &Job,
        group: &mut ProcessGroup,
        cancel: &CancelFlag,
        start: Instant,
    ) -> Option<RunStatus> {
        let status = if cancel.is_cancelled() {
            RunStatus::Cancelled
        } else if job.time_limit.is_some_and(|limit| start.elapsed() >= limit) {
            RunStatus::TimedOut
        } else {
            return None;
        };
        group.stop(self.grace);
        Some(status)
    }
}

/// Moves pending lines to the logs and the event stream; true once every pipe is closed.
fn forward(
    job: &Job,
    rx: &Receiver<Line>,
    logs: &mut [BufWriter<File>],
    emit: &mut dyn FnMut(Event),
) -> Result<bool, ExecError> {
    let mut wait = TICK;
    for _ in 0..LINES_PER_TICK {
        let line = match rx.recv_timeout(wait) {
            Ok(line) => line,
            Err(RecvTimeoutError::Timeout) => return Ok(false),
            Err(RecvTimeoutError::Disconnected) => return Ok(true),
        };
        wait = Duration::ZERO;
        let log = &mut logs[line.rank as usize];
        log.write_all(&line.bytes)
            .map_err(|e| log_error(job, line.rank, e))?;
        emit(Event::RankOutput {
            index: job.index,
            rank: line.rank,
            stream: line.stream,
            line: line.text(),
        });
    }
    Ok(false)
}

fn open_logs(job: &Job) -> Result<Vec<BufWriter<File>>, ExecError> {
    (0..job.world_size())
        .map(|rank| {
            File::create(job.rank_log(rank))
                .map(BufWriter::new)
                .map_err(|e| log_error(job, rank, e))
        })
        .collect()
}

fn log_error(job: &Job, rank: u32, source: std::io::Error) -> ExecError {
    ExecError::Log {
        path: job.rank_log(rank),
        source,
    }
}
