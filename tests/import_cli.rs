//! `repro import` end to end through the binary, on every published MLPerf benchmark folder
//! under the shared fixtures (all rounds): the imported spec verifies against its own folder
//! (`repro verify --spec` finds no spec mismatch, and the verdict is the folder's own), the
//! folder is not written, one imported spec per round is snapshot-tested, bad input exits 2
//! with a clear error, `repro lock --diff` compares two imports per group, and the shipped
//! llama2 specs are exactly what the importer writes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const COMMIT: &str = "b87b9e396f771345d4ef122ba33456304f15228d";
const LAYOUT: [&str; 4] = [
    "tensor_model_parallel=4",
    "pipeline_model_parallel=1",
    "context_parallel=2",
    "micro_batch_size=1",
];

fn repro(dir: &Path, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_repro"))
        .args(args)
        .current_dir(dir)
        .env_remove("REPRO_PROBE_OVERRIDE")
        .output()
        .expect("repro runs")
}

fn text(out: &[u8]) -> String {
    String::from_utf8_lossy(out).into_owned()
}

/// `shared/fixtures/`, or `None` (the test is skipped) where it is not checked out.
fn fixtures() -> Option<PathBuf> {
    let repo = Path::new(ROOT);
    let candidates = std::env::var_os("REPRO_SHARED")
        .map(PathBuf::from)
        .into_iter()
        .chain([repo.join("../shared"), PathBuf::from("/work/shared")]);
    for shared in candidates {
        let dir = shared.join("fixtures");
        if dir.join("mlperf-training-4.1").is_dir() {
            return Some(dir);
        }
    }
    None
}

fn subdirs(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.map(|e| e.unwrap().path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// Every `mlperf-training-X.Y/<submitter>/results/<system>/<benchmark>` folder, with its round.
fn benchmark_folders(fx: &Path) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    for round in subdirs(fx) {
        let name = round.file_name().unwrap().to_string_lossy().into_owned();
        let Some(version) = name.strip_prefix("mlperf-training-") else {
            continue;
        };
        for submitter in subdirs(&round) {
            for system in subdirs(&submitter.join("results")) {
                for bench in subdirs(&system) {
                    out.push((version.to_owned(), bench));
                }
            }
        }
    }
    out
}

/// A copy of the parts of the project an imported spec reads, in a scratch directory.
fn scratch_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["specs/rules", "specs/impl", "templates"] {
        copy_dir(&Path::new(ROOT).join(sub), &dir.path().join(sub));
    }
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target: PathBuf = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// Every file under `dir` with its length, modification time and content (a change to any
/// of them is a write).
fn tree(dir: &Path, out: &mut BTreeMap<PathBuf, (u64, std::time::SystemTime, Vec<u8>)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            tree(&path, out);
        } else {
            let meta = std::fs::metadata(&path).unwrap();
            let bytes = std::fs::read(&path).unwrap();
            out.insert(path, (meta.len(), meta.modified().unwrap(), bytes));
        }
    }
}

fn submitter_of(bench: &Path) -> PathBuf {
    bench.ancestors().nth(3).unwrap().to_owned()
}

/// The `spec` errors of a `repro verify --format json` report.
fn spec_errors(report: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    for part in ["benchmarks", "systems"] {
        for item in report[part].as_array().into_iter().flatten() {
            for f in item["findings"].as_array().into_iter().flatten() {
                if f["check"] == "spec" && f["severity"] == "error" {
                    out.push(f["message"].as_str().unwrap_or_default().to_owned());
                }
            }
        }
    }
    out
}

fn slug(bench: &Path) -> String {
    let parts: Vec<String> = bench
        .components()
        .rev()
        .take(4)
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    format!("{}-{}", parts[3], parts[0])
        .to_lowercase()
        .replace(|c: char| !c.is_ascii_alphanumeric(), "-")
}

