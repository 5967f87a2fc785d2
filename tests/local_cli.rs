//! `repro run / probe / diff / baseline` end to end through the binary, with the fake
//! executor (`REPRO_FAKE_EXECUTOR`) and a recorded probe (`REPRO_PROBE_OVERRIDE`), so every
//! number is exact: scripted MLPerf logs with fixed timestamps go through the real parser,
//! compliance engine (`specs/rules/smoke-local.run`), olympic scoring, store and diff.

use std::path::PathBuf;
use std::process::Output;

use serde_json::{json, Value};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// A scratch directory holding a plan, a fake executor script, the store and run dirs.
struct Case {
    dir: tempfile::TempDir,
}

impl Case {
    fn new() -> Case {
        Case {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes the plan (`smoke`, 3 runs unless changed by `edit`).
    fn plan(&self, edit: impl FnOnce(&mut Value)) -> &Case {
        let mut plan = json!({
            "name": "smoke",
            "plan_hash": "p1",
            "lock_hash": "l1",
            "hardware": {"device": "cpu"},
            "software": {"workload": "smoke-sgd 0.1.0"},
            "launch": {"template": format!("{ROOT}/templates/local.sh"), "nodes": 1, "ranks_per_node": 1,
                       "values": {"command": "true", "args": [], "env": {}}},
            "ruleset": "smoke-local",
            "rules": format!("{ROOT}/specs/rules/smoke-local.run"),
            "dropped_allowed": 1,
            "runs": 3,
            "seed": 1,
            "time_limit_s": 60,
            "tolerance": 0.05,
        });
        edit(&mut plan);
        std::fs::write(self.path("plan.json"), plan.to_string()).unwrap();
        self
    }

    /// Scripts the fake executor: one (time to train in seconds, converged) per run.
    fn runs(&self, runs: &[(f64, bool)]) -> &Case {
        let fake: Vec<Value> = runs
            .iter()
            .enumerate()
            .map(|(i, &(ttt, ok))| json!({"status": {"kind": "succeeded"}, "elapsed_s": ttt + 1.0, "log": smoke_log(i as u64 + 1, ttt, ok)}))
            .collect();
        std::fs::write(self.path("fake.json"), Value::Array(fake).to_string()).unwrap();
        self
    }

    fn repro(&self, args: &[&str]) -> Output {
        std::process::Command::new(env!("CARGO_BIN_EXE_repro"))
            .args(args)
            .current_dir(self.dir.path())
            .env("REPRO_FAKE_EXECUTOR", self.path("fake.json"))
            .env(
                "REPRO_PROBE_OVERRIDE",
                format!("{ROOT}/runner/tests/fixtures/probe/no-gpu.json"),
            )
            .output()
            .unwrap()
    }

    fn run(&self, extra: &[&str]) -> Output {
        let mut args = vec!["run", "plan.json"];
        args.extend(extra);
        self.repro(&args)
    }

    /// Ids of the stored results, oldest first.
    fn ids(&self) -> Vec<String> {
        let Ok(dir) = std::fs::read_dir(self.path("results/smoke")) else {
            return Vec::new();
        };
        let mut records: Vec<(u64, String)> = dir
            .map(|e| e.unwrap().path())
            .map(|p| {
                let v: Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
                (
                    v["created_unix_ms"].as_u64().unwrap(),
                    p.file_stem().unwrap().to_string_lossy().into_owned(),
                )
            })
            .collect();
        records.sort();
        records.into_iter().map(|(_, id)| id).collect()
    }

    /// Output with ids, the scratch path and run timestamps replaced by stable names.
    fn redact(&self, text: &[u8]) -> String {
        let mut text = String::from_utf8_lossy(text).into_owned();
        for (n, id) in self.ids().iter().enumerate() {
            text = text
                .replace(id.as_str(), &format!("<id{n}>"))
                .replace(&id[..12], &format!("<id{n}>"));
        }
        text.replace(&self.dir.path().display().to_string(), "<dir>")
            .replace(ROOT, "<root>")
    }
}

/// stderr from the `error:` line on (progress lines before it name run directories).
fn error_part(stderr: &str) -> String {
    stderr[stderr.find("error:").expect("an error is printed")..].to_string()
}

fn code(out: &Output) -> i32 {
    out.status.code().unwrap()
}

/// A complete `smoke_sgd` MLPerf log: run_start at t0, run_stop `ttt` seconds later.
fn smoke_log(seed: u64, ttt: f64, converged: bool) -> String {
    let t0 = 1_700_000_000_000u64;
    let stop = t0 + 5000 + (ttt * 1000.0) as u64;
    let accuracy = if converged { 0.905 } else { 0.85 };
    let status = if converged { "success" } else { "aborted" };
    let lines = [
        (t0, "POINT_IN_TIME", "cache_clear", json!(true), json!({})),
        (t0, "INTERVAL_START", "init_start", Value::Null, json!({})),
        (
            t0,
            "POINT_IN_TIME",
            "submission_org",
            json!("repro"),
            json!({}),
        ),
        (
            t0,
            "POINT_IN_TIME",
            "submission_platform",
            json!("local-cpu"),
            json!({}),
        ),
        (
            t0,
            "POINT_IN_TIME",
            "submission_division",
            json!("open"),
            json!({}),
        ),
        (
            t0,
            "POINT_IN_TIME",
            "submission_status",
            json!("research"),
            json!({}),
        ),
        (
            t0,
            "POINT_IN_TIME",
            "submission_benchmark",
            json!("smoke_sgd"),
            json!({}),
        ),
        (t0, "POINT_IN_TIME", "seed", json!(seed), json!({})),
        (
            t0,
            "POINT_IN_TIME",
            "global_batch_size",
            json!(128),
            json!({}),
        ),
        (
            t0,
            "POINT_IN_TIME",
            "train_samples",
            json!(16384),
            json!({}),
        ),
        (t0, "POINT_IN_TIME", "eval_samples", json!(4096), json!({})),
        (
            t0,
            "POINT_IN_TIME",
            "gradient_accumulation_steps",
            json!(1),
            json!({}),
        ),
        (t0, "POINT_IN_TIME", "opt_name", json!("sgd"), json!({})),
        (
            t0,
            "POINT_IN_TIME",
            "opt_base_learning_rate",
            json!(0.002),
            json!({}),
        ),
        (
            t0,
            "POINT_IN_TIME",
            "opt_weight_decay",
            json!(0.0),
            json!({}),
        ),
        (
            t0 + 4000,
            "INTERVAL_END",
            "init_stop",
            Value::Null,
            json!({}),
        ),
        (
            t0 + 5000,
            "INTERVAL_START",
            "run_start",
            Value::Null,
            json!({}),
        ),
        (
            t0 + 5000,
            "INTERVAL_START",
            "block_start",
            Value::Null,
            json!({"first_epoch_num": 1, "epoch_count": 1}),
        ),
        (
            t0 + 5000,
            "INTERVAL_START",
            "epoch_start",
            Value::Null,
            json!({"epoch_num": 1}),
        ),
        (
            stop - 10,
            "INTERVAL_END",
            "epoch_stop",
            Value::Null,
            json!({"epoch_num": 1}),
        ),
        (
            stop - 10,
            "INTERVAL_START",
            "eval_start",
            Value::Null,
            json!({"epoch_num": 1}),
        ),
        (
            stop - 5,
            "POINT_IN_TIME",
            "eval_accuracy",
            json!(accuracy),
            json!({"epoch_num": 4}),
        ),
        (
            stop - 5,
            "INTERVAL_END",
            "eval_stop",
            Value::Null,
            json!({"epoch_num": 1}),
        ),
        (
            stop - 5,
            "INTERVAL_END",
            "block_stop",
            Value::Null,
            json!({"first_epoch_num": 1}),
        ),
        (
            stop,
            "INTERVAL_END",
            "run_stop",
            Value::Null,
            json!({"status": status, "epoch_num": 4}),
        ),
    ];
    lines
        .iter()
        .map(|(t, ty, key, value, meta)| {
            let line = json!({"namespace": "", "time_ms": t, "event_type": ty, "key": key, "value": value, "metadata": meta});
            format!(":::MLLOG {line}\n")
        })
        .collect()
}

#[test]
fn converged_runs_pass_with_the_olympic_score() {
    let case = Case::new();
    case.plan(|_| {})
        .runs(&[(60.0, true), (61.5, true), (65.0, true)]);
    let out = case.run(&[]);
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
    insta::assert_snapshot!(case.redact(&out.stdout));
    let stderr = case.redact(&out.stderr);
    assert!(
        stderr.contains("running `smoke`: 3 run(s) on the fake executor"),
        "{stderr}"
    );
    // raw MLLOG lines are echoed only with --verbose
    assert!(!stderr.contains(":::MLLOG"), "{stderr}");
    let verbose = case.run(&["--verbose"]);
    assert!(case
        .redact(&verbose.stderr)
        .contains("[run 0 rank 0] :::MLLOG"));
}

#[test]
fn json_report_holds_the_whole_record() {
    let case = Case::new();
    case.plan(|_| {})
        .runs(&[(60.0, true), (61.5, true), (65.0, true)]);
    let out = case.run(&["--format", "json"]);
    assert_eq!(code(&out), 0);
    assert!(out.stderr.is_empty(), "json mode prints no progress");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let record = &report["result"];
    assert_eq!(record["score_s"], json!(61.5));
    assert_eq!(record["verdict"], "pass");
    assert_eq!(record["reproducible"], true);
    assert_eq!(record["runs"][1]["seed"], 2);
    assert_eq!(
        record["runs"][1]["metrics"]["samples_to_converge"],
        json!(65536.0)
    );
    assert_eq!(record["environment"]["cpu"]["model"], "AMD EPYC 7B13");
    let log = case.path(&format!(
        "runs/smoke/{}",
        record["runs"][0]["logs"][0]["path"].as_str().unwrap()
    ));
    let sha = sha256_hex(&std::fs::read(log).unwrap());
    assert_eq!(record["runs"][0]["logs"][0]["sha256"], json!(sha));
    assert_eq!(report["id"], json!(case.ids()[0]));
}

fn sha256_hex(bytes: &[u8]) -> String {
    let out = std::process::Command::new("sha256sum")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(bytes)?;
            child.wait_with_output()
        })
        .unwrap();
    String::from_utf8(out.stdout).unwrap()[..64].to_string()
}

