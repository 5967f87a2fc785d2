//! The GPU health preflight through the binary: `specs/h200-reference.run` (committed lock)
//! on recorded machines. Identity comes from `REPRO_PROBE_OVERRIDE`, health from
//! `REPRO_HEALTH_OVERRIDE` (records derived from a real H200's `nvidia-smi -q -x`), and the
//! runs' logs from the reference workload's own logging code (`--backend python`) replayed
//! by the fake executor, so the whole chain runs: lock, identity, health, three runs, scoring
//! with `specs/rules/torch-reference.run`, store.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{json, Value};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const SPEC: &str = "specs/h200-reference.run";

fn fixture(rel: &str) -> PathBuf {
    Path::new(ROOT).join("runner/tests/fixtures").join(rel)
}

/// `repro run specs/h200-reference.run --locked` from the repository root, with the store and
/// run folders in `scratch` and the given identity and health records.
fn run_reference(scratch: &Path, probe: &str, health: &Path, fake: Option<&Path>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_repro"));
    cmd.args(["run", SPEC, "--locked", "--format", "json"])
        .arg("--store")
        .arg(scratch.join("results"))
        .arg("--runs-dir")
        .arg(scratch.join("runs"))
        .current_dir(ROOT)
        .env("REPRO_PROBE_OVERRIDE", fixture(probe))
        .env("REPRO_HEALTH_OVERRIDE", health)
        .env_remove("REPRO_ENVELOPES");
    if let Some(fake) = fake {
        cmd.env("REPRO_FAKE_EXECUTOR", fake);
    }
    cmd.output().unwrap()
}

fn error_part(out: &Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr);
    stderr[stderr.find("error:").expect("an error is printed")..].to_string()
}

/// The reference workload's log for one seed, written by its pure-Python path.
fn workload_log(seed: u32) -> String {
    let out = Command::new("python3")
        .arg(Path::new(ROOT).join("workloads/torch-reference/train.py"))
        .args([
            "--backend",
            "python",
            "--features",
            "16",
            "--train-samples",
            "2000",
        ])
        .args([
            "--eval-samples",
            "500",
            "--global-batch-size",
            "50",
            "--lr",
            "0.1",
        ])
        .args(["--target", "0.9", "--seed", &seed.to_string()])
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn fake_runs(dir: &Path) -> PathBuf {
    let runs: Vec<Value> = (1..=3)
        .map(|seed| json!({"status": {"kind": "succeeded"}, "elapsed_s": 2.0, "log": workload_log(seed)}))
        .collect();
    let path = dir.join("fake.json");
    std::fs::write(&path, Value::Array(runs).to_string()).unwrap();
    path
}

#[test]
fn without_a_gpu_the_reference_run_is_refused_with_exit_3_and_the_drift_table() {
    let scratch = tempfile::tempdir().unwrap();
    let out = run_reference(
        scratch.path(),
        "probe/no-gpu.json",
        &fixture("health/no-nvml.json"),
        None,
    );
    assert_eq!(out.status.code(), Some(3), "{}", error_part(&out));
    insta::assert_snapshot!(error_part(&out));
    assert!(!scratch.path().join("results").exists(), "nothing stored");
}

#[test]
fn a_healthy_h200_runs_three_times_and_keeps_its_health_figures() {
    // The job proves its hparams (its MLLOG is held against the lock), so the runs here are
    // of a CPU-sized spec that extends the shipped one, in a scratch copy of the project:
    // the pure-Python path of the same workload, with the hparams this spec pins.
    let scratch = tempfile::tempdir().unwrap();
    let project = scratch.path().join("project");
    for dir in ["specs", "envelopes", "templates"] {
        copy_dir(&Path::new(ROOT).join(dir), &project.join(dir));
    }
    std::fs::write(
        project.join("specs/h200-reference-small.run"),
        "use \"h200-reference.run\"\n\n\
         run \"h200-reference-small\" extends \"h200-reference\" {\n\
         \x20 hparams.features = 16\n\
         \x20 hparams.train_samples = 2000\n\
         \x20 hparams.global_batch_size = 50\n\
         \x20 hparams.opt_base_learning_rate = 0.1\n\
         }\n",
    )
    .unwrap();
    let fake = fake_runs(scratch.path());
    let out = Command::new(env!("CARGO_BIN_EXE_repro"))
        .args(["run", "specs/h200-reference-small.run", "--format", "json"])
        .arg("--store")
        .arg(scratch.path().join("results"))
        .arg("--runs-dir")
        .arg(scratch.path().join("runs"))
        .current_dir(&project)
        .env("REPRO_PROBE_OVERRIDE", fixture("probe/h200-reference.json"))
        .env("REPRO_HEALTH_OVERRIDE", fixture("health/h200-healthy.json"))
        .env("REPRO_FAKE_EXECUTOR", &fake)
        .env_remove("REPRO_ENVELOPES")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let result = &report["result"];
    assert_eq!(result["verdict"], "pass");
    assert_eq!(result["runs"].as_array().unwrap().len(), 3);
    for run in result["runs"].as_array().unwrap() {
        assert_eq!(run["metrics"]["converged"], true, "{run}");
        assert_eq!(
            run["metrics"]["messages"],
            json!([]),
            "the rule set accepts the log"
        );
    }
    let health = &result["health"][0];
    assert_eq!(health["findings"], json!([]));
    assert_eq!(health["envelope"], "envelopes/nvidia-h200.toml");
    assert_eq!(health["record"]["gpus"][0]["bandwidth"]["d2d_gbps"], 4123.0);
    assert_eq!(result["reproducible"], true);
}

#[test]
fn an_unhealthy_h200_is_refused_naming_the_gpu_the_check_and_both_values() {
    let scratch = tempfile::tempdir().unwrap();
    let mut record: Value =
        serde_json::from_slice(&std::fs::read(fixture("health/h200-healthy.json")).unwrap())
            .unwrap();
    record["gpus"][0]["ecc_uncorrectable_dram"] = json!(3);
    record["gpus"][0]["pcie_width"] = json!(8);
    record["gpus"][0]["bandwidth"]["h2d_gbps"] = json!(27.1);
    let path = scratch.path().join("sick.json");
    std::fs::write(&path, record.to_string()).unwrap();
    let out = run_reference(scratch.path(), "probe/h200-reference.json", &path, None);
    assert_eq!(out.status.code(), Some(3));
    insta::assert_snapshot!(error_part(&out));
}

#[test]
fn the_workload_prints_the_nccl_version_as_nccl_does() {
    let script = "import sys; sys.path.insert(0, 'workloads/torch-reference'); import mllog; \
                  print(mllog.nccl_line((2, 28, 9), '13.0')); print(mllog.nccl_line(22809, '13.0')); \
                  print(mllog.nccl_line(2708, '11.0'))";
    let out = Command::new("python3")
        .args(["-c", script])
        .current_dir(ROOT)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "NCCL version 2.28.9+cuda13.0\nNCCL version 2.28.9+cuda13.0\nNCCL version 2.7.8+cuda11.0\n"
    );
}

