//! The Slurm executor on a real Slurm cluster (`scripts/slurm-dev.sh start`: 4 virtual nodes
//! on loopback). Each test submits real jobs through `sbatch` and follows them with
//! `squeue`/`scontrol`. The jobs run this crate's `repro` binary for the node preflight.
//!
//! Without a cluster (`sinfo` does not answer) every test prints why it is skipped and
//! returns; CI always starts the cluster first. Benchmarks are `#[ignore]`d:
//! `cargo test --test slurm_cluster -- --ignored --nocapture bench`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use std::sync::OnceLock;

use repro_compiler::Pins;
use repro_runner::events::Event;
use repro_runner::exec::CancelFlag;
use repro_runner::probe::{self, EnvRecord, Gpu};
use repro_runner::session::{MlperfScorer, RunPlan};
use repro_runner::slurm::{
    self, Container, OnInterrupt, RunFolder, RunRecord, RunState, SlurmCli, SlurmEnd, SlurmError,
    SlurmOptions, SlurmOutcome, SlurmRequest, StatusReport, SystemSlurm, TrackEnd, Tracker,
};
use repro_runner::store::{ResultStore, RunVerdict};
use serde_json::json;

const REPRO: &str = env!("CARGO_BIN_EXE_repro");
const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Whether a cluster answers; prints a visible skip message when not.
fn cluster_up(test: &str) -> bool {
    let ok = Command::new("sinfo")
        .arg("-h")
        .output()
        .is_ok_and(|o| o.status.success() && !o.stdout.is_empty());
    if !ok {
        eprintln!(
            "SKIPPED {test}: no Slurm cluster answers `sinfo` (run `scripts/slurm-dev.sh start`)"
        );
    }
    ok
}

/// A small shell workload that prints MLLOG-style lines, then exits with `code`.
fn workload(code: i32, sleep_s: u32) -> Vec<String> {
    let body = format!(
        "echo \":::MLLOG {{\\\"key\\\": \\\"run_start\\\", \\\"value\\\": null, \\\"metadata\\\": {{\\\"rank\\\": $SLURM_PROCID, \\\"seed\\\": $SEED, \\\"node\\\": \\\"$SLURMD_NODENAME\\\"}}}}\"; \
         echo \"cwd=$PWD\"; sleep {sleep_s}; \
         echo \":::MLLOG {{\\\"key\\\": \\\"run_stop\\\", \\\"value\\\": null, \\\"metadata\\\": {{\\\"status\\\": \\\"success\\\"}}}}\"; \
         exit {code}"
    );
    vec!["bash".into(), "-c".into(), body]
}

fn request(plan: &str, nodes: u32, runs: u32, command: Vec<String>) -> SlurmRequest {
    SlurmRequest {
        plan: plan.into(),
        nodes,
        ranks_per_node: 2,
        gpus_per_node: 2,
        runs,
        seeds: (0..runs as u64).map(|i| 1000 + i).collect(),
        partition: Some("debug".into()),
        account: None,
        time_minutes: Some(5),
        exclusive: false,
        constraint: None,
        container: None,
        command,
        env: Vec::new(),
        template: None,
        pins: Pins::default(),
    }
}

/// Outcomes recorded by the hook, in the order runs finished.
type Finished = Vec<(u32, SlurmOutcome)>;

fn track(
    folder: &RunFolder,
    state: &mut RunState,
    on_interrupt: OnInterrupt,
    cancel: &CancelFlag,
) -> (TrackEnd, Finished) {
    let cli = SystemSlurm::default();
    let tracker = Tracker {
        cli: &cli,
        poll: Duration::from_millis(200),
        on_interrupt,
    };
    let mut finished = Vec::new();
    let mut hook = |_: &RunFolder, r: &RunRecord| {
        finished.push((r.index, r.outcome.clone().unwrap()));
        Ok(())
    };
    let end = tracker
        .track(folder, state, cancel, &mut |_| {}, &mut hook)
        .unwrap();
    (end, finished)
}