#[test]
fn two_non_converged_runs_fail_the_verdict() {
    let case = Case::new();
    case.plan(|_| {})
        .runs(&[(60.0, true), (61.0, false), (62.0, false)]);
    let out = case.run(&[]);
    assert_eq!(code(&out), 1);
    insta::assert_snapshot!(case.redact(&out.stdout));
}

#[test]
fn drift_refuses_with_a_table_and_exit_3() {
    let case = Case::new();
    case.plan(|p| p["pins"] = json!({"gpu": "NVIDIA H100-SXM5-80GB", "gpus_per_node": 8}))
        .runs(&[(60.0, true)]);
    let out = case.run(&[]);
    assert_eq!(code(&out), 3);
    insta::assert_snapshot!(error_part(&case.redact(&out.stderr)));
    assert!(
        !case.path("results").exists(),
        "nothing is stored when the run is refused"
    );
}

#[test]
fn allowed_drift_runs_and_marks_the_result() {
    let case = Case::new();
    case.plan(|p| {
        p["pins"] = json!({"gpus_per_node": 8});
        p["runs"] = json!(1);
    })
    .runs(&[(60.0, true)]);
    let out = case.run(&["--allow-drift", "--format", "json"]);
    assert_eq!(code(&out), 0);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["result"]["reproducible"], false);
    assert_eq!(
        report["result"]["drift"],
        json!([{"field": "gpus_per_node", "pinned": "8", "found": "0"}])
    );
}

