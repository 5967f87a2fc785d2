//! A list of plain integers is packed by the parser and the compiler (`LockValue::Ints`);
//! the run plan and the sbatch script rendered from it are those of the general list of the
//! same items (here the same list with one item in parentheses, which is never packed).

use std::path::PathBuf;

use repro_runner::session::RunPlan;
use repro_runner::slurm::{Paths, Script, SlurmRequest};

fn spec(xs: &str) -> String {
    format!(
        r#"use "rules/smoke-local.run"

let xs = {xs}
run "packed" {{
  benchmark = repro.smoke_sgd
  division = open
  hardware {{
    nodes = 1
    gpus_per_node = 0
  }}
  hparams {{
    xs = xs
    nested = [xs, [3]]
    joined = xs + [4]
  }}
  launch slurm {{
    partition = "gpu"
    time = 1h
    command = ["python", "train.py", "--xs", "${{xs}}"]
  }}
  runs = 2
}}
"#
    )
}

/// `sha256:` and its digits replaced: the spec's own text differs, so do its hash and the
/// plan hash over it.
fn mask_hashes(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find("sha256:") {
        out.push_str(&rest[..i + "sha256:".len()]);
        out.push_str("HASH");
        rest = rest[i + "sha256:".len()..].trim_start_matches(|c: char| c.is_ascii_hexdigit());
    }
    out.push_str(rest);
    out
}

/// The run plan (as JSON) and the sbatch script of the spec with `xs` as the list.
fn rendered(xs: &str) -> (String, String) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // A plan is only run with a rule set that scores it: the shipped one of the smoke workload.
    std::fs::create_dir_all(root.join("specs/rules")).unwrap();
    let rules = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../specs/rules/smoke-local.run");
    std::fs::copy(rules, root.join("specs/rules/smoke-local.run")).unwrap();
    std::fs::write(root.join("specs/l.run"), spec(xs)).unwrap();
    let opts = repro_compiler::Options {
        root: Some(root.to_path_buf()),
        offline: true,
        ..Default::default()
    };
    let compiled = repro_compiler::compile(&root.join("specs/l.run"), &opts)
        .unwrap_or_else(|f| panic!("{}", f.render()));
    let plan = RunPlan::from_plan(&compiled.plans[0], root).unwrap();
    let request = SlurmRequest::from_plan(&plan).unwrap();
    let paths = Paths {
        run_root: PathBuf::from("/shared/runs/packed/r1"),
        repro: PathBuf::from("/shared/bin/repro"),
    };
    let script = Script::render(&request, &paths).unwrap();
    let json = serde_json::to_string_pretty(&plan).unwrap();
    let root = root.to_string_lossy();
    (
        mask_hashes(&json.replace(&*root, "[root]")),
        mask_hashes(&script.text.replace(&*root, "[root]")),
    )
}

#[test]
fn a_packed_list_renders_as_the_general_list() {
    let packed = rendered("[0, 1, 2, 1000]");
    let general = rendered("[0, 1, (2), 1000]");
    assert_eq!(packed.0, general.0);
    assert_eq!(packed.1, general.1);
    assert!(
        packed.1.contains("[0, 1, 2, 1000]"),
        "the script holds the list:\n{}",
        packed.1
    );
}
