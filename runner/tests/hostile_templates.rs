//! Values are data: every template under `templates/` (and the built-in sbatch template) is
//! rendered with a corpus of hostile values, one field at a time and in every field at once.
//! A value with a control character must be refused by the renderer; every other rendering
//! must pass `bash -n` and, run by bash (with stub `srun`/`scontrol`), must never create the
//! canary file that each hostile value tries to create.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use repro_compiler::Pins;
use repro_runner::launch::{LaunchError, Template};
use repro_runner::slurm::{Container, Paths, Script, SlurmError, SlurmRequest};
use serde_json::{json, Value};

/// Values that try to run `touch CANARY` from a script, a directive or a comment.
fn corpus(canary: &Path) -> Vec<String> {
    let c = canary.display();
    vec![
        format!("$(touch {c})"),
        format!("`touch {c}`"),
        format!("'; touch {c}; echo '"),
        format!("\"; touch {c}; echo \""),
        format!("x && touch {c}"),
        format!("x; touch {c}"),
        format!("x | touch {c}"),
        format!("x > {c}"),
        format!("\\'; touch {c} #"),
        format!("${{IFS}}touch${{IFS}}{c}"),
        format!("~; touch {c}"),
        format!("=x; touch {c}"),
        format!("%A; touch {c}"),
        format!("x\u{2028}touch {c}"),
        // Refused by the renderer: each would end a line (a comment, a directive).
        format!("inj\ntouch {c} # "),
        format!("gpu\ntouch {c} #"),
        format!("x\rtouch {c}"),
        format!("x\u{0}touch {c}"),
        format!("x\u{b}touch {c}"),
        format!("x\u{c}touch {c}"),
        format!("x\u{1b}]0;touch {c}\u{7}"),
        format!("x\u{85}touch {c}"),
        format!("x\u{7f}touch {c}"),
    ]
}

fn has_control(value: &str) -> bool {
    value.chars().any(char::is_control)
}

fn templates_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../templates")
}

/// Every template file shipped under `templates/`, recursively.
fn all_templates() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![templates_dir()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    assert!(out.len() >= 3, "templates not found: {out:?}");
    out
}

/// Paths of every string leaf of a JSON value (`container.mounts[0]`), as JSON pointers.
fn string_leaves(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::String(_) => out.push(at),
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                string_leaves(v, format!("{at}/{i}"), out);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                string_leaves(v, format!("{at}/{k}"), out);
            }
        }
        _ => {}
    }
}

/// One variant per string field (that field hostile), plus one with every field hostile.
fn variants(base: &Value, hostile: &str) -> Vec<(String, Value)> {
    let mut leaves = Vec::new();
    string_leaves(base, String::new(), &mut leaves);
    // The template's own path is read, not rendered.
    leaves.retain(|leaf| leaf != "/template");
    let mut out = Vec::new();
    let mut all = base.clone();
    for leaf in &leaves {
        let mut one = base.clone();
        *one.pointer_mut(leaf).unwrap() = Value::from(hostile);
        *all.pointer_mut(leaf).unwrap() = Value::from(hostile);
        out.push((leaf.clone(), one));
    }
    out.push(("every field".into(), all));
    out
}

/// A benign request that sets every optional field, so that every branch renders.
fn benign_request() -> SlurmRequest {
    SlurmRequest {
        plan: "plan".into(),
        nodes: 1,
        ranks_per_node: 1,
        gpus_per_node: 1,
        runs: 1,
        seeds: vec![1],
        partition: Some("gpu".into()),
        account: Some("acct".into()),
        time_minutes: Some(5),
        exclusive: true,
        constraint: Some("h100".into()),
        container: Some(Container {
            image: "img".into(),
            mounts: vec!["/a:/b".into()],
            workdir: Some("/w".into()),
        }),
        command: vec!["true".into(), "arg".into()],
        env: vec![("NAME".into(), "value".into())],
        template: None,
        pins: Pins {
            gpu: Some("NVIDIA H100".into()),
            driver: Some("550".into()),
            cuda: Some("12.6".into()),
            nccl: Some("2.22".into()),
            ..Pins::default()
        },
    }
}

/// Values as the local session passes them (`session::execute::template_values`).
fn benign_local_values(dir: &Path) -> Value {
    json!({
        "plan": "plan",
        "run_id": "1-0",
        "run_index": 0,
        "run_dir": dir.display().to_string(),
        "seed": 1,
        "nodes": 1,
        "ranks_per_node": 1,
        "world_size": 1,
        "workdir": dir.display().to_string(),
        "command": "true",
        "args": ["arg"],
        "env": {"NAME": "value"},
        "hparams": {"lr": "2e-5"},
        "partition": "gpu",
        "account": "acct",
        "constraint": "h100",
        "container": "img",
    })
}