#[test]
fn compare_latest_gives_regressed_pass_and_improved() {
    let case = Case::new();
    case.plan(|_| {});
    case.runs(&[(60.0, true), (61.0, true), (62.0, true)]);
    assert_eq!(code(&case.run(&[])), 0);
    case.runs(&[(60.5, true), (61.0, true), (61.5, true)]);
    let same = case.run(&["--compare", "latest"]);
    assert_eq!(code(&same), 0, "{}", String::from_utf8_lossy(&same.stdout));
    case.runs(&[(80.0, true), (81.0, true), (82.0, true)]);
    let slower = case.run(&["--compare", "latest"]);
    assert_eq!(code(&slower), 1);
    insta::assert_snapshot!("regressed", case.redact(&slower.stdout));
    case.runs(&[(40.0, true), (41.0, true), (42.0, true)]);
    assert_eq!(code(&case.run(&["--compare", "latest"])), 0);
    let ids = case.ids();
    let diff = case.repro(&["diff", &ids[3], &ids[0], "--format", "json"]);
    assert_eq!(code(&diff), 0);
    let diff: Value = serde_json::from_slice(&diff.stdout).unwrap();
    assert_eq!(diff["verdict"], "improved");
}

#[test]
fn one_run_per_side_is_inconclusive() {
    let case = Case::new();
    case.plan(|p| p["runs"] = json!(1));
    case.runs(&[(60.0, true)]);
    assert_eq!(code(&case.run(&[])), 0);
    let out = case.run(&["--compare", "latest"]);
    assert_eq!(code(&out), 5);
}

