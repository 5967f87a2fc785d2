//! Compile-time rule checks with the real MLPerf Training 4.1 rule set (`specs/rules/`).

use std::path::Path;

use crate::support::Project;

fn project() -> Project {
    let p = Project::fixture("rules");
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/rules/mlperf-training-4.1");
    for entry in std::fs::read_dir(&rules).expect("specs/rules from the mlperf branch") {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".run") {
            p.write(
                &format!("rules/mlperf-training-4.1/{name}"),
                &std::fs::read_to_string(entry.path()).unwrap(),
            );
        }
    }
    p
}

#[test]
fn closed_gpt3_rejects_a_learning_rate_outside_the_rules() {
    let p = project();
    insta::assert_snapshot!(p.lock_err("specs/gpt3-closed.run"));
}

#[test]
fn allowed_values_lock_and_record_the_rule_sets() {
    let p = project();
    let spec = p.read("specs/gpt3-closed.run");
    let cut = spec.find("run \"gpt3-closed-bad-lr\"").unwrap();
    p.write("specs/gpt3-closed.run", &spec[..cut]);
    let (compiled, _) = p.lock_ok("specs/gpt3-closed.run");
    let plan = &compiled.plans[0];
    assert_eq!(
        plan.settings().ruleset.as_deref(),
        Some("mlperf-training-4.1")
    );
    let lock = p.read("lockfiles/gpt3-closed.lock");
    assert_eq!(
        plan.lock.file_hash(),
        repro_compiler::hash::sha256(lock.as_bytes())
    );
    let rulesets = &lock[lock.find("[rulesets]").unwrap()..lock.find("[inputs]").unwrap()];
    insta::assert_snapshot!(rulesets);
    assert!(lock.contains("\"rules/mlperf-training-4.1/closed_gpt3.run\" = \"sha256:"));
}

#[test]
fn a_changed_rule_file_is_drift_under_locked() {
    let p = project();
    let spec = p.read("specs/gpt3-closed.run");
    let cut = spec.find("run \"gpt3-closed-bad-lr\"").unwrap();
    p.write("specs/gpt3-closed.run", &spec[..cut]);
    p.lock_ok("specs/gpt3-closed.run");
    let rule = "rules/mlperf-training-4.1/closed_gpt3.run";
    let text = p
        .read(rule)
        .replace("value == 0.95", "value == 0.95 or value == 0.99");
    p.write(rule, &text);
    let locked = repro_compiler::Options {
        locked: true,
        ..p.opts()
    };
    let err = p.lock_err_with("specs/gpt3-closed.run", locked);
    assert!(
        err.contains("input file `rules/mlperf-training-4.1/closed_gpt3.run` no longer matches"),
        "{err}"
    );
}
