//! The local executor with real processes: the reference workload, failures, time limits,
//! cancellation, and that nothing it started outlives a stop.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use repro_runner::events::{Event, Stream};
use repro_runner::exec::{CancelFlag, Executor, Job, Local, RunOutcome, RunStatus};
use repro_runner::launch::Template;
use serde_json::json;

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
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let target =
            std::env::var_os("CARGO_TARGET_DIR").map_or(root.join("target"), PathBuf::from);
        target.join("debug/smoke-sgd")
    })
}

fn template() -> Template {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../templates/local.sh");
    Template::load(&path).unwrap()
}

/// A job whose script is `templates/local.sh` rendered with `command`, `args` and `env`.
fn job(dir: &Path, ranks: u32, command: &str, args: &[&str], limit: Option<f64>) -> Job {
    let script = template()
        .render(
            &json!({"command": command, "args": args, "env": {}, "run_dir": dir, "workdir": dir}),
        )
        .unwrap();
    let path = dir.join("launch.sh");
    std::fs::write(&path, script).unwrap();
    Job {
        plan: "test".into(),
        index: 0,
        run_id: "r0".into(),
        dir: dir.to_path_buf(),
        script: path,
        nodes: 1,
        ranks_per_node: ranks,
        seed: 11,
        time_limit: limit.map(Duration::from_secs_f64),
    }
}

fn run(job: &Job, cancel: &CancelFlag) -> (RunOutcome, Vec<Event>) {
    let mut events = Vec::new();
    let executor = Local {
        grace: Duration::from_millis(500),
    };
    let outcome = executor.run(job, cancel, &mut |e| events.push(e)).unwrap();
    (outcome, events)
}

fn lines(events: &[Event], rank: u32) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::RankOutput { rank: r, line, .. } if *r == rank => Some(line.clone()),
            _ => None,
        })
        .collect()
}

/// Whether process `pid` still exists (and is not a zombie).
fn alive(pid: &str) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .is_ok_and(|stat| stat.split_whitespace().nth(2).is_none_or(|s| s != "Z"))
}