/// A folder of stub Slurm commands that do nothing, first on `PATH`.
fn stub_bin(dir: &Path) -> PathBuf {
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    for name in ["srun", "scontrol", "sbatch"] {
        let path = bin.join(name);
        std::fs::write(&path, "#!/bin/sh\nexit 0\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    bin
}

/// `bash -n` accepts it, and running it never creates `canary`.
fn assert_inert(script: &str, dir: &Path, canary: &Path, what: &str) {
    let path = dir.join("script.sh");
    std::fs::write(&path, script).unwrap();
    let syntax = Command::new("bash").arg("-n").arg(&path).output().unwrap();
    assert!(
        syntax.status.success(),
        "{what}: bash -n rejected:\n{script}\n{}",
        String::from_utf8_lossy(&syntax.stderr)
    );
    let path_var = format!(
        "{}:{}",
        stub_bin(dir).display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let _ = Command::new("bash")
        .arg(&path)
        .current_dir(dir)
        .env("PATH", path_var)
        .env("SLURM_ARRAY_TASK_ID", "0")
        .env("SLURM_JOB_ID", "1")
        .env("SLURM_JOB_NODELIST", "node1")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(!canary.exists(), "{what}: a value ran as code:\n{script}");
}

#[test]
fn every_sbatch_template_keeps_hostile_values_inert() {
    let sbatch: Vec<Option<PathBuf>> = std::iter::once(None)
        .chain(
            all_templates()
                .into_iter()
                .filter(|p| p.extension().is_some_and(|e| e == "sbatch"))
                .map(Some),
        )
        .collect();
    assert!(sbatch.len() >= 3, "{sbatch:?}");
    let mut rendered = 0;
    for template in &sbatch {
        let dir = tempfile::tempdir().unwrap();
        let canary = dir.path().join("canary");
        let mut base = benign_request();
        base.template = template.clone();
        let base = serde_json::to_value(&base).unwrap();
        for hostile in corpus(&canary) {
            for (field, value) in variants(&base, &hostile) {
                let what = format!("{template:?} with `{field}` = {hostile:?}");
                let request: SlurmRequest = serde_json::from_value(value).unwrap();
                let paths = Paths {
                    run_root: dir.path().join("runs/plan/r1"),
                    repro: dir.path().join("bin/repro"),
                };
                match Script::render(&request, &paths) {
                    Err(SlurmError::Launch(LaunchError::ControlChar { .. })) => {
                        assert!(has_control(&hostile), "{what}: refused a plain value");
                    }
                    // Env names are rendered bare and checked to be identifiers.
                    Err(SlurmError::Request { field: f, .. }) if f == "env" => {
                        assert!(field.starts_with("/env/") || field == "every field");
                    }
                    // Plan names follow the name grammar before anything renders.
                    Err(SlurmError::Request { field: f, .. }) if f == "plan" => {
                        assert!(field == "/plan" || field == "every field", "{what}");
                    }
                    Err(e) => panic!("{what}: {e}"),
                    Ok(script) => {
                        // Pins travel JSON-encoded, where a control character is an escape.
                        let raw = has_control(&hostile) && script.text.contains(&hostile);
                        assert!(!raw, "{what}: rendered a control character");
                        assert_inert(&script.text, dir.path(), &canary, &what);
                        rendered += 1;
                    }
                }
            }
        }
    }
    assert!(rendered > 100, "only {rendered} renderings ran");
}

#[test]
fn every_local_template_keeps_hostile_values_inert() {
    let local: Vec<PathBuf> = all_templates()
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "sh"))
        .collect();
    assert!(!local.is_empty());
    let mut rendered = 0;
    for path in &local {
        let template = Template::load(path).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let canary = dir.path().join("canary");
        let base = benign_local_values(dir.path());
        for hostile in corpus(&canary) {
            for (field, values) in variants(&base, &hostile) {
                let what = format!("{} with `{field}` = {hostile:?}", path.display());
                match template.render(&values) {
                    Err(LaunchError::ControlChar { .. }) => {
                        assert!(has_control(&hostile), "{what}: refused a plain value");
                    }
                    Err(e) => panic!("{what}: {e}"),
                    Ok(script) => {
                        assert!(
                            !has_control(&hostile),
                            "{what}: rendered a control character"
                        );
                        assert_inert(&script, dir.path(), &canary, &what);
                        rendered += 1;
                    }
                }
            }
        }
    }
    assert!(rendered > 20, "only {rendered} renderings ran");
}
