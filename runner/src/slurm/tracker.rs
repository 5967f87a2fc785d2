use std::collections::HashMap;
use std::time::Duration;

use super::atomic::write_json;
use super::{
    preflight, FinalInfo, JobState, OnInterrupt, RunFolder, RunRecord, RunState, SlurmCli,
    SlurmError, SlurmOutcome,
};
use crate::events::Event;
use crate::exec::CancelFlag;

/// How tracking ended.
#[derive(Debug, Clone, PartialEq)]
pub enum TrackEnd {
    /// Every run has an outcome.
    Finished,
    /// Interrupted and the jobs were left running; `repro collect` picks them up.
    Detached,
}

/// Follows all runs of one submission until each has an outcome.
///
/// Cost model: one `squeue` per poll for *all* unfinished runs (so 200 queued jobs cost one
/// call, not 200), and one `scontrol show job` per run, once, when it leaves the queue or
/// reaches a final state, for its exit code. Each run is recorded (state.json, outcome.json,
/// `on_finished`) as soon as it ends, so scoring never waits for the slowest run.
pub struct Tracker<'a> {
    pub cli: &'a dyn SlurmCli,
    pub poll: Duration,
    pub on_interrupt: OnInterrupt,
}

/// What finishing a run means, shared by the live runner and `repro collect` so that both
/// store exactly the same thing: `run-I/outcome.json`, then the caller's hook (scoring).
pub type OnFinished<'a> = &'a mut dyn FnMut(&RunFolder, &RunRecord) -> Result<(), SlurmError>;

impl Tracker<'_> {
    pub fn track(
        &self,
        folder: &RunFolder,
        state: &mut RunState,
        cancel: &CancelFlag,
        emit: &mut dyn FnMut(Event),
        on_finished: OnFinished<'_>,
    ) -> Result<TrackEnd, SlurmError> {
        let mut cancelled = false;
        loop {
            self.poll_once(folder, state, emit, on_finished)?;
            if state.unfinished() == 0 {
                return Ok(TrackEnd::Finished);
            }
            if cancel.is_cancelled() && !cancelled {
                if !self.on_interrupt.should_cancel(state.unfinished()) {
                    eprintln!("{}", detach_message(folder, state));
                    return Ok(TrackEnd::Detached);
                }
                self.cli.scancel(std::slice::from_ref(&state.job_id))?;
                cancelled = true;
            }
            sleep_unless_cancelled(self.poll, cancel, cancelled);
        }
    }

    /// One poll: one `squeue`, then record every run that ended.
    pub fn poll_once(
        &self,
        folder: &RunFolder,
        state: &mut RunState,
        emit: &mut dyn FnMut(Event),
        on_finished: OnFinished<'_>,
    ) -> Result<(), SlurmError> {
        let queued: HashMap<String, JobState> = super::queue::queued(self.cli, &state.job_id)?
            .into_iter()
            .collect();
        let mut changed = false;
        for record in state.runs.iter_mut().filter(|r| r.outcome.is_none()) {
            let seen = queued.get(&record.task);
            changed |= seen.is_some_and(|s| *s != record.state);
            if let Some(s) = seen.filter(|s| !s.is_final()) {
                record.state = s.clone();
                continue;
            }
            if self.finish(folder, record, emit, on_finished)? {
                changed = true;
            }
        }
        if changed {
            state.save(folder)?;
            emit(queue_changed(state));
        }
        Ok(())
    }

    /// The final facts of a task: `scontrol`, or `sacct` once the controller has forgotten the
    /// job (`MinJobAge`, 300 s by default, passed while no runner watched), or, without
    /// accounting, a final `UNKNOWN` state that says so rather than waiting forever.
    fn final_info(&self, task: &str) -> Result<FinalInfo, SlurmError> {
        match self.cli.show_job(task) {
            Ok(text) => FinalInfo::parse(&text),
            Err(SlurmError::Command { stderr, .. }) if stderr.contains("Invalid job id") => {
                match self.cli.sacct(task) {
                    Ok(text) => FinalInfo::parse_sacct(&text),
                    Err(_) => Ok(FinalInfo::forgotten()),
                }
            }
            Err(e) => Err(e),
        }
    }

    /// Asks Slurm for the final state; records the outcome when it is final.
    fn finish(
        &self,
        folder: &RunFolder,
        record: &mut RunRecord,
        emit: &mut dyn FnMut(Event),
        on_finished: OnFinished<'_>,
    ) -> Result<bool, SlurmError> {
        let info = self.final_info(&record.task)?;
        record.state = info.state.clone();
        if !info.state.is_final() {
            return Ok(false);
        }
        let drift = preflight::read_drift(&folder.preflight(record.index))?;
        let outcome = SlurmOutcome::from_final(&info, drift);
        record.outcome = Some(outcome.clone());
        record.elapsed_s = info.elapsed_s;
        record_outcome(folder, record, &info)?;
        emit(Event::RunFinished {
            index: record.index,
            status: outcome.run_status(),
            elapsed_s: info.elapsed_s,
        });
        on_finished(folder, record)?;
        Ok(true)
    }
}

