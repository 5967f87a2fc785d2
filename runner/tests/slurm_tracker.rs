//! Tracking logic against a scripted Slurm: exact call counts, every final state mapped to
//! its outcome and exit code, runs recorded as they finish. The real cluster is exercised
//! by the root crate's `tests/slurm_cluster.rs`.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use repro_runner::events::Event;
use repro_runner::exec::{CancelFlag, RunStatus};
use repro_runner::slurm::{
    JobState, OnInterrupt, RunFolder, RunState, ScriptFn, SlurmCli, SlurmError, SlurmOutcome,
    Tracker,
};

/// A scripted Slurm: `squeue` answers pop from a queue (the last one repeats), `scontrol`
/// answers come from a table.
#[derive(Default)]
struct FakeSlurm {
    squeue_answers: RefCell<VecDeque<Result<String, String>>>,
    jobs: RefCell<HashMap<String, String>>,
    squeue_calls: Cell<u32>,
    show_calls: RefCell<Vec<String>>,
    cancelled: RefCell<Vec<String>>,
}

impl FakeSlurm {
    fn squeue_then(&self, answer: &str) {
        self.squeue_answers
            .borrow_mut()
            .push_back(Ok(answer.to_string()));
    }

    fn job(&self, task: &str, state: &str, exit: &str) {
        let line = format!("JobId=9 ArrayJobId=7 JobName=p JobState={state} Reason=None ExitCode={exit} RunTime=00:01:40");
        self.jobs.borrow_mut().insert(task.to_string(), line);
    }
}

impl SlurmCli for FakeSlurm {
    fn sbatch(&self, script: ScriptFn<'_>) -> Result<String, SlurmError> {
        script().map(|_| "7".to_string())
    }

    fn squeue(&self, ids: &[String]) -> Result<String, SlurmError> {
        assert_eq!(ids, ["7"], "one squeue for the whole array");
        self.squeue_calls.set(self.squeue_calls.get() + 1);
        let mut answers = self.squeue_answers.borrow_mut();
        let answer = if answers.len() > 1 {
            answers.pop_front()
        } else {
            answers.front().cloned()
        };
        match answer.unwrap_or(Ok(String::new())) {
            Ok(text) => Ok(text),
            Err(stderr) => Err(SlurmError::Command {
                command: "squeue".into(),
                code: Some(1),
                stderr,
            }),
        }
    }

    fn show_job(&self, id: &str) -> Result<String, SlurmError> {
        self.show_calls.borrow_mut().push(id.to_string());
        Ok(self
            .jobs
            .borrow()
            .get(id)
            .cloned()
            .unwrap_or_else(|| panic!("no scontrol answer for {id}")))
    }

    fn scancel(&self, ids: &[String]) -> Result<(), SlurmError> {
        self.cancelled.borrow_mut().extend(ids.iter().cloned());
        Ok(())
    }
}

fn setup(runs: u32) -> (tempfile::TempDir, RunFolder, RunState) {
    let dir = tempfile::tempdir().unwrap();
    let folder = RunFolder::new(dir.path());
    let seeds: Vec<u64> = (0..runs as u64).collect();
    let state = RunState::submitted("plan", "7", &seeds);
    state.save(&folder).unwrap();
    (dir, folder, state)
}

fn tracker(cli: &FakeSlurm) -> Tracker<'_> {
    Tracker {
        cli,
        poll: Duration::from_millis(1),
        on_interrupt: OnInterrupt::Leave,
    }
}

#[test]
fn two_hundred_queued_jobs_cost_one_squeue_per_poll() {
    let (_dir, folder, mut state) = setup(200);
    let cli = FakeSlurm::default();
    let pending: String = (0..200).map(|i| format!("7_{i} PENDING\n")).collect();
    cli.squeue_then(&pending);
    for _ in 0..5 {
        tracker(&cli)
            .poll_once(&folder, &mut state, &mut |_| {}, &mut |_, _| Ok(()))
            .unwrap();
    }
    assert_eq!(cli.squeue_calls.get(), 5);
    assert!(
        cli.show_calls.borrow().is_empty(),
        "no scontrol for queued jobs"
    );
    assert_eq!(state.unfinished(), 200);
}