#[test]
fn results_from_other_locks_are_refused_unless_asked() {
    let case = Case::new();
    case.plan(|_| {})
        .runs(&[(60.0, true), (61.0, true), (62.0, true)]);
    assert_eq!(code(&case.run(&[])), 0);
    case.plan(|p| p["software"]["nccl"] = json!("2.22.3"));
    let refused = case.run(&["--compare", "latest"]);
    assert_eq!(code(&refused), 2);
    insta::assert_snapshot!(error_part(&case.redact(&refused.stderr)));
    let first = case.ids()[0].clone();
    let across = case.run(&["--compare", &first, "--across-locks"]);
    assert_eq!(code(&across), 0);
    assert!(String::from_utf8_lossy(&across.stdout)
        .contains("lock differs: `software.nccl`: 2.22.3 (baseline (absent))"));
}

#[test]
fn baseline_accept_writes_the_record_and_diff_uses_it() {
    let case = Case::new();
    case.plan(|_| {})
        .runs(&[(60.0, true), (61.0, true), (62.0, true)]);
    assert_eq!(code(&case.run(&[])), 0);
    let first = case.ids()[0].clone();
    let accept = case.repro(&["baseline", "accept", &first[..8]]);
    assert_eq!(
        code(&accept),
        0,
        "{}",
        String::from_utf8_lossy(&accept.stderr)
    );
    let baseline = std::fs::read(case.path("baselines/smoke.json")).unwrap();
    let record = std::fs::read(case.path(&format!("results/smoke/{first}.json"))).unwrap();
    assert!(
        baseline == record,
        "the baseline holds the record's exact bytes"
    );
    case.runs(&[(90.0, true), (91.0, true), (92.0, true)]);
    let out = case.run(&["--compare", "baselines/smoke.json"]);
    assert_eq!(code(&out), 1);
    let second = case.ids()[1].clone();
    assert_eq!(
        code(&case.repro(&["diff", &second, "baselines/smoke.json"])),
        1
    );
    assert_eq!(
        code(&case.repro(&["diff", &second])),
        1,
        "default baseline: the prior result"
    );
}

