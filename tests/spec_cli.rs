//! `repro check / fmt / lock / plan` end to end through the binary, on the shipped specs and
//! on scratch copies: exit codes, the exact diagnostics (snapshots), and that the committed
//! lock regenerates byte-identically from another directory.

use std::path::{Path, PathBuf};
use std::process::Output;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

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

fn specs() -> Vec<String> {
    let mut specs: Vec<String> = std::fs::read_dir(Path::new(ROOT).join("specs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "run"))
        .map(|p| format!("specs/{}", p.file_name().unwrap().to_string_lossy()))
        .collect();
    specs.sort();
    specs
}

/// A copy of the parts of the project a spec reads, in a scratch directory.
fn scratch_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["specs", "templates", "lockfiles"] {
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

#[test]
fn every_shipped_spec_checks_clean() {
    for spec in specs() {
        let out = repro(Path::new(ROOT), &["check", &spec]);
        assert!(out.status.success(), "{spec}: {}", text(&out.stderr));
        assert!(
            text(&out.stdout).starts_with(&format!("ok {spec} (")),
            "{}",
            text(&out.stdout)
        );
    }
}

#[test]
fn every_shipped_spec_is_formatted() {
    let mut args = vec!["fmt", "--check"];
    let specs = specs();
    args.extend(specs.iter().map(String::as_str));
    let out = repro(Path::new(ROOT), &args);
    assert!(out.status.success(), "{}", text(&out.stdout));
}

#[test]
fn a_sweep_checks_to_one_plan_per_point() {
    let out = repro(
        Path::new(ROOT),
        &["check", "--format", "json", "specs/gpt3-h200-scaling.run"],
    );
    assert!(out.status.success());
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    insta::assert_json_snapshot!("sweep_check_json", report[0]["plans"]);
}

#[test]
fn a_rule_violation_is_exit_2_pointing_at_value_and_rule() {
    let dir = scratch_project();
    let spec = dir.path().join("specs/gpt3-512xh200.run");
    let src = std::fs::read_to_string(&spec).unwrap();
    std::fs::write(
        &spec,
        src.replace(
            "opt_base_learning_rate = 2e-5",
            "opt_base_learning_rate = 1e-4",
        ),
    )
    .unwrap();
    let out = repro(dir.path(), &["check", "specs/gpt3-512xh200.run"]);
    assert_eq!(out.status.code(), Some(2));
    insta::assert_snapshot!("rule_violation", text(&out.stderr));
    let json = repro(
        dir.path(),
        &["check", "--format", "json", "specs/gpt3-512xh200.run"],
    );
    assert_eq!(json.status.code(), Some(2));
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let d = &report[0]["diagnostics"][0];
    assert_eq!(
        (d["line"].as_u64(), d["severity"].as_str()),
        (Some(23), Some("error"))
    );
}

#[test]
fn strict_turns_a_container_tag_into_an_error() {
    let out = repro(
        Path::new(ROOT),
        &["check", "--strict", "specs/gpt3-512xh200.run"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("pinned by tag"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn fmt_rewrites_and_check_reports() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("x.run");
    std::fs::write(&file, "run \"x\" {\n      runs=3   # three\n}\n").unwrap();
    let check = repro(dir.path(), &["fmt", "--check", "x.run"]);
    assert_eq!(check.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "run \"x\" {\n      runs=3   # three\n}\n"
    );
    let fmt = repro(dir.path(), &["fmt", "x.run"]);
    assert!(fmt.status.success());
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "run \"x\" {\n  runs = 3 # three\n}\n"
    );
    std::fs::write(&file, b"run \"x\" {\xff}").unwrap();
    let bad = repro(dir.path(), &["fmt", "x.run"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("not valid UTF-8 (byte 0xFF at offset 9)"));
}

#[test]
fn the_committed_lock_regenerates_byte_identically_elsewhere() {
    let dir = scratch_project();
    let committed = std::fs::read(Path::new(ROOT).join("lockfiles/smoke-local.lock")).unwrap();
    std::fs::remove_file(dir.path().join("lockfiles/smoke-local.lock")).unwrap();
    let out = repro(dir.path(), &["lock", "specs/smoke-local.run"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "created lockfiles/smoke-local.lock (smoke-local)\n"
    );
    assert_eq!(
        std::fs::read(dir.path().join("lockfiles/smoke-local.lock")).unwrap(),
        committed
    );
    let again = repro(dir.path(), &["lock", "--check", "specs/smoke-local.run"]);
    assert!(again.status.success(), "{}", text(&again.stderr));
}

#[test]
fn locked_refuses_a_drifted_spec_and_names_the_field() {
    let dir = scratch_project();
    let spec = dir.path().join("specs/smoke-local.run");
    let src = std::fs::read_to_string(&spec).unwrap();
    std::fs::write(&spec, src.replace("runs = 5", "runs = 7")).unwrap();
    let out = repro(dir.path(), &["lock", "--locked", "specs/smoke-local.run"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("`run.runs` no longer matches `lockfiles/smoke-local.lock`"),
        "{stderr}"
    );
    assert!(stderr.contains("locked 5, now 7"), "{stderr}");
    // `repro run --locked` refuses before running anything.
    let run = repro(dir.path(), &["run", "--locked", "specs/smoke-local.run"]);
    assert_eq!(run.status.code(), Some(2));
    assert!(!dir.path().join("runs").exists());
}

#[test]
fn plan_prints_the_resolved_plan() {
    // No network here: drop the GitHub source so that nothing needs resolving.
    let dir = scratch_project();
    let base = dir.path().join("specs/gpt3-512xh200.run");
    let src = std::fs::read_to_string(&base).unwrap();
    let kept: Vec<&str> = src
        .lines()
        .filter(|l| !l.contains("source training"))
        .collect();
    std::fs::write(&base, kept.join("\n")).unwrap();
    let out = repro(
        dir.path(),
        &["plan", "--format", "json", "specs/gpt3-1024xh200.run"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let plans: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let groups = &plans[0]["groups"];
    assert_eq!(groups["hardware"]["nodes"], 128);
    assert_eq!(groups["hardware"]["gpu"], "NVIDIA H200-SXM5-141GB");
    assert_eq!(groups["hparams"]["global_batch_size"], 4096);
    assert_eq!(groups["hparams"]["opt_base_learning_rate"], 2e-5);
}

#[test]
fn an_unreachable_source_names_the_url_and_suggests_offline() {
    // The shipped specs pin full commit ids; a branch name needs the remote.
    let dir = scratch_project();
    let spec = dir.path().join("specs/gpt3-512xh200.run");
    let src = std::fs::read_to_string(&spec).unwrap();
    let src = src.replace(
        "ref = \"b87b9e396f771345d4ef122ba33456304f15228d\"",
        "ref = \"main\"",
    );
    std::fs::write(&spec, src).unwrap();
    let out = repro(dir.path(), &["plan", "specs/gpt3-1024xh200.run"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("cannot resolve source `training`"),
        "{stderr}"
    );
    assert!(stderr.contains("specs/gpt3-512xh200.run:19:23"), "{stderr}");
}

/// The shipped GPT-3 spec with one edit, checked in a scratch copy of the project.
fn check_edited(from: &str, to: &str) -> (Option<i32>, String) {
    let dir = scratch_project();
    let spec = dir.path().join("specs/gpt3-512xh200.run");
    let src = std::fs::read_to_string(&spec).unwrap();
    assert!(src.contains(from), "{from}");
    std::fs::write(&spec, src.replace(from, to)).unwrap();
    let out = repro(dir.path(), &["check", "specs/gpt3-512xh200.run"]);
    let stderr = text(&out.stderr);
    let errors: Vec<&str> = stderr
        .split("\n\n")
        .filter(|d| d.starts_with("error"))
        .collect();
    (out.status.code(), errors.join("\n\n"))
}

#[test]
fn an_unknown_benchmark_is_an_error_with_did_you_mean() {
    let (code, errors) = check_edited("mlperf.training.gpt3", "mlperf.training.gtp3");
    assert_eq!(code, Some(2));
    insta::assert_snapshot!("unknown_benchmark", errors);
}

#[test]
fn a_misspelled_closed_division_hparam_is_an_error_with_did_you_mean() {
    let (code, errors) = check_edited("global_batch_size = 2048", "global_batch_sise = 2048");
    assert_eq!(code, Some(2));
    insta::assert_snapshot!("misspelled_closed_hparam", errors);
}

#[test]
fn a_unit_after_a_space_points_at_the_value() {
    let (code, errors) = check_edited("gpu_memory = 141GB", "gpu_memory = 141 GB");
    assert_eq!(code, Some(2));
    insta::assert_snapshot!("spaced_unit", errors);
}

#[test]
fn every_shipped_spec_dry_runs_offline_and_writes_nothing() {
    let dir = scratch_project();
    std::fs::remove_dir_all(dir.path().join("lockfiles")).unwrap();
    for spec in specs() {
        let out = repro(dir.path(), &["run", "--offline", "--dry-run", &spec]);
        assert_eq!(out.status.code(), Some(0), "{spec}: {}", text(&out.stderr));
        let stdout = text(&out.stdout);
        assert!(stdout.starts_with("# "), "{spec}: {stdout}");
    }
    for left in ["lockfiles", "runs", "results"] {
        assert!(!dir.path().join(left).exists(), "a dry run wrote `{left}`");
    }
}

#[test]
fn a_spec_run_from_another_directory_resolves_paths_from_its_own_file() {
    let project = scratch_project();
    let elsewhere = tempfile::tempdir().unwrap();
    let spec = project.path().join("specs/gpt3-512xh200.run");
    let spec = spec.to_str().unwrap();
    let out = repro(elsewhere.path(), &["run", "--frozen", "--dry-run", spec]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    // `use`, the NeMo template and the workload declaration came from the project; the lock
    // (`--frozen`) from the project's `lockfiles/`; only the run folder is relative to here.
    assert!(stdout.contains("export MINIBS=128"), "{stdout}");
    assert!(stdout.contains("./run_and_time.sh"), "{stdout}");
    assert!(
        stdout.contains("create the run folder `runs/gpt3-512xh200/"),
        "{stdout}"
    );
    assert!(std::fs::read_dir(elsewhere.path())
        .unwrap()
        .next()
        .is_none());
}

/// The flagship's rendered `templates/nemo.sbatch`: preflight, NeMo environment from the
/// workload declaration, and the pyxis container flags (image by digest, workdir).
#[test]
fn the_flagship_dry_run_renders_the_nemo_script() {
    let dir = scratch_project();
    let spec = dir.path().join("specs/gpt3-512xh200.run");
    let src = std::fs::read_to_string(&spec).unwrap().replace(
        "\"nvcr.io/nvidia/nemo:24.09\"",
        &format!("\"nvcr.io/nvidia/nemo@sha256:{}\"", "0".repeat(64)),
    );
    std::fs::write(&spec, src).unwrap();
    let out = repro(
        dir.path(),
        &["run", "--offline", "--dry-run", "specs/gpt3-512xh200.run"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let start = stdout.find("#!/bin/bash").unwrap();
    let script = &stdout[start..];
    // Paths that depend on the machine and the moment: the run folder and the binary.
    let run_root = script
        .lines()
        .find_map(|l| l.strip_prefix("RUN_ROOT="))
        .unwrap()
        .to_string();
    let repro_bin = script
        .lines()
        .find_map(|l| l.strip_prefix("REPRO="))
        .unwrap()
        .to_string();
    let script = script
        .replace(&run_root, "[RUN_ROOT]")
        .replace(&repro_bin, "[REPRO]");
    insta::assert_snapshot!("flagship_nemo_sbatch", script);
}

#[test]
fn every_spec_has_a_committed_lock_that_regenerates_offline() {
    let dir = scratch_project();
    let committed: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(dir.path().join("lockfiles"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| (p.clone(), std::fs::read(&p).unwrap()))
        .collect();
    std::fs::remove_dir_all(dir.path().join("lockfiles")).unwrap();
    for spec in specs() {
        let out = repro(dir.path(), &["lock", "--offline", &spec]);
        assert!(out.status.success(), "{spec}: {}", text(&out.stderr));
    }
    let mut regenerated: Vec<PathBuf> = std::fs::read_dir(dir.path().join("lockfiles"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    regenerated.sort();
    let mut names: Vec<&PathBuf> = committed.iter().map(|(p, _)| p).collect();
    names.sort();
    assert_eq!(
        regenerated.iter().collect::<Vec<_>>(),
        names,
        "one committed lock per plan"
    );
    for (path, bytes) in &committed {
        assert_eq!(&std::fs::read(path).unwrap(), bytes, "{}", path.display());
    }
    let lock = std::fs::read_to_string(dir.path().join("lockfiles/gpt3-512xh200.lock")).unwrap();
    assert!(
        lock.contains("commit = \"b87b9e396f771345d4ef122ba33456304f15228d\"\nfetched = false\n"),
        "{lock}"
    );
}

#[test]
fn dry_run_renders_the_slurm_script_and_submits_nothing() {
    let dir = scratch_project();
    let out = repro(
        dir.path(),
        &[
            "run",
            "--executor",
            "slurm",
            "--dry-run",
            "specs/smoke-local.run",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("#SBATCH --array=0-4"), "{stdout}");
    assert!(stdout.contains("#SBATCH --ntasks-per-node=2"), "{stdout}");
    assert!(stdout.contains("SEEDS=( 1 2 3 4 5 )"), "{stdout}");
    assert!(
        !dir.path().join("runs").exists(),
        "a dry run creates no run folder"
    );
}

/// The published fixtures (`../shared/fixtures` beside the clone), if present.
fn fixtures() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("REPRO_SHARED").map(PathBuf::from),
        Some(Path::new(ROOT).join("../shared")),
        Some(PathBuf::from("/work/shared")),
    ];
    let found = candidates
        .into_iter()
        .flatten()
        .map(|p| p.join("fixtures/mlperf-training-4.1"))
        .find(|p| p.is_dir());
    if found.is_none() {
        eprintln!("SKIPPED: no published MLPerf fixtures (set REPRO_SHARED)");
    }
    found
}

/// The round of the published samples (the default `--ruleset` is the newest round).
const R41: &str = "mlperf-training-4.1";

#[test]
fn verify_holds_a_published_result_against_a_spec() {
    let Some(fx) = fixtures() else { return };
    let azure = fx.join("Azure").display().to_string();
    let oracle = fx.join("Oracle").display().to_string();
    let spec = "specs/llama2-70b-lora-512xh200.run";
    let ok = repro(
        Path::new(ROOT),
        &["verify", &azure, "--spec", spec, "--ruleset", R41],
    );
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stdout));
    // Without `--ruleset`, the spec's rule set (v4.1) is used, not the newest round's, and
    // the hparams no log reports are skipped with a warning each.
    let ok = repro(Path::new(ROOT), &["verify", &azure, "--spec", spec]);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stdout));
    assert!(
        text(&ok.stdout).contains("warning: [spec] hparam `tensor_model_parallel` (specs/llama2-70b-lora-512xh200.run:39): no log reports it, so it is not checked"),
        "{}",
        text(&ok.stdout)
    );
    let bad = repro(
        Path::new(ROOT),
        &["verify", &oracle, "--spec", spec, "--ruleset", R41],
    );
    assert_eq!(bad.status.code(), Some(1));
    let out = text(&bad.stdout);
    assert!(
        out.contains("the spec pins \"0.0005\" (specs/llama2-70b-lora-512xh200.run:30)"),
        "{out}"
    );
    assert!(out.contains("H200-SXM5-141GB"), "{out}");
    // The host CPU, the GPU memory (as bytes: 143771MiB is not "80 GB") and the driver (the
    // CUDA driver, when a description states one) are held too.
    for line in [
        "host CPU: the spec pins \"Intel(R) Xeon(R) Platinum 8480C\" (specs/llama2-70b-lora-512xh200.run:18), the result has \"Intel(R) Xeon(R) Platinum 8480+\"",
        "GPU memory: the spec pins \"143771MiB\" (specs/llama2-70b-lora-512xh200.run:16), the result has \"80 GB\"",
        "driver version: the spec pins \"550.90.07\" (specs/llama2-70b-lora-512xh200.run:17), the result has \"550.54.15\"",
    ] {
        assert!(out.contains(line), "{line}\n{out}");
    }
    // Oracle's own spec (imported by `repro import`) verifies: its system description names
    // two drivers, and the spec pins the CUDA driver, which is what verify holds it against.
    let own = repro(
        Path::new(ROOT),
        &[
            "verify",
            &oracle,
            "--spec",
            "specs/llama2-70b-lora-512xh100.run",
            "--ruleset",
            R41,
        ],
    );
    let out = text(&own.stdout);
    assert_eq!(own.status.code(), Some(0), "{out}");
    assert_eq!(out.matches("error: [spec]").count(), 0, "{out}");
}

#[test]
fn rules_list_shows_every_round_and_which_rounds_have_a_benchmark() {
    let all = repro(Path::new(ROOT), &["rules", "list"]);
    assert_eq!(all.status.code(), Some(0));
    let out = text(&all.stdout);
    let names: Vec<&str> = out.lines().map(|l| l.split(':').next().unwrap()).collect();
    assert_eq!(
        names,
        ["4.0", "4.1", "5.0", "5.1", "6.0", "6.1"].map(|r| format!("mlperf-training-{r}"))
    );
    assert!(
        out.contains("mlperf-training-6.1: llama31_8b, flux1, llama2_70b_lora, gpt_oss_20b, deepseekv3_671b, qwen35_397b_grpo, dlrmv4"),
        "{out}"
    );
    let one = repro(
        Path::new(ROOT),
        &["rules", "list", "--benchmark", "stable_diffusion"],
    );
    assert_eq!(
        text(&one.stdout),
        "stable_diffusion: mlperf-training-4.0, mlperf-training-4.1, mlperf-training-5.0\n"
    );
    let none = repro(Path::new(ROOT), &["rules", "list", "--benchmark", "nope"]);
    assert_eq!(none.status.code(), Some(1));
    assert_eq!(
        text(&none.stderr),
        "error: no round has the benchmark `nope`\nhelp: `repro rules list` shows every round's benchmarks\n"
    );
}

#[test]
fn completions_cover_every_subcommand_and_bash_accepts_them() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (shell, marker) in [
        ("bash", "_repro()"),
        ("zsh", "#compdef repro"),
        ("fish", "complete -c repro"),
    ] {
        let out = repro(root, &["completions", shell]);
        assert!(out.status.success(), "{shell}: {}", text(&out.stderr));
        let script = text(&out.stdout);
        assert!(script.contains(marker), "{shell}: no `{marker}`");
        for sub in ["verify", "compare", "run", "lock", "rules", "probe"] {
            assert!(script.contains(sub), "{shell}: `{sub}` missing");
        }
    }
    let bash = repro(root, &["completions", "bash"]).stdout;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("repro.bash");
    std::fs::write(&file, bash).unwrap();
    let syntax = std::process::Command::new("bash")
        .arg("-n")
        .arg(&file)
        .output()
        .unwrap();
    assert!(syntax.status.success(), "{}", text(&syntax.stderr));
    let bad = repro(root, &["completions", "tcsh"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn the_man_page_is_roff_and_lists_the_commands() {
    let out = repro(Path::new(env!("CARGO_MANIFEST_DIR")), &["man"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let page = text(&out.stdout);
    assert!(
        page.starts_with(".ie") || page.contains(".TH repro"),
        "{page}"
    );
    assert!(page.contains(".TH repro"));
    for sub in ["verify", "compare", "run", "completions"] {
        assert!(page.contains(sub), "`{sub}` missing from the man page");
    }
}