fn submit(request: &SlurmRequest) -> (tempfile::TempDir, RunFolder, RunState) {
    let dir = tempfile::tempdir().unwrap();
    let folder = RunFolder::new(dir.path().join("run"));
    let state = slurm::submit(request, &folder, Path::new(REPRO), &SystemSlurm::default()).unwrap();
    (dir, folder, state)
}

fn read(path: PathBuf) -> String {
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn smoke_workload_on_two_nodes_two_runs() {
    if !cluster_up("smoke_workload_on_two_nodes_two_runs") {
        return;
    }
    let (_dir, folder, mut state) = submit(&request("smoke", 2, 2, workload(0, 0)));
    let (end, finished) = track(&folder, &mut state, OnInterrupt::Leave, &CancelFlag::new());
    assert_eq!(end, TrackEnd::Finished);
    assert_eq!(finished.len(), 2);
    assert!(
        finished.iter().all(|(_, o)| *o == SlurmOutcome::Completed),
        "{finished:?}"
    );
    for index in 0..2 {
        // 2 nodes x 2 ranks: four rank logs; rank 0's carries the run's seed.
        for rank in 0..4 {
            let log = read(folder.rank_log(index, rank));
            assert!(log.contains(":::MLLOG"), "{log}");
            assert!(log.contains(&format!("\"rank\": {rank}")), "{log}");
        }
        let log0 = read(folder.rank_log(index, 0));
        // Ranks run in the runner's working directory, so plan commands may be relative.
        let cwd = std::env::current_dir().unwrap();
        assert!(log0.contains(&format!("cwd={}\n", cwd.display())), "{log0}");
        assert!(
            log0.contains(&format!("\"seed\": {}", 1000 + index)),
            "{log0}"
        );
        // The preflight ran on both allocated nodes.
        let probed = std::fs::read_dir(folder.preflight(index)).unwrap().count();
        assert_eq!(probed, 2);
        let outcome: serde_json::Value =
            serde_json::from_str(&read(folder.outcome(index))).unwrap();
        assert_eq!(outcome["outcome"]["outcome"], "completed");
        assert_eq!(outcome["exit_code"], 0);
    }
    let saved = RunState::load(&folder).unwrap();
    assert_eq!(saved, state);
    assert_eq!(saved.exit_code(), 0);
}

/// Every sbatch template shipped under `templates/`, recursively.
fn shipped_sbatch_templates() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![Path::new(ROOT).join("templates")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "sbatch") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_shipped_sbatch_template_runs_a_job_on_the_cluster() {
    if !cluster_up("every_shipped_sbatch_template_runs_a_job_on_the_cluster") {
        return;
    }
    let templates = shipped_sbatch_templates();
    assert!(templates.len() >= 2, "{templates:?}");
    let cwd = std::env::current_dir().unwrap();
    for template in templates {
        let mut req = request("every-template", 2, 1, workload(0, 0));
        req.template = Some(template.clone());
        // A plan with a container (NeMo's template refuses one without); the cluster has no
        // pyxis, so the templates' test hook runs the workload on the host from `cwd`.
        req.container = Some(Container {
            image: "nvcr.io/nvidia/nemo@sha256:0000000000000000000000000000000000000000000000000000000000000000".into(),
            mounts: Vec::new(),
            workdir: None,
        });
        req.env = vec![("REPRO_TEST_HOST_WORKDIR".into(), cwd.display().to_string())];
        let (dir, folder, mut state) = submit(&req);
        let (end, finished) = track(&folder, &mut state, OnInterrupt::Leave, &CancelFlag::new());
        let job_out: String = std::fs::read_dir(dir.path().join("run"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "out"))
            .map(read)
            .collect();
        let shown = format!("{}: {finished:?}\n{job_out}", template.display());
        assert_eq!(end, TrackEnd::Finished, "{shown}");
        assert_eq!(finished, vec![(0, SlurmOutcome::Completed)], "{shown}");
        assert!(
            job_out.contains("REPRO_TEST_HOST_WORKDIR is set"),
            "{shown}"
        );
        // Both nodes ran the preflight, and all four ranks the workload.
        assert_eq!(
            std::fs::read_dir(folder.preflight(0)).unwrap().count(),
            2,
            "{shown}"
        );
        for rank in 0..4 {
            let log = read(folder.rank_log(0, rank));
            assert!(log.contains(&format!("\"rank\": {rank}")), "{shown}\n{log}");
        }
    }
}

#[test]
fn workload_exiting_3_is_a_failed_run_with_its_code() {
    if !cluster_up("workload_exiting_3_is_a_failed_run_with_its_code") {
        return;
    }
    let (_dir, folder, mut state) = submit(&request("exit3", 2, 1, workload(3, 0)));
    let (_, finished) = track(&folder, &mut state, OnInterrupt::Leave, &CancelFlag::new());
    let outcome = &finished[0].1;
    assert_eq!(
        *outcome,
        SlurmOutcome::Failed {
            exit_code: 3,
            signal: 0
        }
    );
    assert_eq!(
        outcome.describe(),
        "failed: the workload exited with code 3"
    );
    assert_eq!(state.exit_code(), slurm::EXIT_EXECUTION);
}

#[test]
fn job_past_its_time_limit_times_out() {
    if !cluster_up("job_past_its_time_limit_times_out") {
        return;
    }
    let mut req = request("timeout", 1, 1, workload(0, 600));
    req.time_minutes = Some(1);
    let (_dir, folder, mut state) = submit(&req);
    let (_, finished) = track(&folder, &mut state, OnInterrupt::Leave, &CancelFlag::new());
    assert_eq!(finished[0].1, SlurmOutcome::TimedOut);
    assert!(finished[0].1.describe().starts_with("timed out"));
}

#[test]
fn interrupt_with_cancel_on_exit_cancels_the_jobs() {
    if !cluster_up("interrupt_with_cancel_on_exit_cancels_the_jobs") {
        return;
    }
    let (_dir, folder, mut state) = submit(&request("cancel", 1, 2, workload(0, 600)));
    let cancel = CancelFlag::new();
    let flag = cancel.clone();
    let interrupter = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(2));
        flag.cancel();
    });
    let (end, finished) = track(&folder, &mut state, OnInterrupt::Cancel, &cancel);
    interrupter.join().unwrap();
    assert_eq!(end, TrackEnd::Finished);
    assert_eq!(finished.len(), 2);
    assert!(
        finished.iter().all(|(_, o)| *o == SlurmOutcome::Cancelled),
        "{finished:?}"
    );
}

