//! After each run, the job itself proves what ran: the hparams its own MLLOG reports and the
//! NCCL its rank 0 loaded are held against the lock (exit 3 when they differ), and a workload
//! that never started is exit 4, not a failed benchmark. Real spec, real compiler, real local
//! executor, the real SGD workload (`workloads/`).

use std::path::{Path, PathBuf};
use std::process::Output;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn smoke_sgd() -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let built = std::process::Command::new(cargo)
        .args(["build", "-q", "-p", "repro-workloads", "--bin", "smoke-sgd"])
        .current_dir(ROOT)
        .status()
        .unwrap();
    assert!(built.success());
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(ROOT).join("target"));
    target.join("debug/smoke-sgd")
}

/// A scratch copy of the project whose smoke spec runs 3 times with `command` (`{sgd}` is the
/// workload binary) and `software` settings.
fn project(command: &str, software: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["specs", "templates"] {
        copy_dir(&Path::new(ROOT).join(sub), &dir.path().join(sub));
    }
    let spec = dir.path().join("specs/smoke-local.run");
    let text = std::fs::read_to_string(&spec).unwrap();
    let start = text.find("    command = [").unwrap();
    let end = start + text[start..].find('\n').unwrap();
    let sgd = smoke_sgd().display().to_string();
    let text = format!(
        "{}    command = [{}]{}",
        &text[..start],
        command.replace("{sgd}", &sgd),
        &text[end..]
    )
    .replace("runs = 5", "runs = 3")
    .replace(
        "  hparams {",
        &format!("  software {{\n{software}  }}\n  hparams {{"),
    );
    std::fs::write(&spec, text).unwrap();
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

fn run(dir: &Path) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_repro"))
        .args(["run", "specs/smoke-local.run"])
        .current_dir(dir)
        .env_remove("REPRO_PROBE_OVERRIDE")
        .env_remove("NCCL_DEBUG")
        .output()
        .unwrap()
}

const ARGS: &str = r#""--target", "${target_accuracy}", "--global-batch-size", "${global_batch_size}", "--dim", "${features}", "--train-samples", "${train_samples}""#;

#[test]
fn a_job_that_runs_the_pinned_hparams_passes() {
    let dir = project(
        &format!(r#""{{sgd}}", "--lr", "${{opt_base_learning_rate}}", {ARGS}"#),
        "",
    );
    let out = run(dir.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("verdict: pass"), "{stdout}");
}

#[test]
fn a_job_that_logs_another_learning_rate_is_drift_naming_key_values_and_spec_line() {
    let dir = project(&format!(r#""{{sgd}}", "--lr", "0.003", {ARGS}"#), "");
    let out = run(dir.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(3),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("hparams drifted"), "{stdout}");
    assert!(
        stdout.contains("verdict: drifted: the job did not run what the lock pins"),
        "{stdout}"
    );
    let row = stdout
        .lines()
        .find(|l| l.contains("opt_base_learning_rate"))
        .unwrap_or_else(|| panic!("{stdout}"));
    let words: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(
        words[1..],
        // line 16 of the shipped spec, two lines down for the inserted `software { }`
        [
            "opt_base_learning_rate",
            "0.002",
            "0.003",
            "specs/smoke-local.run:18"
        ],
        "{stdout}"
    );
}

#[test]
fn a_job_that_loads_another_nccl_is_drift() {
    // The workload prints what NCCL prints on rank 0 with `NCCL_DEBUG=VERSION`, then trains.
    let dir = project(
        &format!(
            r#""bash", "-c", "[ \"$NCCL_DEBUG\" = VERSION ] && [ \"$RANK\" = 0 ] && echo 'NCCL version 2.28.9+cuda13.0'; exec \"$0\" \"$@\"", "{{sgd}}", "--lr", "${{opt_base_learning_rate}}", {ARGS}"#
        ),
        "    nccl = \"2.28.3\"\n",
    );
    let out = run(dir.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(3),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("nccl drifted: run 0 loaded NCCL 2.28.9, the lock pins 2.28.3"),
        "{stdout}"
    );
}

#[test]
fn a_workload_that_is_not_found_is_exit_4_not_a_failed_benchmark() {
    let dir = project(r#""./no-such-run_and_time.sh""#, "");
    let out = run(dir.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(4),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("verdict: not run: the workload was not found"),
        "{stdout}"
    );
    assert!(!stdout.contains("verdict: failed"), "{stdout}");
}