#[test]
fn reference_workload_runs_on_two_ranks() {
    let dir = tempfile::tempdir().unwrap();
    let job = job(dir.path(), 2, workload().to_str().unwrap(), &[], None);
    let (outcome, events) = run(&job, &CancelFlag::new());
    assert_eq!(outcome.status, RunStatus::Succeeded);
    assert_eq!(outcome.logs, vec![job.rank_log(0), job.rank_log(1)]);
    let log = std::fs::read_to_string(job.rank_log(0)).unwrap();
    assert!(log.lines().all(|l| l.starts_with(":::MLLOG ")));
    assert!(
        log.contains(r#""key":"seed","value":11,"#),
        "SEED reaches the workload"
    );
    assert!(log.contains(r#""status":"success""#));
    assert_eq!(lines(&events, 0), log.lines().collect::<Vec<_>>());
    assert_eq!(std::fs::read_to_string(job.rank_log(1)).unwrap(), "");
}

#[test]
fn ranks_get_the_distributed_environment() {
    let dir = tempfile::tempdir().unwrap();
    let show =
        "echo $RANK $WORLD_SIZE $LOCAL_RANK $MASTER_ADDR $MASTER_PORT $CUDA_VISIBLE_DEVICES $SEED";
    let job = job(dir.path(), 3, "bash", &["-c", show], None);
    let (outcome, events) = run(&job, &CancelFlag::new());
    assert_eq!(outcome.status, RunStatus::Succeeded);
    let mut ports = Vec::new();
    for rank in 0..3 {
        let line = &lines(&events, rank)[0];
        let fields: Vec<&str> = line.split(' ').collect();
        assert_eq!(
            fields[..4],
            [&*rank.to_string(), "3", &*rank.to_string(), "127.0.0.1"]
        );
        assert_eq!(fields[5], rank.to_string());
        assert_eq!(fields[6], "11");
        ports.push(fields[4].parse::<u16>().unwrap());
    }
    assert!(ports.windows(2).all(|w| w[0] == w[1]) && ports[0] > 0);
}

#[test]
fn failing_rank_fails_the_run_and_stops_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let script = "if [ \"$RANK\" = 1 ]; then echo boom >&2; exit 3; fi; sleep 30";
    let job = job(dir.path(), 2, "bash", &["-c", script], None);
    let start = Instant::now();
    let (outcome, events) = run(&job, &CancelFlag::new());
    assert_eq!(
        outcome.status,
        RunStatus::Failed {
            rank: 1,
            code: Some(3),
            signal: None
        }
    );
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "rank 0 was not stopped"
    );
    assert!(events.iter().any(|e| matches!(e,
        Event::RankOutput { rank: 1, stream: Stream::Stderr, line, .. } if line == "boom")));
}

/// The rank runs under a supervisor (`exec/supervisor.rs`); the status the runner sees is
/// still the rank's own: its signal, its exit code.
#[test]
fn a_rank_killed_by_a_signal_is_reported_with_that_signal() {
    let dir = tempfile::tempdir().unwrap();
    let script = "if [ \"$RANK\" = 1 ]; then kill -SEGV $$; fi; sleep 30";
    let job = job(dir.path(), 2, "bash", &["-c", script], None);
    let (outcome, _) = run(&job, &CancelFlag::new());
    assert_eq!(
        outcome.status,
        RunStatus::Failed {
            rank: 1,
            code: None,
            signal: Some(libc::SIGSEGV)
        }
    );
}

#[test]
fn workload_that_does_not_converge_exits_non_zero() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["--target", "0.999", "--max-epochs", "1"];
    let job = job(dir.path(), 1, workload().to_str().unwrap(), &args, None);
    let (outcome, _) = run(&job, &CancelFlag::new());
    assert_eq!(
        outcome.status,
        RunStatus::Failed {
            rank: 0,
            code: Some(1),
            signal: None
        }
    );
    let log = std::fs::read_to_string(job.rank_log(0)).unwrap();
    assert!(log.contains(r#""status":"aborted""#));
}

/// A script that records the pid of a grandchild (`sleep`) and then waits on it.
const SLEEPER: &str = "sleep 30 & echo $! > sleeper-$RANK.pid; echo started; wait";

fn sleeper_pids(dir: &Path, ranks: u32) -> Vec<String> {
    (0..ranks)
        .map(|r| {
            std::fs::read_to_string(dir.join(format!("sleeper-{r}.pid")))
                .unwrap()
                .trim()
                .to_string()
        })
        .collect()
}

#[test]
fn time_limit_stops_every_process() {
    let dir = tempfile::tempdir().unwrap();
    let job = job(dir.path(), 2, "bash", &["-c", SLEEPER], Some(0.5));
    let start = Instant::now();
    let (outcome, _) = run(&job, &CancelFlag::new());
    assert_eq!(outcome.status, RunStatus::TimedOut);
    assert!(start.elapsed() >= Duration::from_millis(500));
    assert!(start.elapsed() < Duration::from_secs(5));
    for pid in sleeper_pids(dir.path(), 2) {
        assert!(!alive(&pid), "grandchild {pid} survived the time limit");
    }
}

#[test]
fn cancellation_stops_the_group_and_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let job = job(dir.path(), 2, "bash", &["-c", SLEEPER], None);
    let cancel = CancelFlag::new();
    let trigger = cancel.clone();
    let mut events = Vec::new();
    let executor = Local::default();
    let outcome = executor
        .run(&job, &cancel, &mut |e| {
            if matches!(&e, Event::RankOutput { line, .. } if line == "started") {
                trigger.cancel();
            }
            events.push(e)
        })
        .unwrap();
    assert_eq!(outcome.status, RunStatus::Cancelled);
    assert!(
        outcome.elapsed < 5.0,
        "SIGTERM should end `wait` well before the grace period"
    );
    // Only the rank that printed `started` is known to have written its pid file.
    let pids: Vec<String> = (0..2)
        .filter_map(|r| std::fs::read_to_string(dir.path().join(format!("sleeper-{r}.pid"))).ok())
        .map(|pid| pid.trim().to_string())
        .collect();
    assert!(!pids.is_empty());
    for pid in pids {
        assert!(!alive(&pid), "grandchild {pid} survived cancellation");
    }
}

#[test]
fn sigint_to_repro_cancels_through_the_flag() {
    let cancel = CancelFlag::on_signals().unwrap();
    assert!(!cancel.is_cancelled());
    // SAFETY: raising a signal for which a flag handler is registered.
    unsafe { libc::raise(libc::SIGINT) };
    assert!(cancel.is_cancelled());
}

#[test]
fn multi_node_jobs_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut job = job(dir.path(), 1, "true", &[], None);
    job.nodes = 2;
    let err = Local::default()
        .run(&job, &CancelFlag::new(), &mut |_| {})
        .unwrap_err();
    insta::assert_snapshot!(err.to_string());
}

#[test]
fn flooding_output_does_not_defeat_the_time_limit() {
    let dir = tempfile::tempdir().unwrap();
    let job = job(dir.path(), 2, "yes", &["spam"], Some(0.3));
    let mut lines = 0u64;
    let start = Instant::now();
    let outcome = Local {
        grace: Duration::from_millis(500),
    }
    .run(&job, &CancelFlag::new(), &mut |_| lines += 1)
    .unwrap();
    assert_eq!(outcome.status, RunStatus::TimedOut);
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "took {:?}",
        start.elapsed()
    );
    assert!(
        lines > 1000,
        "output was forwarded while flooding ({lines} lines)"
    );
}

#[test]
fn rank_logs_keep_the_exact_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let job = job(
        dir.path(),
        1,
        "printf",
        &["a\\377b\\r\\nlast line without newline"],
        None,
    );
    let (outcome, events) = run(&job, &CancelFlag::new());
    assert_eq!(outcome.status, RunStatus::Succeeded);
    assert_eq!(
        std::fs::read(job.rank_log(0)).unwrap(),
        b"a\xffb\r\nlast line without newline"
    );
    assert_eq!(
        lines(&events, 0),
        ["a\u{fffd}b", "last line without newline"]
    );
}