#[test]
fn interrupt_without_terminal_leaves_jobs_running() {
    if !cluster_up("interrupt_without_terminal_leaves_jobs_running") {
        return;
    }
    let (_dir, folder, mut state) = submit(&request("leave", 1, 1, workload(0, 600)));
    let cancel = CancelFlag::new();
    cancel.cancel();
    let (end, finished) = track(&folder, &mut state, OnInterrupt::Leave, &cancel);
    assert_eq!(end, TrackEnd::Detached);
    assert!(finished.is_empty());
    let report = StatusReport::read(&folder, &SystemSlurm::default()).unwrap();
    assert!(
        ["pending", "running"].contains(&report.rows[0].status.as_str()),
        "{report}"
    );
    SystemSlurm::default().scancel_all(&state);
}

/// Builds the reference workload (`smoke-sgd`) once and returns its path.
fn smoke_sgd() -> &'static Path {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = Command::new(cargo)
            .args(["build", "-q", "-p", "repro-workloads", "--bin", "smoke-sgd"])
            .status()
            .unwrap();
        assert!(status.success());
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map_or(Path::new(ROOT).join("target"), PathBuf::from);
        target.join("debug/smoke-sgd")
    })
}

/// `workloads/smoke-local.plan.json` on 2 nodes x 2 ranks (data-parallel over TCP through
/// `MASTER_ADDR`/`MASTER_PORT`) with `launch slurm` settings.
fn smoke_plan(runs: u32) -> RunPlan {
    let mut plan: serde_json::Value = serde_json::from_str(&read(
        Path::new(ROOT).join("workloads/smoke-local.plan.json"),
    ))
    .unwrap();
    plan["name"] = json!("smoke-slurm");
    plan["runs"] = json!(runs);
    plan["time_limit_s"] = json!(300);
    plan["rules"] = json!(format!("{ROOT}/specs/rules/smoke-local.run"));
    plan["launch"]["nodes"] = json!(2);
    plan["launch"]["ranks_per_node"] = json!(2);
    plan["launch"]["values"]["command"] = json!(smoke_sgd().display().to_string());
    plan["launch"]["values"]["partition"] = json!("debug");
    serde_json::from_value(plan).unwrap()
}

