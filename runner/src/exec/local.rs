use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use super::{CancelFlag, ExecError, Executor, Job, RunOutcome, RunStatus};
use crate::events::{Event, Stream};
use crate::launch::{free_port, RankEnv};

/// How often the wait loop looks at children, the clock and the cancel flag. Small enough
/// that a workload which exits at once costs well under the 50 ms overhead budget.
const TICK: Duration = Duration::from_millis(2);

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

/// A line from a rank's output, as read by a pipe thread.
struct Line {
    rank: u32,
    stream: Stream,
    text: String,
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
        let (tx, rx) = mpsc::channel();
        let mut group = Group::default();
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
        group: &mut Group,
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
        group: &mut Group,
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
    loop {
        let line = match rx.recv_timeout(wait) {
            Ok(line) => line,
            Err(RecvTimeoutError::Timeout) => return Ok(false),
            Err(RecvTimeoutError::Disconnected) => return Ok(true),
        };
        wait = Duration::ZERO;
        let log = &mut logs[line.rank as usize];
        writeln!(log, "{}", line.text).map_err(|e| log_error(job, line.rank, e))?;
        emit(Event::RankOutput {
            index: job.index,
            rank: line.rank,
            stream: line.stream,
            line: line.text,
        });
    }
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

/// The ranks of one job: children in a shared process group.
#[derive(Default)]
struct Group {
    pgid: Option<i32>,
    children: Vec<(u32, Child, Option<ExitStatus>)>,
}

impl Group {
    fn spawn(&mut self, job: &Job, env: &RankEnv, tx: &Sender<Line>) -> Result<(), ExecError> {
        let mut command = Command::new("bash");
        command
            .arg(&job.script)
            .current_dir(&job.dir)
            .envs(env.vars())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(self.pgid.unwrap_or(0));
        let mut child = command.spawn().map_err(|source| ExecError::Spawn {
            script: job.script.clone(),
            rank: env.rank,
            source,
        })?;
        self.pgid.get_or_insert(child.id() as i32);
        pipe(env.rank, Stream::Stdout, child.stdout.take(), tx);
        pipe(env.rank, Stream::Stderr, child.stderr.take(), tx);
        self.children.push((env.rank, child, None));
        Ok(())
    }

    /// Collects exit statuses; returns the first failure seen, or `Succeeded` once all exited 0.
    fn reap(&mut self) -> Result<Option<RunStatus>, ExecError> {
        let mut failure = None;
        for (rank, child, status) in &mut self.children {
            if status.is_none() {
                *status = child.try_wait().map_err(|source| ExecError::Wait {
                    rank: *rank,
                    source,
                })?;
                if let Some(s) = status.filter(|s| !s.success()) {
                    failure.get_or_insert(failed(*rank, s));
                }
            }
        }
        if failure.is_none() && self.all_exited() {
            return Ok(Some(RunStatus::Succeeded));
        }
        Ok(failure)
    }

    /// True once our children are reaped and nothing else is left in the group. Our own
    /// unreaped children would count as alive (zombies), so they are reaped first.
    fn gone(&mut self, pgid: i32) -> bool {
        for (_, child, status) in &mut self.children {
            if status.is_none() {
                *status = child.try_wait().ok().flatten();
            }
        }
        self.all_exited() && !group_alive(pgid)
    }

    fn all_exited(&self) -> bool {
        self.children.iter().all(|(_, _, s)| s.is_some())
    }

    /// SIGTERM to the whole group, then SIGKILL after `grace` if anyone is still there.
    fn stop(&mut self, grace: Duration) {
        let Some(pgid) = self.pgid else { return };
        signal_group(pgid, libc::SIGTERM);
        let deadline = Instant::now() + grace;
        while Instant::now() < deadline && !self.gone(pgid) {
            std::thread::sleep(TICK);
        }
        signal_group(pgid, libc::SIGKILL);
    }
}

fn failed(rank: u32, status: ExitStatus) -> RunStatus {
    RunStatus::Failed {
        rank,
        code: status.code(),
        signal: status.signal(),
    }
}

fn signal_group(pgid: i32, signal: i32) {
    // SAFETY: plain syscall; a group that is already gone yields ESRCH, which is fine here.
    unsafe {
        libc::killpg(pgid, signal);
    }
}

/// Whether any process in the group still exists (zombies of our own children count).
fn group_alive(pgid: i32) -> bool {
    // SAFETY: signal 0 only checks for existence and permission.
    unsafe { libc::killpg(pgid, 0) == 0 }
}

/// Reads one pipe line by line on its own thread; invalid UTF-8 is replaced, never fatal.
fn pipe(rank: u32, stream: Stream, source: Option<impl Read + Send + 'static>, tx: &Sender<Line>) {
    let Some(source) = source else { return };
    let tx = tx.clone();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(source);
        let mut buf = Vec::new();
        while matches!(reader.read_until(b'\n', &mut buf), Ok(n) if n > 0) {
            let text = String::from_utf8_lossy(trim_newline(&buf)).into_owned();
            if tx.send(Line { rank, stream, text }).is_err() {
                return;
            }
            buf.clear();
        }
    });
}

fn trim_newline(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}