#[test]
fn every_published_folder_imports_and_verifies_against_its_own_spec() {
    let Some(fx) = fixtures() else { return };
    let folders = benchmark_folders(&fx);
    assert!(folders.len() >= 13, "{folders:?}");
    let project = scratch_project();
    let mut rounds_seen = BTreeMap::new();
    for (version, bench) in &folders {
        let mut before = BTreeMap::new();
        tree(&submitter_of(bench), &mut before);
        let spec = format!("specs/{}.run", slug(bench));
        let folder = bench.display().to_string();
        let imported = repro(
            project.path(),
            &["import", &folder, "--output", &spec, "--offline"],
        );
        assert_eq!(
            imported.status.code(),
            Some(0),
            "{folder}: {}",
            text(&imported.stderr)
        );
        assert!(
            text(&imported.stdout).contains("created lockfiles/"),
            "{folder}: the lock diff is printed: {}",
            text(&imported.stdout)
        );
        let ruleset = format!("mlperf-training-{version}");
        let verify = |with_spec: bool| {
            let mut args = vec!["verify", &folder, "--ruleset", &ruleset, "--format", "json"];
            if with_spec {
                args.extend(["--spec", &spec]);
            }
            let out = repro(project.path(), &args);
            let report: serde_json::Value = serde_json::from_slice(&out.stdout)
                .unwrap_or_else(|e| panic!("{folder}: {e}: {}", text(&out.stderr)));
            (out.status.code(), report)
        };
        let (code, report) = verify(true);
        assert_eq!(spec_errors(&report), Vec::<String>::new(), "{folder}");
        let (own_code, own) = verify(false);
        assert_eq!(code, own_code, "{folder}: the spec changes the verdict");
        assert_eq!(report["passed"], own["passed"], "{folder}");
        let mut after = BTreeMap::new();
        tree(&submitter_of(bench), &mut after);
        assert!(before == after, "{folder}: the imported folder was written");
        let written = std::fs::read_to_string(project.path().join(&spec)).unwrap();
        // Contradictions are a comment and an explicit choice, never a silent pick.
        if folder.contains("/Fujitsu/") {
            for line in [
                "# cuda: not pinned, `other_software_stack.0.cuda_version` states several:",
                "# nccl: not pinned, `other_software_stack.0.nccl_version` states several:",
            ] {
                assert!(written.contains(line), "{line}\n{written}");
            }
        }
        if folder.contains("/eos_n64_ngc24.09_nemo/") {
            assert!(
                written.contains("# The description states two drivers: `other_software_stack.cuda_driver_version` \"560.35.03\""),
                "{written}"
            );
            assert!(written.contains("driver = \"560.35.03\""), "{written}");
        }
        rounds_seen.entry(version.clone()).or_insert(written);
    }
    assert_eq!(
        rounds_seen.keys().collect::<Vec<_>>(),
        ["4.0", "4.1", "5.0", "5.1"]
    );
    for (version, spec) in rounds_seen {
        insta::assert_snapshot!(format!("imported_spec_v{version}"), spec);
    }
}

#[test]
fn bad_input_is_a_clear_error_and_exit_2() {
    let Some(fx) = fixtures() else { return };
    let project = scratch_project();
    let p = project.path();
    let run = |args: &[&str]| {
        let out = repro(p, args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(!p.join("specs/out.run").exists(), "{args:?} wrote a spec");
        text(&out.stderr)
    };
    // An empty folder.
    let empty = tempfile::tempdir().unwrap();
    let err = run(&[
        "import",
        &empty.path().display().to_string(),
        "-o",
        "specs/out.run",
    ]);
    assert!(err.contains("no MLPerf logs (`result_*.txt`) in"), "{err}");

    // A submission without its system description.
    let azure = fx.join("mlperf-training-4.1/Azure");
    let bench = "results/ND_H200_v5_n64_nemo/llama2_70b_lora";
    let copy = tempfile::tempdir().unwrap();
    let sub = copy.path().join("mlperf-training-4.1/Azure");
    copy_dir(&azure.join(bench), &sub.join(bench));
    let folder = sub.join(bench).display().to_string();
    let err = run(&["import", &folder, "-o", "specs/out.run"]);
    assert!(err.contains("no system description:"), "{err}");
    assert!(
        err.contains("systems/ND_H200_v5_n64_nemo.json` is missing"),
        "{err}"
    );

    // Unreadable logs: one result file without a single MLLOG line.
    copy_dir(&azure.join("systems"), &sub.join("systems"));
    std::fs::write(sub.join(bench).join("result_3.txt"), "not a log\n").unwrap();
    let err = run(&["import", &folder, "-o", "specs/out.run"]);
    assert!(
        err.contains("result_3.txt:1:1: unreadable MLPerf log: no `:::MLLOG` line"),
        "{err}"
    );

    // A malformed system description names its line and column.
    std::fs::copy(
        azure.join(bench).join("result_3.txt"),
        sub.join(bench).join("result_3.txt"),
    )
    .unwrap();
    let desc = sub.join("systems/ND_H200_v5_n64_nemo.json");
    std::fs::write(&desc, "{\n  \"number_of_nodes\": 64,\n}\n").unwrap();
    let err = run(&["import", &folder, "-o", "specs/out.run"]);
    assert!(
        err.contains("ND_H200_v5_n64_nemo.json:3:1: the system description is not JSON"),
        "{err}"
    );
    copy_dir(&azure.join("systems"), &sub.join("systems"));

    // A round that cannot be told: the same submission outside any round folder.
    let bare = tempfile::tempdir().unwrap();
    copy_dir(&sub, &bare.path().join("Azure"));
    let bare_folder = bare.path().join("Azure").join(bench).display().to_string();
    let err = run(&["import", &bare_folder, "-o", "specs/out.run"]);
    assert!(err.contains("cannot tell the MLPerf round of"), "{err}");
    assert!(err.contains("help: pass `--round 4.1`"), "{err}");
    let err = run(&[
        "import",
        &bare_folder,
        "--round",
        "3.9",
        "-o",
        "specs/out.run",
    ]);
    assert!(err.contains("unknown round `mlperf-training-3.9`"), "{err}");
    let err = run(&[
        "import",
        &bare_folder,
        "--round",
        "4.1",
        "--commit",
        "main",
        "-o",
        "specs/out.run",
    ]);
    assert!(
        err.contains("`--commit main` is not a full 40-hex commit id"),
        "{err}"
    );
    // Told with --round, it imports.
    let ok = repro(
        p,
        &[
            "import",
            &bare_folder,
            "--round",
            "4.1",
            "-o",
            "specs/out.run",
            "--no-lock",
        ],
    );
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stderr));
    // An existing spec is not overwritten without --force.
    let again = repro(
        p,
        &[
            "import",
            &bare_folder,
            "--round",
            "4.1",
            "-o",
            "specs/out.run",
            "--no-lock",
        ],
    );
    assert_eq!(again.status.code(), Some(2));
    assert!(
        text(&again.stderr).contains("`specs/out.run` exists"),
        "{}",
        text(&again.stderr)
    );
    let forced = repro(
        p,
        &[
            "import",
            &bare_folder,
            "--round",
            "4.1",
            "-o",
            "specs/out.run",
            "--no-lock",
            "--force",
        ],
    );
    assert_eq!(forced.status.code(), Some(0), "{}", text(&forced.stderr));
    // Nothing is written into the folder being imported.
    let inside = format!("{bare_folder}/imported.run");
    let out = repro(
        p,
        &[
            "import",
            &bare_folder,
            "--round",
            "4.1",
            "-o",
            &inside,
            "--no-lock",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("is inside the folder being imported"),
        "{}",
        text(&out.stderr)
    );
    assert!(!Path::new(&inside).exists());
}

