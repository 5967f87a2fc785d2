//! The ranks of one job as child processes in one process group, and the threads that read
//! their output. Used by [`super::Local`]; crate-visible so that other executors that start
//! local processes (`srun`, `sbatch --wait`) can stop them the same way.

use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::SyncSender;
use std::time::{Duration, Instant};

use super::supervisor::supervise;
use super::{ExecError, Job, RunStatus};
use crate::events::Stream;
use crate::launch::RankEnv;

/// How often [`ProcessGroup::stop`] looks whether the group is gone.
const POLL: Duration = Duration::from_millis(2);

/// A line from a rank's output, as read by a pipe thread: the exact bytes (newline
/// included when there was one), because the rank log must hash to what the rank printed.
pub(crate) struct Line {
    pub rank: u32,
    pub stream: Stream,
    pub bytes: Vec<u8>,
}

impl Line {
    /// The line for people: without its newline, invalid UTF-8 replaced.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(trim_newline(&self.bytes)).into_owned()
    }
}

/// The ranks of one job: children in a shared process group.
#[derive(Default)]
pub(crate) struct ProcessGroup {
    pgid: Option<i32>,
    children: Vec<(u32, Child, Option<ExitStatus>)>,
}

impl ProcessGroup {
    pub fn spawn(
        &mut self,
        job: &Job,
        env: &RankEnv,
        tx: &SyncSender<Line>,
    ) -> Result<(), ExecError> {
        let mut command = Command::new("bash");
        command
            .arg(&job.script)
            .current_dir(&job.dir)
            .envs(env.vars())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(self.pgid.unwrap_or(0));
        // The rank and everything it starts die with the runner, see `supervisor`.
        supervise(&mut command);
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
    pub fn reap(&mut self) -> Result<Option<RunStatus>, ExecError> {
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
    pub fn gone(&mut self, pgid: i32) -> bool {
        for (_, child, status) in &mut self.children {
            if status.is_none() {
                *status = child.try_wait().ok().flatten();
            }
        }
        self.all_exited() && !group_alive(pgid)
    }

    pub fn all_exited(&self) -> bool {
        self.children.iter().all(|(_, _, s)| s.is_some())
    }

    /// SIGTERM to the whole group, then SIGKILL after `grace` if anyone is still there.
    pub fn stop(&mut self, grace: Duration) {
        let Some(pgid) = self.pgid else { return };
        signal_group(pgid, libc::SIGTERM);
        let deadline = Instant::now() + grace;
        while Instant::now() < deadline && !self.gone(pgid) {
            std::thread::sleep(POLL);
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

/// Reads one pipe line by line on its own thread; any bytes are fine (no UTF-8 required).
fn pipe(
    rank: u32,
    stream: Stream,
    source: Option<impl Read + Send + 'static>,
    tx: &SyncSender<Line>,
) {
    let Some(source) = source else { return };
    let tx = tx.clone();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(source);
        let mut buf = Vec::new();
        while matches!(reader.read_until(b'\n', &mut buf), Ok(n) if n > 0) {
            let bytes = std::mem::take(&mut buf);
            if tx
                .send(Line {
                    rank,
                    stream,
                    bytes,
                })
                .is_err()
            {
                return;
            }
        }
    });
}

fn trim_newline(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}
