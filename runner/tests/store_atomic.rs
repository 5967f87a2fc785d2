//! The result store under SIGKILL, and its content addressing.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use repro_runner::exec::RunStatus;
use repro_runner::probe::EnvRecord;
use repro_runner::store::{
    LogDigest, ResultRecord, ResultStore, RunMetrics, RunRecord, RunVerdict, StoreError, FORMAT,
};

const CHILD_VAR: &str = "REPRO_STORE_CHILD_DIR";

fn environment() -> EnvRecord {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/probe/no-gpu.json");
    EnvRecord::read(&path).unwrap()
}

/// A record whose size is about `padding` bytes, distinct for each `n`.
fn record(n: u64, padding: usize) -> ResultRecord {
    let run = RunRecord {
        index: 0,
        run_id: format!("{n}-0"),
        seed: n,
        status: RunStatus::Succeeded,
        elapsed_s: 1.5,
        metrics: Some(RunMetrics {
            ttt_s: Some(1.0),
            converged: true,
            samples_to_converge: Some(65536.0),
            throughput: Some(50000.0),
            messages: vec!["x".repeat(padding)],
            hparams_drift: Vec::new(),
            nccl_loaded: None,
            nccl_drift: None,
        }),
        logs: vec![LogDigest {
            path: format!("{n}-0/rank-0.log"),
            sha256: "0".repeat(64),
        }],
    };
    ResultRecord {
        format: FORMAT,
        repro_version: "0.1.0".into(),
        plan: "smoke".into(),
        plan_hash: "p".into(),
        lock_hash: "l".into(),
        hardware: BTreeMap::new(),
        software: BTreeMap::new(),
        unverified_sources: Vec::new(),
        tolerance: 0.05,
        dropped_allowed: Some(1),
        environment: environment(),
        drift: vec![],
        reproducible: true,
        health: Vec::new(),
        executor: "local".into(),
        created_unix_ms: n,
        runs: vec![run],
        score_s: Some(1.0),
        verdict: RunVerdict::Pass,
    }
}

/// In the child process (and only there): write records forever until killed.
#[test]
fn child_writer() {
    let Some(dir) = std::env::var_os(CHILD_VAR) else {
        return;
    };
    let store = ResultStore::new(dir);
    for n in 0.. {
        store.put(&record(n + nanos(), 2 << 20)).unwrap();
    }
}

fn nanos() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
}

#[test]
fn sigkill_at_any_moment_leaves_no_record_or_a_complete_one() {
    let dir = tempfile::tempdir().unwrap();
    let mut seed = nanos();
    let mut killed_mid_write = 0;
    for _ in 0..25 {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let delay = Duration::from_millis(5 + (seed >> 33) % 80);
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "child_writer", "--test-threads=1", "--quiet"])
            .env(CHILD_VAR, dir.path())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let plan_dir = dir.path().join("smoke");
        killed_mid_write += std::fs::read_dir(&plan_dir)
            .map(|d| {
                d.filter_map(Result::ok)
                    .filter(|e| e.file_name().to_string_lossy().starts_with(".tmp-"))
                    .count()
            })
            .unwrap_or(0);
        for entry in std::fs::read_dir(&plan_dir)
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
        {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with(".tmp-") {
                std::fs::remove_file(entry.path()).unwrap();
            }
        }
    }
    // Every file the store calls a record parses and hashes to its own name.
    let records = ResultStore::new(dir.path()).list("smoke").unwrap();
    assert!(
        !records.is_empty(),
        "the child never finished a record; the test proves nothing"
    );
    eprintln!(
        "{} complete records, {killed_mid_write} writes interrupted",
        records.len()
    );
}

#[test]
fn put_is_content_addressed_and_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let store = ResultStore::new(dir.path());
    let a = store.put(&record(1, 10)).unwrap();
    let again = store.put(&record(1, 10)).unwrap();
    assert_eq!(a.id, again.id);
    assert_eq!(a.id, record(1, 10).id());
    assert_eq!(
        a.path,
        dir.path().join("smoke").join(format!("{}.json", a.id))
    );
    let b = store.put(&record(2, 10)).unwrap();
    assert_eq!(store.latest("smoke", None).unwrap().id, b.id);
    assert_eq!(store.latest("smoke", Some(&b.id)).unwrap().id, a.id);
    assert_eq!(store.resolve(&a.id[..10]).unwrap().record, record(1, 10));
    assert_eq!(store.resolve(a.path.to_str().unwrap()).unwrap().id, a.id);
}

#[test]
fn edited_records_are_detected() {
    let dir = tempfile::tempdir().unwrap();
    let store = ResultStore::new(dir.path());
    let stored = store.put(&record(1, 10)).unwrap();
    let text = std::fs::read_to_string(&stored.path).unwrap();
    std::fs::write(
        &stored.path,
        text.replace("\"score_s\": 1.0", "\"score_s\": 0.5"),
    )
    .unwrap();
    let err = store.list("smoke").unwrap_err();
    assert!(matches!(err, StoreError::Tampered { .. }), "{err}");
}

#[test]
fn lookups_that_fail_say_why() {
    let dir = tempfile::tempdir().unwrap();
    let store = ResultStore::new(dir.path());
    let show = |e: StoreError| {
        e.to_string()
            .replace(&dir.path().display().to_string(), "STORE")
    };
    insta::assert_snapshot!("no_prior", show(store.latest("smoke", None).unwrap_err()));
    insta::assert_snapshot!("not_found", show(store.resolve("abc").unwrap_err()));
    let mut bad = record(1, 1);
    bad.plan = "../escape".into();
    insta::assert_snapshot!("plan_name", show(store.put(&bad).unwrap_err()));
}

#[test]
fn leftover_temporary_files_are_removed_and_named_fresh_ones_kept() {
    let dir = tempfile::tempdir().unwrap();
    let store = ResultStore::new(dir.path());
    let plan_dir = dir.path().join("smoke");
    std::fs::create_dir_all(&plan_dir).unwrap();
    let old = plan_dir.join(".tmp-killed");
    let fresh = plan_dir.join(".tmp-writing");
    std::fs::write(&old, b"{complete but never stored}").unwrap();
    std::fs::write(&fresh, b"{").unwrap();
    let hour_ago = SystemTime::now() - Duration::from_secs(3600);
    std::fs::File::options()
        .write(true)
        .open(&old)
        .unwrap()
        .set_modified(hour_ago)
        .unwrap();
    assert!(
        store.list("smoke").unwrap().is_empty(),
        "temp files are never records"
    );
    let removed = store.remove_leftovers("smoke").unwrap();
    assert_eq!(removed, vec![old.clone()]);
    assert!(!old.exists());
    assert!(
        fresh.exists(),
        "a concurrent writer's temporary file is left alone"
    );
    assert!(store.remove_leftovers("absent").unwrap().is_empty());
    assert!(matches!(
        store.remove_leftovers("../x"),
        Err(StoreError::PlanName { .. })
    ));
}