/// `kill -9` of the runner leaves no rank behind: each rank has the parent-death signal.
#[test]
fn ranks_die_with_a_killed_runner() {
    let case = Case::new();
    case.plan(|plan| {
        plan["runs"] = json!(1);
        plan["launch"]["ranks_per_node"] = json!(2);
        plan["launch"]["values"]["command"] = json!("bash");
        plan["launch"]["values"]["args"] = json!([
            "-c",
            "echo $$ > \"$REPRO_RUN_DIR/pid-$RANK\"; exec sleep 300"
        ]);
    });
    let mut runner = std::process::Command::new(env!("CARGO_BIN_EXE_repro"))
        .args(["run", "plan.json"])
        .current_dir(case.dir.path())
        .env(
            "REPRO_PROBE_OVERRIDE",
            format!("{ROOT}/runner/tests/fixtures/probe/no-gpu.json"),
        )
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let pids = loop {
        let pids = rank_pids(&case.path("runs/smoke"));
        if pids.len() == 2 {
            break pids;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the ranks never started"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert!(
        pids.iter().all(|p| alive(*p)),
        "ranks not running: {pids:?}"
    );
    runner.kill().unwrap();
    runner.wait().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while pids.iter().any(|p| alive(*p)) && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let survivors: Vec<i32> = pids.into_iter().filter(|p| alive(*p)).collect();
    for p in &survivors {
        unsafe { libc::kill(*p, libc::SIGKILL) };
    }
    assert!(
        survivors.is_empty(),
        "ranks survived the runner: {survivors:?}"
    );
}

/// `kill -9` of the runner leaves nothing a rank started behind either: each rank forks a
/// child, which forks a grandchild, and then waits; all of them die with the runner (the
/// rank's supervisor kills the job's process group when the runner dies).
#[test]
fn what_ranks_start_dies_with_a_killed_runner() {
    let case = Case::new();
    case.plan(|plan| {
        plan["runs"] = json!(1);
        plan["launch"]["ranks_per_node"] = json!(2);
        plan["launch"]["values"]["command"] = json!("bash");
        plan["launch"]["values"]["args"] = json!([
            "-c",
            "d=\"$REPRO_RUN_DIR\"; \
             sleep 300 & echo $! > \"$d/pid-child-$RANK\"; \
             bash -c 'trap \"\" TERM HUP; sleep 300 & echo $! > \"$1\"; wait' _ \"$d/pid-grandchild-$RANK\" & \
             echo $! > \"$d/pid-shell-$RANK\"; \
             echo $$ > \"$d/pid-rank-$RANK\"; wait"
        ]);
    });
    let mut runner = std::process::Command::new(env!("CARGO_BIN_EXE_repro"))
        .args(["run", "plan.json"])
        .current_dir(case.dir.path())
        .env(
            "REPRO_PROBE_OVERRIDE",
            format!("{ROOT}/runner/tests/fixtures/probe/no-gpu.json"),
        )
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let pids = loop {
        let pids = rank_pids(&case.path("runs/smoke"));
        if pids.len() == 8 {
            break pids;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the ranks never started all their processes: {pids:?}"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert!(
        pids.iter().all(|p| alive(*p)),
        "processes not running: {pids:?}"
    );
    runner.kill().unwrap();
    runner.wait().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while pids.iter().any(|p| alive(*p)) && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let survivors: Vec<i32> = pids.into_iter().filter(|p| alive(*p)).collect();
    for p in &survivors {
        unsafe { libc::kill(*p, libc::SIGKILL) };
    }
    assert!(
        survivors.is_empty(),
        "descendants of ranks survived the runner: {survivors:?}"
    );
}

/// `runs/<plan>/<run-id>/pid-<rank>` files written by the ranks (complete lines only).
fn rank_pids(dir: &std::path::Path) -> Vec<i32> {
    let mut pids = Vec::new();
    for run in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        for f in std::fs::read_dir(run.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            let name = f.file_name().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(f.path()).unwrap_or_default();
            if name.starts_with("pid-") && text.ends_with('\n') {
                pids.push(text.trim().parse().unwrap());
            }
        }
    }
    pids
}

/// Running (not gone, not a zombie waiting for its reaper).
fn alive(pid: i32) -> bool {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    let state = stat.rsplit(')').next().unwrap_or("").trim_start();
    !state.starts_with('Z') && !state.starts_with('X')
}

#[test]
fn baseline_accept_refuses_a_plan_name_that_leaves_the_folder() {
    let case = Case::new();
    case.plan(|_| {})
        .runs(&[(60.0, true), (61.0, true), (62.0, true)]);
    assert_eq!(code(&case.run(&[])), 0);
    let first = case.ids()[0].clone();
    let record = case.path(&format!("results/smoke/{first}.json"));
    let mut value: Value = serde_json::from_slice(&std::fs::read(&record).unwrap()).unwrap();
    for plan in ["../../escape", "/tmp/x", "a/b", "x\ntouch pwned"] {
        value["plan"] = json!(plan);
        let edited = case.path("edited.json");
        std::fs::write(&edited, value.to_string()).unwrap();
        let out = case.repro(&["baseline", "accept", "edited.json"]);
        assert_eq!(
            code(&out),
            2,
            "{plan}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("invalid plan name"), "{stderr}");
        assert!(!case.path("escape.json").exists() && !case.path("../escape.json").exists());
        assert!(
            !case.path("baselines").exists(),
            "{plan}: something was written"
        );
    }
}

#[test]
fn bad_input_is_exit_2_with_file_and_position() {
    let case = Case::new();
    std::fs::write(case.path("plan.json"), "{\n  \"name\": 3\n}\n").unwrap();
    let out = case.run(&[]);
    assert_eq!(code(&out), 2);
    insta::assert_snapshot!(case.redact(&out.stderr));
    case.plan(|p| p["name"] = json!("../escape"))
        .runs(&[(60.0, true)]);
    let escape = case.run(&[]);
    assert_eq!(code(&escape), 2);
    assert!(!case.path("escape").exists() && !case.path("../escape").exists());
    let missing = case.repro(&["diff", "0123abc"]);
    assert_eq!(code(&missing), 2);
    insta::assert_snapshot!("diff_not_found", case.redact(&missing.stderr));
}

#[test]
fn probe_prints_the_record_as_json() {
    let case = Case::new();
    let out = case.repro(&["probe", "--format", "json"]);
    assert_eq!(code(&out), 0);
    let fixture =
        std::fs::read_to_string(format!("{ROOT}/runner/tests/fixtures/probe/no-gpu.json")).unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), fixture);
    let human = case.repro(&["probe"]);
    insta::assert_snapshot!(String::from_utf8(human.stdout).unwrap());
}

