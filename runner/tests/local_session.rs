//! Whole sessions: the reference workload for real through the local executor, the MLPerf
//! scorer and the store; time limits; the exact event stream.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use repro_runner::events::Event;
use repro_runner::exec::{CancelFlag, Fake, FakeRun, Local, RunStatus};
use repro_runner::session::{run_session, MlperfScorer, RunPlan, SessionError, SessionOptions};
use repro_runner::store::{ResultStore, RunVerdict, Stored};
use serde_json::json;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
}

/// Builds the reference workload once and returns its path.
fn workload() -> &'static Path {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = std::process::Command::new(cargo)
            .args(["build", "-q", "-p", "repro-workloads", "--bin", "smoke-sgd"])
            .status()
            .unwrap();
        assert!(status.success());
        let target =
            std::env::var_os("CARGO_TARGET_DIR").map_or(root().join("target"), PathBuf::from);
        target.join("debug/smoke-sgd")
    })
}

fn plan(command: &str, runs: u32, ranks: u32, limit: Option<f64>) -> RunPlan {
    serde_json::from_value(json!({
        "name": "smoke",
        "plan_hash": "p",
        "lock_hash": "l",
        "launch": {
            "template": root().join("templates/local.sh"),
            "nodes": 1,
            "ranks_per_node": ranks,
            "values": {"command": command, "args": [], "env": {"OMP_NUM_THREADS": "1"}},
        },
        "ruleset": "smoke-local",
        "rules": root().join("specs/rules/smoke-local.run"),
        "dropped_allowed": 1,
        "runs": runs,
        "seed": 40,
        "time_limit_s": limit,
        "tolerance": 0.05,
    }))
    .unwrap()
}

struct Session {
    dir: tempfile::TempDir,
    events: Vec<Event>,
}

impl Session {
    fn new() -> Session {
        Session {
            dir: tempfile::tempdir().unwrap(),
            events: Vec::new(),
        }
    }

    fn run(
        &mut self,
        plan: &RunPlan,
        executor: &dyn repro_runner::exec::Executor,
    ) -> Result<Stored, SessionError> {
        let scorer = MlperfScorer::for_plan(plan).unwrap();
        let store = ResultStore::new(self.dir.path().join("results"));
        let options = SessionOptions {
            allow_drift: false,
            runs_dir: self.dir.path().join("runs"),
        };
        let events = &mut self.events;
        run_session(
            plan,
            executor,
            &scorer,
            &store,
            &options,
            &CancelFlag::new(),
            &mut |e| events.push(e),
        )
    }
}

#[test]
fn reference_workload_converges_and_is_stored() {
    let mut session = Session::new();
    let plan = plan(workload().to_str().unwrap(), 3, 2, Some(60.0));
    let stored = session.run(&plan, &Local::default()).unwrap();
    let record = &stored.record;
    assert_eq!(record.verdict, RunVerdict::Pass, "{:#?}", record.runs);
    assert!(record.score_s.is_some_and(|s| s > 0.0));
    for (i, run) in record.runs.iter().enumerate() {
        assert_eq!(run.seed, 40 + i as u64);
        assert_eq!(run.status, RunStatus::Succeeded);
        let metrics = run.metrics.as_ref().unwrap();
        assert!(
            metrics.converged && metrics.messages.is_empty(),
            "{:?}",
            metrics.messages
        );
        let samples = metrics.samples_to_converge.unwrap();
        assert!(
            samples > 0.0 && samples % 16384.0 == 0.0,
            "whole epochs of 16384 samples: {samples}"
        );
        assert_eq!(run.logs.len(), 2);
        let log = session
            .dir
            .path()
            .join("runs/smoke")
            .join(&run.logs[0].path);
        let text = std::fs::read_to_string(log).unwrap();
        assert!(text.contains(&format!(r#""key":"seed","value":{},"#, 40 + i)));
    }
    let reread = ResultStore::new(session.dir.path().join("results"))
        .resolve(&stored.id)
        .unwrap();
    assert_eq!(reread.record.runs.len(), 3);
}

#[test]
fn time_limit_is_recorded_and_fails_the_verdict() {
    let mut session = Session::new();
    let plan = plan("sleep", 1, 1, Some(0.3));
    let mut plan = plan;
    plan.launch.values.insert("args".into(), json!(["30"]));
    let stored = session.run(&plan, &Local::default()).unwrap();
    let run = &stored.record.runs[0];
    assert_eq!(run.status, RunStatus::TimedOut);
    assert!(run.elapsed_s < 5.0);
    assert!(!run.metrics.as_ref().unwrap().converged);
    assert_eq!(stored.record.verdict, RunVerdict::Failed);
}

#[test]
fn events_come_in_order() {
    let mut session = Session::new();
    let fake = Fake {
        runs: vec![
            FakeRun {
                status: RunStatus::Succeeded,
                elapsed_s: 1.0,
                log: "a\nb\n".into(),
            },
            FakeRun {
                status: RunStatus::Cancelled,
                elapsed_s: 0.5,
                log: String::new(),
            },
        ],
    };
    let stored = session.run(&plan("true", 3, 1, None), &fake).unwrap();
    assert_eq!(stored.record.verdict, RunVerdict::Cancelled);
    assert_eq!(
        stored.record.runs.len(),
        2,
        "a cancelled run stops the session"
    );
    let kinds: Vec<String> = session
        .events
        .iter()
        .map(|e| {
            serde_json::to_value(e).unwrap()["event"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    insta::assert_snapshot!(kinds.join("\n"));
}

#[test]
fn zero_runs_and_missing_templates_are_errors() {
    let mut session = Session::new();
    let err = session
        .run(&plan("true", 0, 1, None), &Local::default())
        .unwrap_err();
    assert!(matches!(err, SessionError::NoRuns(0)));
    let mut missing = plan("true", 1, 1, None);
    missing.launch.template = "no/such/template.sh".into();
    let err = session.run(&missing, &Local::default()).unwrap_err();
    insta::assert_snapshot!(err.to_string());
}

#[test]
fn incomplete_log_is_not_converged_and_says_why() {
    let out = std::process::Command::new(workload())
        .env("SEED", "3")
        .output()
        .unwrap();
    assert!(out.status.success());
    let log: String = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter(|l| !l.contains(r#""key":"train_samples""#))
        .map(|l| format!("{l}\n"))
        .collect();
    let fake = Fake {
        runs: vec![FakeRun {
            status: RunStatus::Succeeded,
            elapsed_s: 1.0,
            log,
        }],
    };
    let mut session = Session::new();
    let stored = session.run(&plan("true", 1, 1, None), &fake).unwrap();
    let metrics = stored.record.runs[0].metrics.clone().unwrap();
    assert!(!metrics.converged);
    assert_eq!(
        metrics.ttt_s, None,
        "a non-compliant run has no time to train"
    );
    assert!(
        metrics.messages.iter().any(|m| m.contains("train_samples")),
        "{:?}",
        metrics.messages
    );
    assert_eq!(stored.record.verdict, RunVerdict::Failed);
}