fn options(on_interrupt: OnInterrupt) -> SlurmOptions {
    SlurmOptions {
        poll: Duration::from_millis(200),
        on_interrupt,
    }
}

/// The reference workload through the whole Slurm session: submitted, preflighted on both
/// nodes, each run scored by the MLPerf engine as it finishes, the result stored.
#[test]
fn smoke_plan_session_scores_and_stores() {
    if !cluster_up("smoke_plan_session_scores_and_stores") {
        return;
    }
    let plan = smoke_plan(3);
    let scorer = MlperfScorer::for_plan(&plan).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = ResultStore::new(dir.path().join("results"));
    let folder = RunFolder::new(dir.path().join("run"));
    let mut events = Vec::new();
    let end = slurm::run_session(
        &plan,
        &scorer,
        &store,
        &folder,
        Path::new(REPRO),
        &SystemSlurm::default(),
        options(OnInterrupt::Leave),
        &CancelFlag::new(),
        &mut |e| events.push(e),
    )
    .unwrap();
    let SlurmEnd::Stored(stored) = end else {
        panic!("expected a stored result")
    };
    let record = &stored.record;
    assert_eq!(record.executor, "slurm");
    assert_eq!(record.runs.len(), 3);
    for run in &record.runs {
        let metrics = run.metrics.as_ref().expect("every run scored");
        assert!(metrics.converged, "{metrics:?}");
        assert_eq!(run.logs.len(), 4, "one log per rank");
    }
    assert_eq!(record.verdict, RunVerdict::Pass, "{record:?}");
    assert!(record.score_s.is_some());
    assert!(record.reproducible);
    let finished = events
        .iter()
        .filter(|e| matches!(e, Event::RunFinished { .. }))
        .count();
    assert_eq!(finished, 3);
    assert!(matches!(events.last(), Some(Event::ResultStored { .. })));
}

