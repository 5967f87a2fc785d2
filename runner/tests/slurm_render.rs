//! Rendering of sbatch scripts and `--dry-run` output: snapshots, quoting of hostile
//! values, and syntax checks with `bash -n`.

use std::path::{Path, PathBuf};
use std::process::Command;

use repro_compiler::Pins;
use repro_runner::session::RunPlan;
use repro_runner::slurm::{Container, DryRun, Paths, Script, SlurmError, SlurmRequest};
use serde_json::json;

/// The facts of `specs/gpt3-512xh100-eos.run` (64 nodes x 8 H100, pinned container, 3 runs).
fn eos_gpt3() -> SlurmRequest {
    SlurmRequest {
        plan: "gpt3-512xh100-eos".into(),
        nodes: 64,
        ranks_per_node: 8,
        gpus_per_node: 8,
        runs: 3,
        seeds: vec![11, 12, 13],
        partition: Some("gpu".into()),
        account: None,
        time_minutes: Some(120),
        exclusive: true,
        constraint: None,
        container: Some(Container {
            image: "nvcr.io/nvidia/nemo:24.09".into(),
            mounts: vec!["/lustre/data:/data".into(), "/lustre/ckpt:/ckpt".into()],
            workdir: Some("/workspace/llm".into()),
        }),
        command: vec![
            "python".into(),
            "pretrain.py".into(),
            "--config".into(),
            "gpt3 175b.yaml".into(),
        ],
        env: vec![("global_batch_size".into(), "2048".into())],
        template: None,
        pins: Pins {
            gpu: Some("NVIDIA H100-SXM5-80GB".into()),
            gpus_per_node: 8,
            driver: Some("560.35.03".into()),
            ..Pins::default()
        },
    }
}

fn paths() -> Paths {
    Paths {
        run_root: PathBuf::from("/shared/runs/gpt3-512xh100-eos/r1"),
        repro: PathBuf::from("/shared/bin/repro"),
    }
}

fn bash_syntax_ok(script: &str) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("job.sbatch");
    std::fs::write(&path, script).unwrap();
    let status = Command::new("bash").arg("-n").arg(&path).status().unwrap();
    assert!(status.success(), "bash -n rejected:\n{script}");
}

#[test]
fn builtin_template_with_container() {
    let script = Script::render(&eos_gpt3(), &paths()).unwrap();
    bash_syntax_ok(&script.text);
    insta::assert_snapshot!(script.text);
}

#[test]
fn dry_run_prints_steps_then_script() {
    let mut request = eos_gpt3();
    request.container = None;
    request.partition = None;
    request.exclusive = false;
    request.account = Some("mlperf".into());
    request.constraint = Some("h100&ib".into());
    let dry = DryRun::new(&request, &paths()).unwrap();
    insta::assert_snapshot!(dry.to_string());
}

#[test]
fn hostile_values_stay_inert_words() {
    let mut request = eos_gpt3();
    let evil = "x'; touch /tmp/repro-pwned; echo '";
    request.partition = Some(evil.into());
    request.constraint = Some("$(touch /tmp/repro-pwned)".into());
    request.container.as_mut().unwrap().image = evil.into();
    request.command = vec!["echo".into(), "`id`".into(), evil.into()];
    request.env = vec![("NOTE".into(), "$(id) ; rm -rf ~".into())];
    let script = Script::render(&request, &paths()).unwrap().text;
    bash_syntax_ok(&script);
    assert!(
        script.contains("--partition='x'\\''; touch /tmp/repro-pwned; echo '\\'''"),
        "{script}"
    );
    assert!(
        script.contains("--constraint='$(touch /tmp/repro-pwned)'"),
        "{script}"
    );
    assert!(
        script.contains("export NOTE='$(id) ; rm -rf ~'"),
        "{script}"
    );
    assert!(script.contains("echo '`id`' 'x'\\''"), "{script}");
}

#[test]
fn spec_template_is_used_and_quoted() {
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("nemo.sbatch");
    std::fs::write(&template, "#!/bin/bash\n#SBATCH -N {{ nodes }} -p {{ partition }}\nsrun {{ command | join(sep=\" \") }}\n").unwrap();
    let mut request = eos_gpt3();
    request.template = Some(template);
    request.partition = Some("gpu a".into());
    let script = Script::render(&request, &paths()).unwrap().text;
    assert_eq!(
        script,
        "#!/bin/bash\n#SBATCH -N 64 -p 'gpu a'\nsrun 'python pretrain.py --config gpt3 175b.yaml'\n"
    );
}

#[test]
fn invalid_requests_name_the_field() {
    type Edit = fn(&mut SlurmRequest);
    let cases: Vec<(Edit, &str)> = vec![
        (
            |r| r.nodes = 0,
            "invalid value for `nodes`: expected at least 1 node",
        ),
        (
            |r| r.seeds.pop().map(drop).unwrap_or(()),
            "invalid value for `seeds`: expected 3 seeds (one per run), found 2",
        ),
        (
            |r| r.command.clear(),
            "invalid value for `command`: expected a workload command (`launch { command = [...] }`): the built-in sbatch template has no default",
        ),
        (
            |r| r.time_minutes = Some(0),
            "invalid value for `time`: expected at least 1 minute (Slurm counts whole minutes)",
        ),
        (
            |r| r.env = vec![("A B".into(), "1".into())],
            "invalid value for `env`: `A B` is not a shell variable name (letters, digits, `_`)",
        ),
    ];
    for (edit, message) in cases {
        let mut request = eos_gpt3();
        edit(&mut request);
        let err = Script::render(&request, &paths()).unwrap_err();
        assert!(matches!(err, SlurmError::Request { .. }));
        assert_eq!(err.to_string(), message);
    }
}