#[test]
fn every_final_state_maps_to_an_outcome_and_exit_code() {
    let cases = [
        ("COMPLETED", "0:0"),
        ("FAILED", "3:0"),
        ("FAILED", "0:9"),
        ("CANCELLED by 0", "0:15"),
        ("TIMEOUT", "0:15"),
        ("NODE_FAIL", "0:0"),
        ("OUT_OF_MEMORY", "0:125"),
        ("PREEMPTED", "0:15"),
        ("DEADLINE", "0:0"),
    ];
    let (_dir, folder, mut state) = setup(cases.len() as u32);
    let cli = FakeSlurm::default();
    cli.squeue_then("");
    for (i, (s, exit)) in cases.iter().enumerate() {
        cli.job(&format!("7_{i}"), s, exit);
    }
    let mut events = Vec::new();
    tracker(&cli)
        .track(
            &folder,
            &mut state,
            &CancelFlag::new(),
            &mut |e| {
                if matches!(e, Event::RunFinished { .. }) {
                    events.push(e)
                }
            },
            &mut |_, _| Ok(()),
        )
        .unwrap();
    let table: String = state
        .runs
        .iter()
        .map(|r| {
            let o = r.outcome.as_ref().unwrap();
            format!(
                "{:<16} {:<6} exit {}  {}\n",
                cases[r.index as usize].0,
                cases[r.index as usize].1,
                o.exit_code(),
                o.describe()
            )
        })
        .collect();
    insta::assert_snapshot!(table);
    assert_eq!(state.exit_code(), 4);
    assert_eq!(events.len(), cases.len());
    assert_eq!(
        events[1],
        Event::RunFinished {
            index: 1,
            status: RunStatus::Failed {
                rank: 0,
                code: Some(3),
                signal: None
            },
            elapsed_s: 100.0
        }
    );
    assert_eq!(
        RunState::load(&folder).unwrap(),
        state,
        "state.json holds every outcome"
    );
    let outcome: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(folder.outcome(4)).unwrap()).unwrap();
    assert_eq!(outcome["outcome"]["outcome"], "timed_out");
    assert_eq!(outcome["slurm"]["signal"], 15);
}

#[test]
fn runs_are_recorded_as_they_finish() {
    let (_dir, folder, mut state) = setup(2);
    let cli = FakeSlurm::default();
    cli.squeue_then("7_0 RUNNING\n7_1 RUNNING\n");
    cli.squeue_then("7_1 RUNNING\n");
    cli.squeue_then("7_1 COMPLETING\n");
    cli.squeue_then("");
    cli.job("7_0", "COMPLETED", "0:0");
    cli.job("7_1", "COMPLETING", "0:0");
    let mut finished = Vec::new();
    let mut hook = |f: &RunFolder, r: &repro_runner::slurm::RunRecord| {
        // When the hook runs, the run is already durable on disk.
        let saved = std::fs::read_to_string(f.outcome(r.index)).unwrap();
        assert!(saved.contains("\"completed\""));
        finished.push(r.index);
        Ok(())
    };
    let t = tracker(&cli);
    t.poll_once(&folder, &mut state, &mut |_| {}, &mut hook)
        .unwrap();
    assert_eq!(state.unfinished(), 2);
    t.poll_once(&folder, &mut state, &mut |_| {}, &mut hook)
        .unwrap();
    assert_eq!(
        state.unfinished(),
        1,
        "run 0 recorded while run 1 still runs"
    );
    assert_eq!(RunState::load(&folder).unwrap().unfinished(), 1);
    t.poll_once(&folder, &mut state, &mut |_| {}, &mut hook)
        .unwrap();
    // Gone from squeue but scontrol still says COMPLETING: not final yet.
    t.poll_once(&folder, &mut state, &mut |_| {}, &mut hook)
        .unwrap();
    assert_eq!(state.runs[1].state, JobState::Completing);
    assert_eq!(state.unfinished(), 1);
    cli.job("7_1", "COMPLETED", "0:0");
    t.poll_once(&folder, &mut state, &mut |_| {}, &mut hook)
        .unwrap();
    assert_eq!(finished, vec![0, 1]);
    assert_eq!(*cli.show_calls.borrow(), ["7_0", "7_1", "7_1"]);
}

#[test]
fn job_unknown_to_squeue_is_looked_up_once() {
    let (_dir, folder, mut state) = setup(1);
    let cli = FakeSlurm::default();
    cli.squeue_answers
        .borrow_mut()
        .push_back(Err("slurm_load_jobs error: Invalid job id specified".into()));
    cli.job("7_0", "FAILED", "3:0");
    tracker(&cli)
        .poll_once(&folder, &mut state, &mut |_| {}, &mut |_, _| Ok(()))
        .unwrap();
    assert_eq!(
        state.runs[0].outcome,
        Some(SlurmOutcome::Failed {
            exit_code: 3,
            signal: 0
        })
    );
}

#[test]
fn squeue_failure_is_reported() {
    let (_dir, folder, mut state) = setup(1);
    let cli = FakeSlurm::default();
    cli.squeue_answers.borrow_mut().push_back(Err(
        "slurm_load_jobs error: Unable to contact slurm controller".into(),
    ));
    let err = tracker(&cli)
        .poll_once(&folder, &mut state, &mut |_| {}, &mut |_, _| Ok(()))
        .unwrap_err();
    assert_eq!(err.to_string(), "`squeue` failed with exit code Some(1): slurm_load_jobs error: Unable to contact slurm controller");
}