/// The runner dies (SIGKILL) while its jobs run; the jobs go on; `repro status` shows them
/// and `repro collect` scores and stores them as the runner would have.
#[test]
fn runner_killed_mid_run_then_collect() {
    if !cluster_up("runner_killed_mid_run_then_collect") {
        return;
    }
    let mut plan = smoke_plan(2);
    // A slower workload so that the runner is killed while the runs are still going.
    plan.launch.values.insert("command".into(), json!("bash"));
    let script = format!("sleep 3; exec {} \"$@\"", smoke_sgd().display());
    let mut args = vec![json!("-c"), json!(script), json!("smoke")];
    args.extend(
        plan.launch.values["args"]
            .as_array()
            .unwrap()
            .iter()
            .cloned(),
    );
    plan.launch.values.insert("args".into(), json!(args));
    let scorer = MlperfScorer::for_plan(&plan).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let results = dir.path().join("results");
    let store = ResultStore::new(&results);
    let folder = RunFolder::new(dir.path().join("run"));
    // An interrupted runner without a terminal leaves the jobs running.
    let cancel = CancelFlag::new();
    cancel.cancel();
    let end = slurm::run_session(
        &plan,
        &scorer,
        &store,
        &folder,
        Path::new(REPRO),
        &SystemSlurm::default(),
        options(OnInterrupt::Leave),
        &cancel,
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(end, SlurmEnd::Detached);

    let root = folder.root.to_str().unwrap();
    let store_arg = results.to_str().unwrap();
    let mut runner = Command::new(REPRO)
        .args(["collect", root, "--store", store_arg, "--poll", "0.2"])
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    runner.kill().unwrap();
    runner.wait().unwrap();
    assert_eq!(
        RunState::load(&folder).unwrap().unfinished(),
        2,
        "the jobs outlived the runner"
    );

    let status = Command::new(REPRO).args(["status", root]).output().unwrap();
    let text = String::from_utf8_lossy(&status.stdout);
    assert!(status.status.success(), "{status:?}");
    let state = RunState::load(&folder).unwrap();
    assert!(
        text.contains(&format!("Slurm array job {}", state.job_id)),
        "{text}"
    );
    assert!(
        text.contains("running") || text.contains("pending"),
        "{text}"
    );

    let collect = Command::new(REPRO)
        .args(["collect", root, "--store", store_arg, "--poll", "0.2"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&collect.stdout);
    assert_eq!(
        collect.status.code(),
        Some(0),
        "{text}{}",
        String::from_utf8_lossy(&collect.stderr)
    );
    assert!(
        text.contains("run 0 (") && text.contains("): completed"),
        "{text}"
    );
    assert!(text.contains("verdict: pass"), "{text}");
    let stored = store.latest("smoke-slurm", None).unwrap();
    assert_eq!(stored.record.runs.len(), 2);
    assert!(stored
        .record
        .runs
        .iter()
        .all(|r| r.metrics.as_ref().is_some_and(|m| m.converged)));

    // Collect is idempotent: a second one stores nothing new and names the same result.
    let again = Command::new(REPRO)
        .args(["collect", root, "--store", store_arg])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&again.stdout);
    assert!(text.contains(&format!("result {}", stored.id)), "{text}");
    assert_eq!(store.list("smoke-slurm").unwrap().len(), 1);
    let status = Command::new(REPRO).args(["status", root]).output().unwrap();
    assert!(String::from_utf8_lossy(&status.stdout).contains("completed"));
}

/// Ctrl-C on a runner without a terminal leaves the jobs running and says how to follow them.
#[test]
fn ctrl_c_without_terminal_leaves_jobs_and_says_so() {
    if !cluster_up("ctrl_c_without_terminal_leaves_jobs_and_says_so") {
        return;
    }
    let mut plan = smoke_plan(1);
    plan.launch.values.insert("command".into(), json!("sleep"));
    plan.launch.values.insert("args".into(), json!(["600"]));
    let scorer = MlperfScorer::for_plan(&plan).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = ResultStore::new(dir.path().join("results"));
    let folder = RunFolder::new(dir.path().join("run"));
    let cancel = CancelFlag::new();
    cancel.cancel();
    let end = slurm::run_session(
        &plan,
        &scorer,
        &store,
        &folder,
        Path::new(REPRO),
        &SystemSlurm::default(),
        options(OnInterrupt::Leave),
        &cancel,
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(end, SlurmEnd::Detached);
    let root = folder.root.to_str().unwrap();
    let runner = Command::new(REPRO)
        .args(["collect", root, "--poll", "0.2"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(800));
    // SAFETY: sending a signal to a child process this test started and still owns.
    unsafe { libc::kill(runner.id() as i32, libc::SIGINT) };
    let out = runner.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    let state = RunState::load(&folder).unwrap();
    assert!(
        stderr.contains(&format!(
            "left 1 Slurm job(s) of array job {} running",
            state.job_id
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "help: `repro status {root}` shows where they stand"
        )),
        "{stderr}"
    );
    let report = StatusReport::read(&folder, &SystemSlurm::default()).unwrap();
    assert!(
        ["pending", "running"].contains(&report.rows[0].status.as_str()),
        "{report}"
    );
    SystemSlurm::default().scancel_all(&state);
}

/// sbatch reads the quoted `#SBATCH` values back verbatim: a job name with spaces, quotes
/// and `$(...)` arrives as the same string, and nothing is executed.
#[test]
fn hostile_values_reach_slurm_verbatim_and_hostile_names_nothing() {
    if !cluster_up("hostile_values_reach_slurm_verbatim_and_hostile_names_nothing") {
        return;
    }
    // A plan name is a job name, a comment and a folder: outside the name grammar it is
    // refused before anything is created or submitted.
    let dir = tempfile::tempdir().unwrap();
    let folder = RunFolder::new(dir.path().join("run"));
    let name = "gpt3 it's $(touch /tmp/repro-pwned-slurm) `id`";
    let err = slurm::submit(
        &request(name, 1, 1, workload(0, 0)),
        &folder,
        Path::new(REPRO),
        &SystemSlurm::default(),
    )
    .unwrap_err();
    assert!(
        matches!(&err, SlurmError::Request { field, .. } if field == "plan"),
        "{err}"
    );
    assert!(
        !folder.root.exists(),
        "a folder was created for a refused name"
    );
    // A hostile value where values belong reaches the workload as one inert word.
    let value = "it's $(touch /tmp/repro-pwned-slurm) `id`";
    let print = vec![
        "bash".to_string(),
        "-c".to_string(),
        "printf 'note=%s\\n' \"$NOTE\"".to_string(),
    ];
    let mut req = request("hostile", 1, 1, print);
    req.ranks_per_node = 1;
    req.env = vec![("NOTE".into(), value.into())];
    let (_dir, folder, mut state) = submit(&req);
    let (_, finished) = track(&folder, &mut state, OnInterrupt::Leave, &CancelFlag::new());
    assert_eq!(finished[0].1, SlurmOutcome::Completed);
    let log = read(folder.rank_log(0, 0));
    assert!(log.contains(&format!("note={value}\n")), "{log}");
    assert!(!Path::new("/tmp/repro-pwned-slurm").exists());
}

fn h100_record(driver: &str) -> EnvRecord {
    let mut record = probe::probe_live();
    record.gpu.devices = vec![
        Gpu {
            name: "NVIDIA H100 80GB HBM3".into(),
            memory_bytes: 85_029_158_912,
            compute_capability: "9.0".into()
        };
        2
    ];
    record.gpu.driver_version = Some(driver.into());
    record.gpu.note = None;
    record
}

#[test]
fn drift_on_one_node_stops_the_job_before_the_workload() {
    if !cluster_up("drift_on_one_node_stops_the_job_before_the_workload") {
        return;
    }
    let records = tempfile::tempdir().unwrap();
    for node in ["n1", "n2", "n3", "n4"] {
        let driver = if node == "n2" {
            "550.90.07"
        } else {
            "560.35.03"
        };
        let json = serde_json::to_string(&h100_record(driver)).unwrap();
        std::fs::write(records.path().join(format!("{node}.json")), json).unwrap();
    }
    let mut req = request("drift", 4, 1, workload(0, 0));
    req.gpus_per_node = 1;
    req.ranks_per_node = 1;
    req.pins = Pins {
        gpu: Some("NVIDIA H100-SXM5-80GB".into()),
        gpus_per_node: 2,
        driver: Some("560.35.03".into()),
        ..Pins::default()
    };
    req.env = vec![(
        slurm::preflight::OVERRIDE_DIR_VAR.into(),
        records.path().display().to_string(),
    )];
    let (_dir, folder, mut state) = submit(&req);
    let (_, finished) = track(&folder, &mut state, OnInterrupt::Leave, &CancelFlag::new());
    let SlurmOutcome::Drift { nodes } = &finished[0].1 else {
        panic!("expected drift, got {:?}", finished[0].1);
    };
    assert_eq!(nodes.len(), 1);
    assert_eq!(nodes[0].node, "n2");
    assert_eq!(nodes[0].drift[0].field, "driver");
    assert_eq!(
        finished[0].1.describe(),
        "drift, workload not started: node `n2`: `driver` pinned `560.35.03`, found `550.90.07`"
    );
    assert_eq!(finished[0].1.exit_code(), slurm::EXIT_DRIFT);
    assert!(
        !folder.rank_log(0, 0).exists(),
        "the workload must not have started"
    );
}

/// Every node runs the GPU health checks after identity, in the same preflight step; a
/// refused check stops the job before the workload and the node keeps its figures.
#[test]
fn unhealthy_gpus_stop_the_job_on_every_node() {
    if !cluster_up("unhealthy_gpus_stop_the_job_on_every_node") {
        return;
    }
    let records = tempfile::tempdir().unwrap();
    for node in ["n1", "n2", "n3", "n4"] {
        let json = serde_json::to_string(&h100_record("560.35.03")).unwrap();
        std::fs::write(records.path().join(format!("{node}.json")), json).unwrap();
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut health: serde_json::Value = serde_json::from_slice(
        &std::fs::read(root.join("runner/tests/fixtures/health/h200-healthy.json")).unwrap(),
    )
    .unwrap();
    health["gpus"][0]["name"] = json!("NVIDIA H100 80GB HBM3");
    health["gpus"][0]["bandwidth"]["d2d_gbps"] = json!(2950.0);
    health["gpus"][0]["ecc_uncorrectable_dram"] = json!(1);
    let health_path = records.path().join("health.json");
    std::fs::write(&health_path, health.to_string()).unwrap();
    let mut req = request("health", 2, 1, workload(0, 0));
    req.gpus_per_node = 1;
    req.ranks_per_node = 1;
    req.pins = Pins {
        gpu: Some("NVIDIA H100-SXM5-80GB".into()),
        driver: Some("560.35.03".into()),
        health: Some(repro_compiler::HealthPolicy::default()),
        ..Pins::default()
    };
    req.env = vec![
        (
            slurm::preflight::OVERRIDE_DIR_VAR.into(),
            records.path().display().to_string(),
        ),
        (
            repro_runner::health::OVERRIDE_VAR.into(),
            health_path.display().to_string(),
        ),
        (
            repro_runner::health::ENVELOPES_VAR.into(),
            root.join("envelopes").display().to_string(),
        ),
    ];
    let (_dir, folder, mut state) = submit(&req);
    let (_, finished) = track(&folder, &mut state, OnInterrupt::Leave, &CancelFlag::new());
    let SlurmOutcome::Drift { nodes } = &finished[0].1 else {
        panic!("expected drift, got {:?}", finished[0].1);
    };
    assert_eq!(nodes.len(), 2, "both nodes of the job refuse");
    for node in nodes {
        assert_eq!(node.drift.len(), 1, "{node:?}");
        assert_eq!(node.drift[0].field, "health gpu 0 `ecc_dram`");
        assert_eq!(node.drift[0].found, "1 uncorrectable");
    }
    let kept = slurm::preflight::read_health(&folder.preflight(0)).unwrap();
    assert_eq!(kept.len(), 2, "each node keeps its figures");
    assert_eq!(
        kept[0].envelope.as_deref(),
        Some(
            root.join("envelopes/nvidia-h100-sxm.toml")
                .to_str()
                .unwrap()
        )
    );
    assert_eq!(finished[0].1.exit_code(), slurm::EXIT_DRIFT);
    assert!(
        !folder.rank_log(0, 0).exists(),
        "the workload must not have started"
    );
}

#[test]
fn missing_sbatch_suggests_dry_run_or_local() {
    let err = SlurmError::NoSbatch.to_string();
    assert!(
        err.contains("`--dry-run`") && err.contains("`--executor local`"),
        "{err}"
    );
}

/// Bench: 200 queued runs cost one `squeue` call per poll.
#[test]
#[ignore]
fn bench_tracking_200_queued_jobs() {
    if !cluster_up("bench_tracking_200_queued_jobs") {
        return;
    }
    // 4-node runs of 10 minutes: one runs, 199 wait in the queue.
    let (_dir, folder, mut state) = submit(&request("bench-queue", 4, 200, workload(0, 600)));
    let cli = SystemSlurm::default();
    let tracker = Tracker {
        cli: &cli,
        poll: Duration::from_millis(500),
        on_interrupt: OnInterrupt::Leave,
    };
    let polls = 10;
    let start = Instant::now();
    for _ in 0..polls {
        tracker
            .poll_once(&folder, &mut state, &mut |_| {}, &mut |_, _| Ok(()))
            .unwrap();
    }
    let per_poll = start.elapsed() / polls;
    let queued = state.runs.iter().filter(|r| r.outcome.is_none()).count();
    println!("bench: {queued} queued runs, {polls} polls -> {} squeue calls, {} scontrol calls, {per_poll:?} per poll",
        cli.squeue_calls(), cli.show_job_calls.load(std::sync::atomic::Ordering::Relaxed));
    assert_eq!(cli.squeue_calls(), polls);
    cli.scancel_all(&state);
}

/// `SystemSlurm` that notes when `sbatch` returned, to time "run to sbatch returning".
#[derive(Default)]
struct TimedSlurm {
    inner: SystemSlurm,
    returned: std::cell::Cell<Option<Instant>>,
    /// When the script closure started and ended (inside sbatch's start-up).
    rendered: std::cell::Cell<Option<(Instant, Instant)>>,
}

impl SlurmCli for TimedSlurm {
    fn sbatch(&self, script: slurm::ScriptFn<'_>) -> Result<String, SlurmError> {
        let mut timed = || {
            let start = Instant::now();
            let text = script();
            self.rendered.set(Some((start, Instant::now())));
            text
        };
        let id = self.inner.sbatch(&mut timed);
        self.returned.set(Some(Instant::now()));
        id
    }
    fn squeue(&self, ids: &[String]) -> Result<String, SlurmError> {
        self.inner.squeue(ids)
    }
    fn show_job(&self, id: &str) -> Result<String, SlurmError> {
        self.inner.show_job(id)
    }
    fn scancel(&self, ids: &[String]) -> Result<(), SlurmError> {
        self.inner.scancel(ids)
    }
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// Bench: time from `submit` (render, write, sbatch) to sbatch returning, against a bare
/// `sbatch --parsable FILE` of the same script; also the whole `submit` including the
/// atomic state writes after sbatch. Jobs are held (`SBATCH_HOLD`) and then cancelled.
#[test]
#[ignore]
fn bench_submit_overhead() {
    if !cluster_up("bench_submit_overhead") {
        return;
    }
    std::env::set_var("SBATCH_HOLD", "1");
    let n = 101;
    let req = request("bench-submit", 1, 1, workload(0, 0));
    let (mut before, mut render) = (Vec::new(), Vec::new());
    let (mut to_sbatch, mut whole, mut bare, mut ids) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let dir = tempfile::tempdir().unwrap();
    for i in 0..n {
        let folder = RunFolder::new(dir.path().join(format!("run{i}")));
        let cli = TimedSlurm::default();
        let start = Instant::now();
        let state = slurm::submit(&req, &folder, Path::new(REPRO), &cli).unwrap();
        whole.push(start.elapsed());
        to_sbatch.push(cli.returned.get().unwrap() - start);
        let (render_start, render_end) = cli.rendered.get().unwrap();
        before.push(render_start - start);
        render.push(render_end - render_start);
        ids.push(state.job_id.clone());
        let start = Instant::now();
        let out = Command::new("sbatch")
            .arg("--parsable")
            .arg(folder.script())
            .current_dir(&folder.root)
            .output()
            .unwrap();
        bare.push(start.elapsed());
        ids.push(String::from_utf8_lossy(&out.stdout).trim().to_string());
    }
    let min = |times: &[Duration]| *times.iter().min().unwrap();
    let ratio_min = min(&to_sbatch).as_secs_f64() / min(&bare).as_secs_f64();
    println!(
        "bench: {n} submissions, min: run to sbatch returning {:?}, bare sbatch {:?}, ratio {ratio_min:.3}",
        min(&to_sbatch),
        min(&bare)
    );
    println!(
        "bench: medians: spawn of sbatch {:?}, folder + render {:?} (overlapping sbatch start-up)",
        median(before),
        median(render)
    );
    let (to_sbatch, whole, bare) = (median(to_sbatch), median(whole), median(bare));
    let ratio = to_sbatch.as_secs_f64() / bare.as_secs_f64();
    println!("bench: {n} submissions, medians: run to sbatch returning {to_sbatch:?}, whole submit {whole:?}, bare sbatch {bare:?}, ratio {ratio:.3}");
    Command::new("scancel").args(&ids).status().unwrap();
    assert!(ratio < 1.2, "submit overhead ratio {ratio:.3}");
}

trait ScancelAll {
    fn scancel_all(&self, state: &RunState);
}

impl ScancelAll for SystemSlurm {
    fn scancel_all(&self, state: &RunState) {
        self.scancel(std::slice::from_ref(&state.job_id)).unwrap();
    }
}