/// `run-I/outcome.json`: the outcome, Slurm's words for it, and the logs to score.
fn record_outcome(
    folder: &RunFolder,
    record: &RunRecord,
    info: &FinalInfo,
) -> Result<(), SlurmError> {
    let Some(outcome) = &record.outcome else {
        return Ok(());
    };
    let value = serde_json::json!({
        "index": record.index,
        "task": record.task,
        "seed": record.seed,
        "outcome": outcome,
        "description": outcome.describe(),
        "exit_code": outcome.exit_code(),
        "slurm": {
            "state": info.state.as_str(),
            "exit_code": info.exit_code,
            "signal": info.signal,
            "reason": info.reason,
            "elapsed_s": info.elapsed_s,
        },
        "mlperf_log": folder.rank_log(record.index, 0),
    });
    std::fs::create_dir_all(folder.run(record.index)).map_err(|source| SlurmError::Write {
        path: folder.run(record.index),
        error: source,
    })?;
    write_json(&folder.outcome(record.index), &value)
}

/// Sleeps `poll` in short slices so that Ctrl-C is answered at once.
fn sleep_unless_cancelled(poll: Duration, cancel: &CancelFlag, already: bool) {
    let slice = Duration::from_millis(20).min(poll);
    let mut slept = Duration::ZERO;
    while slept < poll && (already || !cancel.is_cancelled()) {
        std::thread::sleep(slice);
        slept += slice;
    }
}

fn detach_message(folder: &RunFolder, state: &RunState) -> String {
    let root = folder.root.display();
    format!(
        "left {} Slurm job(s) of array job {} running\nhelp: `repro status {root}` shows where they stand; `repro collect {root}` scores them when they finish",
        state.unfinished(),
        state.job_id
    )
}

/// Counts of a run set's tasks, and the time left: the mean run time of the finished tasks
/// times the waves still to come (the tasks not finished, `running` at a time).
fn queue_changed(state: &RunState) -> Event {
    let total = state.runs.len() as u32;
    let done: Vec<f64> = state
        .runs
        .iter()
        .filter(|r| r.outcome.is_some())
        .map(|r| r.elapsed_s)
        .collect();
    let running = state
        .runs
        .iter()
        .filter(|r| r.outcome.is_none() && r.state == JobState::Running)
        .count() as u32;
    let finished = done.len() as u32;
    let pending = total - finished - running;
    let eta_s = (finished > 0).then(|| {
        let waves = f64::from(pending + running) / f64::from(running.max(1));
        repro_audit::stats::mean(&done) * waves.ceil()
    });
    Event::QueueChanged {
        pending,
        running,
        finished,
        total,
        eta_s,
    }
}
