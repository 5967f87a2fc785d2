//! The flagship's shape end to end on repro's local Slurm cluster: `gpt3-512xh200` extended
//! down to 2 nodes x 2 ranks (`tests/fixtures/flagship/gpt3-2x2-h200.run`), submitted through
//! `templates/nemo.sbatch` with the `nemo-gpt3` workload, every node's environment the
//! recorded H200 machine (`REPRO_PROBE_OVERRIDE_DIR`), and a stand-in for the container's
//! `run_and_time.sh` that reads its settings as NeMo does and writes NVIDIA's published GPT-3
//! MLLOG with them. The local cluster has no pyxis: `REPRO_TEST_HOST_WORKDIR` makes the
//! template run the workload on the host (the container flags are snapshot-tested in
//! `spec_cli`). Without a cluster (`sinfo` does not answer) every test says it is skipped.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const SPEC: &str = "tests/fixtures/flagship/gpt3-2x2-h200.run";

fn cluster_up(test: &str) -> bool {
    let ok = Command::new("sinfo")
        .arg("-h")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!(
            "SKIPPED {test}: no Slurm cluster answers `sinfo` (run `scripts/slurm-dev.sh start`)"
        );
    }
    ok
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

/// A scratch project (in /tmp, which every node of the local cluster shares) whose nodes
/// n1..n4 all look like the recorded H200 machine, except the driver of `other_driver` nodes.
struct Flagship {
    dir: tempfile::TempDir,
}

impl Flagship {
    fn new(other_driver: &[&str]) -> Flagship {
        let dir = tempfile::tempdir().unwrap();
        for sub in ["specs", "templates", "tests/fixtures/flagship"] {
            copy_dir(&Path::new(ROOT).join(sub), &dir.path().join(sub));
        }
        let probe =
            std::fs::read_to_string(dir.path().join("tests/fixtures/flagship/h200-probe.json"))
                .unwrap();
        std::fs::create_dir_all(dir.path().join("probes")).unwrap();
        for node in ["n1", "n2", "n3", "n4"] {
            let text = if other_driver.contains(&node) {
                probe.replace("\"580.159.04\"", "\"570.86.15\"")
            } else {
                probe.clone()
            };
            std::fs::write(dir.path().join(format!("probes/{node}.json")), text).unwrap();
        }
        Flagship { dir }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Appends `extra` inside the run block of the spec.
    fn edit(&self, extra: &str) {
        let spec = self.path(SPEC);
        let text = std::fs::read_to_string(&spec).unwrap();
        let end = text.rfind('}').unwrap();
        std::fs::write(&spec, format!("{}{extra}}}\n", &text[..end])).unwrap();
    }

    fn run(&self) -> Output {
        Command::new(env!("CARGO_BIN_EXE_repro"))
            // `--offline`: the spec pins training_results_v4.1 by commit on GitHub, which this
            // machine cannot reach; the run warns and records the source as unverified
            // (`tests/run_verifies_commit.rs` fetches commits from `file://` remotes).
            .args(["run", "--offline", "--root", ".", SPEC, "--poll", "0.5"])
            .current_dir(self.dir.path())
            .env("REPRO_PROBE_OVERRIDE_DIR", self.path("probes"))
            .env(
                "REPRO_TEST_HOST_WORKDIR",
                self.path("tests/fixtures/flagship"),
            )
            // The nodes' GPU health is the recorded H200's too (its `nvidia-smi -q`, read
            // into a health record), held against the shipped envelopes.
            .env(
                "REPRO_HEALTH_OVERRIDE",
                Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("runner/tests/fixtures/health/h200-healthy.json"),
            )
            .env(
                "REPRO_ENVELOPES",
                Path::new(env!("CARGO_MANIFEST_DIR")).join("envelopes"),
            )
            .env_remove("REPRO_PROBE_OVERRIDE")
            .env_remove("NCCL_DEBUG")
            .output()
            .unwrap()
    }
}

fn show(out: &Output) -> String {
    format!(
        "stdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn the_flagship_shape_passes_on_the_recorded_h200_nodes() {
    if !cluster_up("the_flagship_shape_passes_on_the_recorded_h200_nodes") {
        return;
    }
    let f = Flagship::new(&[]);
    let out = f.run();
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("verdict: pass"), "{}", show(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("run folder: runs/gpt3-2x2-h200/"));
    // While the array runs, the queue is reported with counts, the last line with all done.
    assert!(
        stderr.contains("slurm: 0 pending, 0 running, 3/3 finished, ETA"),
        "{}",
        show(&out)
    );
    // The stored result: compliant runs with a score, the NCCL rank 0 loaded, no drift.
    let results = f.path("results/gpt3-2x2-h200");
    let file = std::fs::read_dir(&results)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let record: serde_json::Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
    assert_eq!(record["verdict"], "pass");
    assert!(record["score_s"].as_f64().unwrap() > 0.0);
    assert_eq!(record["reproducible"], true);
    assert_eq!(
        record["unverified_sources"],
        serde_json::json!(["training"])
    );
    assert!(
        stderr.contains("source `training` is pinned to a commit that was never fetched"),
        "{}",
        show(&out)
    );
    for run in record["runs"].as_array().unwrap() {
        assert_eq!(run["metrics"]["converged"], true, "{run}");
        assert_eq!(run["metrics"]["nccl_loaded"]["version"], "2.22.3", "{run}");
    }
}

#[test]
fn a_node_with_another_driver_is_drift_with_its_table() {
    if !cluster_up("a_node_with_another_driver_is_drift_with_its_table") {
        return;
    }
    // Any two of the four nodes include one of these three.
    let f = Flagship::new(&["n1", "n2", "n3"]);
    let out = f.run();
    assert_eq!(out.status.code(), Some(3), "{}", show(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("not reproducible: the environment drifted"),
        "{}",
        show(&out)
    );
    let row = stdout
        .lines()
        .find(|l| l.contains("driver (node n"))
        .unwrap_or_else(|| panic!("{}", show(&out)));
    assert!(
        row.contains("580.159.04") && row.contains("570.86.15"),
        "{row}"
    );
    assert!(!stdout.contains("verdict: pass"), "{}", show(&out));
}

#[test]
fn a_job_that_logs_another_learning_rate_is_hparams_drift() {
    if !cluster_up("a_job_that_logs_another_learning_rate_is_hparams_drift") {
        return;
    }
    let f = Flagship::new(&[]);
    // The container is told 3e-5 (a value the closed rules allow) while the lock pins 2e-5.
    f.edit("  launch.env.LR = \"3e-5\"\n");
    let out = f.run();
    assert_eq!(out.status.code(), Some(3), "{}", show(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("hparams drifted"), "{}", show(&out));
    let row = stdout
        .lines()
        .find(|l| l.contains("opt_base_learning_rate"))
        .unwrap_or_else(|| panic!("{}", show(&out)));
    let words: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(
        words[1..],
        [
            "opt_base_learning_rate",
            "0.00002",
            "0.00003",
            "specs/gpt3-512xh200.run:23"
        ],
        "{row}"
    );
}

#[test]
fn a_workload_that_is_not_found_is_exit_4() {
    if !cluster_up("a_workload_that_is_not_found_is_exit_4") {
        return;
    }
    let f = Flagship::new(&[]);
    f.edit("  launch.command = [\"./no-such-run_and_time.sh\"]\n");
    let out = f.run();
    assert_eq!(out.status.code(), Some(4), "{}", show(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("verdict: not run: the workload was not found"),
        "{}",
        show(&out)
    );
    assert!(!stdout.contains("verdict: failed"), "{}", show(&out));
}