#[test]
fn lock_diff_shows_per_group_what_differs_between_two_imports() {
    let Some(fx) = fixtures() else { return };
    let project = scratch_project();
    let p = project.path();
    let r41 = fx.join("mlperf-training-4.1");
    for (folder, spec) in [
        (
            "Azure/results/ND_H200_v5_n64_nemo/llama2_70b_lora",
            "specs/azure.run",
        ),
        (
            "Oracle/results/512xBM.GPU.H100.8/llama2_70b_lora",
            "specs/oracle.run",
        ),
    ] {
        let f = r41.join(folder).display().to_string();
        let out = repro(
            p,
            &["import", &f, "-o", spec, "--commit", COMMIT, "--offline"],
        );
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    }
    let human = repro(
        p,
        &[
            "lock",
            "--offline",
            "--diff",
            "specs/azure.run",
            "specs/oracle.run",
        ],
    );
    assert_eq!(human.status.code(), Some(0), "{}", text(&human.stderr));
    insta::assert_snapshot!("lock_diff_azure_h200_vs_oracle_h100", text(&human.stdout));
    let json = repro(
        p,
        &[
            "lock",
            "--offline",
            "--diff",
            "specs/azure.run",
            "specs/oracle.run",
            "--format",
            "json",
        ],
    );
    assert_eq!(json.status.code(), Some(0), "{}", text(&json.stderr));
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    insta::assert_json_snapshot!("lock_diff_azure_h200_vs_oracle_h100_json", v);
    // A spec compared with itself differs nowhere.
    let same = repro(
        p,
        &[
            "lock",
            "--offline",
            "--diff",
            "specs/azure.run",
            "specs/azure.run",
            "--format",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&same.stdout).unwrap();
    assert_eq!(v["groups"], serde_json::json!({}));
}

#[test]
fn shipped_llama2_specs_are_what_the_importer_writes() {
    let Some(fx) = fixtures() else { return };
    let project = scratch_project();
    let r41 = fx.join("mlperf-training-4.1");
    for (folder, name) in [
        (
            "Azure/results/ND_H200_v5_n64_nemo/llama2_70b_lora",
            "llama2-70b-lora-512xh200",
        ),
        (
            "Oracle/results/512xBM.GPU.H100.8/llama2_70b_lora",
            "llama2-70b-lora-512xh100",
        ),
    ] {
        let f = r41.join(folder).display().to_string();
        // The launch layout NeMo needs is in the submission's config_*.sh (Azure's
        // config_DGXH200_64x8x2xtp4pp1cp2.sh, Oracle's config_DGXH100_64x8x1xtp4pp1cp2.sh),
        // not in its logs: given on the command line.
        let mut args = vec![
            "import",
            &f,
            "--name",
            name,
            "--commit",
            COMMIT,
            "--no-lock",
        ];
        for h in LAYOUT {
            args.extend(["--hparam", h]);
        }
        let out = repro(project.path(), &args);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let written =
            std::fs::read_to_string(project.path().join(format!("specs/{name}.run"))).unwrap();
        let shipped =
            std::fs::read_to_string(Path::new(ROOT).join(format!("specs/{name}.run"))).unwrap();
        assert_eq!(
            written, shipped,
            "specs/{name}.run is not what `repro import` writes"
        );
        // Ready to run: the shipped spec renders a job.
        let dry = repro(
            Path::new(ROOT),
            &["run", "--dry-run", &format!("specs/{name}.run")],
        );
        assert_eq!(dry.status.code(), Some(0), "{}", text(&dry.stderr));
        assert!(
            text(&dry.stdout).contains("#SBATCH --nodes=64"),
            "{}",
            text(&dry.stdout)
        );
    }
}

#[test]
fn a_mapping_needs_the_launch_layout_and_a_given_hparam_never_overrides_a_logged_one() {
    let Some(fx) = fixtures() else { return };
    let project = scratch_project();
    let p = project.path();
    let f = fx
        .join("mlperf-training-4.1/Azure/results/ND_H200_v5_n64_nemo/llama2_70b_lora")
        .display()
        .to_string();
    // Without the layout: no workload, and a comment naming what it needs.
    let out = repro(p, &["import", &f, "-o", "specs/a.run", "--offline"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let spec = std::fs::read_to_string(p.join("specs/a.run")).unwrap();
    assert!(!spec.contains("workload = "), "{spec}");
    assert!(!spec.contains("use \"impl/"), "{spec}");
    assert!(
        spec.contains("# workload: `nemo-llama2-70b-lora` of impl/nvidia-nemo-4.1.run runs this"),
        "{spec}"
    );
    // A given hparam the logs report is refused.
    let out = repro(
        p,
        &["import", &f, "-o", "specs/b.run", "--hparam", "lora_rank=8"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("`--hparam lora_rank`: the logs report it"),
        "{}",
        text(&out.stderr)
    );
    let out = repro(
        p,
        &["import", &f, "-o", "specs/b.run", "--hparam", "lora_rank"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("is not KEY=VALUE"),
        "{}",
        text(&out.stderr)
    );
    assert!(!p.join("specs/b.run").exists());
}

#[test]
fn hparams_that_differ_between_runs_are_a_comment_not_a_pin() {
    let Some(fx) = fixtures() else { return };
    let project = scratch_project();
    let p = project.path();
    let azure = fx.join("mlperf-training-4.1/Azure");
    let bench = "results/ND_H200_v5_n64_nemo/llama2_70b_lora";
    let copy = tempfile::tempdir().unwrap();
    let sub = copy.path().join("mlperf-training-4.1/Azure");
    copy_dir(&azure.join(bench), &sub.join(bench));
    copy_dir(&azure.join("systems"), &sub.join("systems"));
    let log = sub.join(bench).join("result_3.txt");
    let text3 = std::fs::read_to_string(&log).unwrap();
    let from = "\"key\": \"opt_base_learning_rate\", \"value\": 0.0005";
    assert!(text3.contains(from));
    std::fs::write(
        &log,
        text3.replace(
            from,
            "\"key\": \"opt_base_learning_rate\", \"value\": 0.0004",
        ),
    )
    .unwrap();
    let folder = sub.join(bench).display().to_string();
    let out = repro(
        p,
        &["import", &folder, "-o", "specs/mixed.run", "--offline"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let spec = std::fs::read_to_string(p.join("specs/mixed.run")).unwrap();
    // Comments are wrapped: read them as one line.
    let unwrapped = spec.replace("\n    # ", " ");
    assert!(
        unwrapped.contains("opt_base_learning_rate: not pinned, the logs differ: result_0.txt logs 0.0005, result_3.txt logs 0.0004"),
        "{spec}"
    );
    assert!(!spec.contains("opt_base_learning_rate = "), "{spec}");
    let verify = repro(
        p,
        &[
            "verify",
            &folder,
            "--spec",
            "specs/mixed.run",
            "--format",
            "json",
        ],
    );
    let report: serde_json::Value = serde_json::from_slice(&verify.stdout).unwrap();
    assert_eq!(spec_errors(&report), Vec::<String>::new());
}