#[test]
fn missing_template_file_names_it() {
    let mut request = eos_gpt3();
    request.template = Some(PathBuf::from("/nonexistent/templates/nemo.sbatch"));
    let err = Script::render(&request, &paths()).unwrap_err().to_string();
    assert!(
        err.starts_with("cannot read launch template `/nonexistent/templates/nemo.sbatch`"),
        "{err}"
    );
}

fn smoke_plan() -> serde_json::Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../workloads/smoke-local.plan.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn plan(value: serde_json::Value) -> RunPlan {
    serde_json::from_value(value).unwrap()
}

#[test]
fn request_from_the_committed_smoke_plan() {
    let mut value = smoke_plan();
    value["launch"]["values"]["partition"] = json!("debug");
    value["launch"]["values"]["exclusive"] = json!(true);
    value["launch"]["values"]["container"] =
        json!({"image": "nvcr.io/nvidia/pytorch:24.09-py3", "mounts": ["/data:/data"]});
    value["launch"]["values"]["env"] = json!({"NCCL_DEBUG": "INFO"});
    value["time_limit_s"] = json!(61);
    let request = SlurmRequest::from_plan(&plan(value)).unwrap();
    assert_eq!(request.nodes, 1);
    assert_eq!(request.ranks_per_node, 2);
    assert_eq!(request.gpus_per_node, 0, "the smoke plan pins no GPUs");
    assert_eq!(request.seeds, [1, 2, 3, 4, 5]);
    assert_eq!(request.time_minutes, Some(2), "61 s rounds up to 2 minutes");
    assert_eq!(request.partition.as_deref(), Some("debug"));
    assert!(request.exclusive);
    assert_eq!(request.container.unwrap().mounts, ["/data:/data"]);
    assert_eq!(
        request.env,
        [("NCCL_DEBUG".to_string(), "INFO".to_string())]
    );
    assert_eq!(
        request.command,
        [
            "target/debug/smoke-sgd",
            "--lr",
            "0.002",
            "--target",
            "0.90",
            "--global-batch-size",
            "128"
        ]
    );
}

#[test]
fn plan_values_of_the_wrong_type_name_the_field() {
    let cases = [
        ("partition", json!(3), "invalid value for `launch.values.partition`: expected a string, found `3`"),
        ("exclusive", json!("yes"), "invalid value for `launch.values.exclusive`: expected `true` or `false`, found `\"yes\"`"),
        ("args", json!(["--lr", 2]), "invalid value for `launch.values.args`: expected a list of strings, found `2`"),
        ("env", json!({"A": 1}), "invalid value for `launch.values.env.A`: expected a string, found `1`"),
        ("container", json!(7), "invalid value for `launch.values.container`: expected an image name or `{ image, mounts, workdir }`, found `7`"),
    ];
    for (field, bad, message) in cases {
        let mut value = smoke_plan();
        value["launch"]["values"][field] = bad;
        let err = SlurmRequest::from_plan(&plan(value)).unwrap_err();
        assert_eq!(err.to_string(), message);
    }
}

#[test]
fn plan_template_is_the_spec_script_unless_the_local_default() {
    let mut value = smoke_plan();
    assert_eq!(
        SlurmRequest::from_plan(&plan(value.clone()))
            .unwrap()
            .template,
        None
    );
    value["launch"]["template"] = json!("templates/nemo.sbatch");
    let request = SlurmRequest::from_plan(&plan(value.clone())).unwrap();
    assert_eq!(
        request.template,
        Some(PathBuf::from("templates/nemo.sbatch"))
    );
    value["launch"]["values"]["script"] = json!("other.sbatch");
    let request = SlurmRequest::from_plan(&plan(value)).unwrap();
    assert_eq!(request.template, Some(PathBuf::from("other.sbatch")));
}

#[test]
fn dry_run_for_a_plan() {
    let dry = DryRun::for_plan(&plan(smoke_plan()), &paths()).unwrap();
    assert!(
        dry.script.contains("#SBATCH --array=0-4\n"),
        "{}",
        dry.script
    );
    assert!(!dry.script.contains("--gpus-per-node"), "{}", dry.script);
    assert!(dry.steps[1].contains("5 task(s)"), "{:?}", dry.steps);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]

    /// Whatever a value holds (quotes, `$(...)`, globs), bash reads back exactly it; a
    /// control character (a newline) is refused instead (`hostile_templates.rs`).
    #[test]
    fn env_values_round_trip_through_bash(value in "[ -~]{0,40}") {
        let mut request = eos_gpt3();
        request.env = vec![("NOTE".into(), value.clone())];
        let script = Script::render(&request, &paths()).unwrap().text;
        let start = script.find("export NOTE=").unwrap();
        let end = script[start..].find("\n\n# Step 1").unwrap() + start;
        let line = &script[start..end];
        let out = Command::new("bash")
            .arg("-c")
            .arg(format!("{line}\nprintf %s \"$NOTE\""))
            .output()
            .unwrap();
        proptest::prop_assert!(out.status.success());
        proptest::prop_assert_eq!(String::from_utf8_lossy(&out.stdout), value);
    }
}