#[test]
fn interrupt_cancels_or_detaches() {
    let (_dir, folder, mut state) = setup(1);
    let cli = FakeSlurm::default();
    cli.squeue_then("7_0 RUNNING\n");
    let cancel = CancelFlag::new();
    cancel.cancel();
    let end = tracker(&cli)
        .track(
            &folder,
            &mut state,
            &cancel,
            &mut |_| {},
            &mut |_, _| Ok(()),
        )
        .unwrap();
    assert_eq!(end, repro_runner::slurm::TrackEnd::Detached);
    assert!(cli.cancelled.borrow().is_empty(), "leave means leave");

    cli.squeue_then("");
    cli.job("7_0", "CANCELLED by 0", "0:15");
    let t = Tracker {
        cli: &cli,
        poll: Duration::from_millis(1),
        on_interrupt: OnInterrupt::Cancel,
    };
    let end = t
        .track(
            &folder,
            &mut state,
            &cancel,
            &mut |_| {},
            &mut |_, _| Ok(()),
        )
        .unwrap();
    assert_eq!(end, repro_runner::slurm::TrackEnd::Finished);
    assert_eq!(*cli.cancelled.borrow(), ["7"]);
    assert_eq!(state.runs[0].outcome, Some(SlurmOutcome::Cancelled));
}

#[test]
fn corrupt_state_file_names_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let folder = RunFolder::new(dir.path());
    std::fs::write(
        folder.state(),
        "{\n  \"plan\": \"p\",\n  \"job_id\": 7\n}\n",
    )
    .unwrap();
    let err = RunState::load(&folder).unwrap_err().to_string();
    let expected = format!(
        "invalid `{}` at line 3, column 13: ",
        folder.state().display()
    );
    assert!(err.starts_with(&expected), "{err}");
    assert!(err.contains("expected a string"), "{err}");
}

/// A fake whose controller forgot every job (MinJobAge passed while no runner watched).
struct ForgetfulSlurm {
    sacct: Option<String>,
}

impl SlurmCli for ForgetfulSlurm {
    fn sbatch(&self, script: ScriptFn<'_>) -> Result<String, SlurmError> {
        script().map(|_| "7".to_string())
    }
    fn squeue(&self, _ids: &[String]) -> Result<String, SlurmError> {
        Err(SlurmError::Command {
            command: "squeue".into(),
            code: Some(1),
            stderr: "slurm_load_jobs error: Invalid job id specified".into(),
        })
    }
    fn show_job(&self, _id: &str) -> Result<String, SlurmError> {
        Err(SlurmError::Command {
            command: "scontrol".into(),
            code: Some(1),
            stderr: "slurm_load_jobs error: Invalid job id specified".into(),
        })
    }
    fn scancel(&self, _ids: &[String]) -> Result<(), SlurmError> {
        Ok(())
    }
    fn sacct(&self, id: &str) -> Result<String, SlurmError> {
        assert_eq!(id, "7_0");
        self.sacct.clone().ok_or_else(|| SlurmError::Command {
            command: "sacct".into(),
            code: Some(1),
            stderr: "Slurm accounting storage is disabled".into(),
        })
    }
}

#[test]
fn forgotten_jobs_come_from_sacct_or_say_they_are_unknown() {
    let (_dir, folder, mut state) = setup(1);
    let cli = ForgetfulSlurm {
        sacct: Some("FAILED|3:0|42\n".into()),
    };
    let t = Tracker {
        cli: &cli,
        poll: Duration::from_millis(1),
        on_interrupt: OnInterrupt::Leave,
    };
    t.track(
        &folder,
        &mut state,
        &CancelFlag::new(),
        &mut |_| {},
        &mut |_, _| Ok(()),
    )
    .unwrap();
    assert_eq!(
        state.runs[0].outcome,
        Some(SlurmOutcome::Failed {
            exit_code: 3,
            signal: 0
        })
    );
    assert_eq!(state.runs[0].elapsed_s, 42.0);

    let (_dir, folder, mut state) = setup(1);
    let cli = ForgetfulSlurm { sacct: None };
    let t = Tracker {
        cli: &cli,
        poll: Duration::from_millis(1),
        on_interrupt: OnInterrupt::Leave,
    };
    t.track(
        &folder,
        &mut state,
        &CancelFlag::new(),
        &mut |_| {},
        &mut |_, _| Ok(()),
    )
    .unwrap();
    let outcome = state.runs[0].outcome.clone().unwrap();
    assert_eq!(outcome, SlurmOutcome::Forgotten);
    assert_eq!(outcome.exit_code(), 4);
    assert!(outcome
        .describe()
        .starts_with("unknown: Slurm no longer knows the job"));
}

#[test]
fn a_folder_without_state_is_not_a_run_folder() {
    let dir = tempfile::tempdir().unwrap();
    let folder = RunFolder::new(dir.path());
    let err = RunState::load(&folder).unwrap_err().to_string();
    assert_eq!(
        err,
        format!(
            "`{}` is not a Slurm run folder: it has no `state.json`\nhelp: pass the run folder that `repro run --executor slurm` printed",
            dir.path().display()
        )
    );
}