#[test]
fn live_probe_without_override_works() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_repro"))
        .args(["probe", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0);
    let record: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(record["cpu"]["cores"].as_u64().unwrap() >= 1);
}

#[test]
fn ctrl_c_stops_the_process_group_and_records_a_cancelled_run() {
    use std::io::BufRead;
    let case = Case::new();
    let pid_file = case.path("sleeper.pid");
    let script = format!(
        "sleep 30 & echo $! > {}; echo started; wait",
        pid_file.display()
    );
    case.plan(|p| {
        p["launch"]["values"]["command"] = json!("bash");
        p["launch"]["values"]["args"] = json!(["-c", script]);
    });
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_repro"))
        .args(["run", "plan.json", "--format", "human"])
        .current_dir(case.dir.path())
        .env(
            "REPRO_PROBE_OVERRIDE",
            format!("{ROOT}/runner/tests/fixtures/probe/no-gpu.json"),
        )
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap()).lines();
    for line in stderr.by_ref() {
        if line.unwrap().ends_with("] started") {
            break;
        }
    }
    // Keep reading: a closed pipe would end repro with SIGPIPE, not with the cancellation.
    let drain = std::thread::spawn(move || stderr.count());
    // SAFETY: signalling the child we spawned.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let out = child.wait_with_output().unwrap();
    drain.join().unwrap();
    assert_eq!(code(&out), 4, "cancelled is an execution outcome");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("cancelled") && stdout.contains("verdict: cancelled"),
        "{stdout}"
    );
    let pid = std::fs::read_to_string(&pid_file).unwrap();
    let stat = std::fs::read_to_string(format!("/proc/{}/stat", pid.trim())).unwrap_or_default();
    assert!(
        stat.is_empty() || stat.contains(") Z "),
        "sleep {pid} outlived Ctrl-C"
    );
    assert_eq!(
        case.ids().len(),
        1,
        "the cancelled session is still recorded"
    );
}