#[test]
fn a_log_that_misses_the_target_is_not_converged() {
    let scratch = tempfile::tempdir().unwrap();
    let out = Command::new("python3")
        .arg(Path::new(ROOT).join("workloads/torch-reference/train.py"))
        .args([
            "--backend",
            "python",
            "--features",
            "16",
            "--train-samples",
            "200",
        ])
        .args([
            "--eval-samples",
            "200",
            "--global-batch-size",
            "50",
            "--lr",
            "0.0001",
        ])
        .args(["--target", "0.99", "--max-epochs", "1", "--seed", "1"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "the workload says it did not converge"
    );
    let log = String::from_utf8(out.stdout).unwrap();
    assert!(log.contains("\"status\": \"aborted\""));
    let runs: Vec<Value> = (0..3)
        .map(|_| json!({"status": {"kind": "succeeded"}, "elapsed_s": 2.0, "log": log}))
        .collect();
    let fake = scratch.path().join("fake.json");
    std::fs::write(&fake, Value::Array(runs).to_string()).unwrap();
    let out = run_reference(
        scratch.path(),
        "probe/h200-reference.json",
        &fixture("health/h200-healthy.json"),
        Some(&fake),
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["result"]["verdict"], "failed");
    let run = &report["result"]["runs"][0]["metrics"];
    assert_eq!(run["converged"], false);
}

#[test]
fn probe_health_without_nvml_says_so_and_passes() {
    let out = Command::new(env!("CARGO_BIN_EXE_repro"))
        .args(["probe", "--health"])
        .current_dir(ROOT)
        .env("REPRO_HEALTH_OVERRIDE", fixture("health/no-nvml.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("unchecked no GPU health: the NVML library (libnvidia-ml) is not installed"),
        "{text}"
    );
}

#[test]
fn probe_health_on_a_recorded_h200_prints_its_figures() {
    let out = Command::new(env!("CARGO_BIN_EXE_repro"))
        .args(["probe", "--health"])
        .current_dir(ROOT)
        .env("REPRO_HEALTH_OVERRIDE", fixture("health/h200-healthy.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let hostname = repro_runner::health::hostname();
    let text = text
        .replace(&hostname, "<node>")
        .lines()
        .map(|l| match l.find(", envelope") {
            Some(_) if l.starts_with("health") => l[..l.rfind(", ").unwrap()].to_string(),
            _ => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    insta::assert_snapshot!(text);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}