#[test]
fn committed_smoke_plan_runs_the_real_workload() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let built = std::process::Command::new(cargo)
        .args(["build", "-q", "-p", "repro-workloads", "--bin", "smoke-sgd"])
        .status()
        .unwrap();
    assert!(built.success());
    let scratch = tempfile::tempdir().unwrap();
    let mut plan_path = PathBuf::from("workloads/smoke-local.plan.json");
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        // The plan names `target/debug/smoke-sgd`; point it at the real target directory.
        let mut plan: Value = serde_json::from_slice(
            &std::fs::read(format!("{ROOT}/{}", plan_path.display())).unwrap(),
        )
        .unwrap();
        plan["launch"]["values"]["command"] = json!(PathBuf::from(target).join("debug/smoke-sgd"));
        plan_path = scratch.path().join("plan.json");
        std::fs::write(&plan_path, plan.to_string()).unwrap();
    }
    let store = scratch.path().join("results");
    let runs = scratch.path().join("runs");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_repro"))
        .arg("run")
        .arg(&plan_path)
        .args(["--format", "json"])
        .arg("--store")
        .arg(&store)
        .arg("--runs-dir")
        .arg(&runs)
        .current_dir(ROOT)
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let runs = report["result"]["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 5);
    for run in runs {
        assert_eq!(run["metrics"]["converged"], true, "{run}");
        assert_eq!(run["metrics"]["messages"], json!([]));
        assert_eq!(run["logs"].as_array().unwrap().len(), 2, "one log per rank");
    }
    assert_eq!(report["result"]["verdict"], "pass");
}

#[test]
fn only_passing_reproducible_results_become_baselines() {
    let case = Case::new();
    case.plan(|p| p["runs"] = json!(1)).runs(&[(60.0, false)]);
    assert_eq!(code(&case.run(&[])), 1);
    let failed = case.ids()[0].clone();
    let out = case.repro(&["baseline", "accept", &failed]);
    assert_eq!(code(&out), 2);
    insta::assert_snapshot!("failed", case.redact(&out.stderr));
    case.plan(|p| {
        p["runs"] = json!(1);
        p["pins"] = json!({"gpus_per_node": 8});
    })
    .runs(&[(60.0, true)]);
    assert_eq!(code(&case.run(&["--allow-drift"])), 0);
    let drifted = case.ids()[1].clone();
    let out = case.repro(&["baseline", "accept", &drifted]);
    assert_eq!(code(&out), 2);
    insta::assert_snapshot!("drifted", case.redact(&out.stderr));
    assert!(!case.path("baselines").exists());
}

#[test]
fn compare_reads_saved_result_records() {
    let case = Case::new();
    case.plan(|_| {});
    case.runs(&[(60.0, true), (61.0, true), (62.0, true)]);
    assert_eq!(code(&case.run(&[])), 0);
    case.runs(&[(30.0, true), (30.5, true), (31.0, true)]);
    assert_eq!(code(&case.run(&[])), 0);
    let ids = case.ids();
    let record = |id: &str| {
        case.path(&format!("results/smoke/{id}.json"))
            .display()
            .to_string()
    };
    let (fast, slow) = (record(&ids[1]), record(&ids[0]));
    let out = case.repro(&[
        "compare", &fast, &slow, "--claim", "50%", "--format", "json",
    ]);
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    // olympic means of 3 runs are the medians: 61 s over 30.5 s
    let speedup = report["parts"][0]["ci"]["estimate"].as_f64().unwrap();
    assert!((speedup - 61.0 / 30.5).abs() < 1e-9, "{report}");
    assert_eq!(report["verdict"], "supported");
    let against = case.repro(&["compare", &slow, &fast, "--claim", "10%"]);
    assert_eq!(
        code(&against),
        1,
        "{}",
        String::from_utf8_lossy(&against.stdout)
    );
}
