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

/// Every round the registry carries loads, and the checks the converter now translates with
/// builtins (`is_integer`, `log2`, `abs`, `pow`) give the official checker's verdicts
/// (`is_integer(math.log2(v['value'] / 0.0001))`, `abs(v['value'] - 2.4e-05 * (gbs / 16384) ** 0.5) < 1e-9`).
#[test]
fn every_round_loads_and_builtin_checks_follow_python() {
    use repro_compiler::rules::{evaluate, truthy, Context, History, RuleBook};
    use serde_json::{json, Value};

    struct Line(Value, Value);
    impl Context for Line {
        fn name(&self, name: &str) -> Option<Value> {
            (name == "value").then(|| self.0.clone())
        }
        fn history(&self, f: History, key: &str) -> Value {
            match (f, key) {
                (History::Seen, "global_batch_size") => json!(true),
                (History::Last | History::First, "global_batch_size") => self.1.clone(),
                _ => Value::Null,
            }
        }
    }
    let rounds = RuleBook::rounds();
    assert_eq!(rounds.len(), 6, "{rounds:?}");
    for round in &rounds {
        RuleBook::by_name(round)
            .unwrap()
            .unwrap_or_else(|e| panic!("{round}: {e}"));
    }
    let check = |round: &str, set: &str, key: &str, value: Value, gbs: Value| -> bool {
        let book = RuleBook::by_name(round).unwrap().unwrap();
        let set = book.sets.iter().find(|s| s.name.ends_with(set)).unwrap();
        let rule = set.keys.iter().find(|k| k.key == key).unwrap();
        rule.checks
            .iter()
            .all(|c| evaluate(&c.expr, &Line(value.clone(), gbs.clone())).is_ok_and(|v| truthy(&v)))
    };
    let wd = |v: Value| {
        check(
            "mlperf-training-4.0",
            "closed_resnet_sgd",
            "sgd_opt_weight_decay",
            v,
            Value::Null,
        )
    };
    assert!(wd(json!(0.0008)));
    assert!(wd(json!(0.0001)));
    assert!(!wd(json!(0.0003)));
    assert!(
        !wd(json!(0.0)),
        "log2(0) is a ValueError in Python: a failed check"
    );
    let lr = |v: Value, gbs: i64| {
        check(
            "mlperf-training-6.0",
            "closed_deepseekv3_671b",
            "opt_base_learning_rate",
            v,
            json!(gbs),
        )
    };
    assert!(lr(json!(2.4e-05), 16384));
    assert!(lr(json!(4.8e-05), 65536));
    assert!(!lr(json!(2.4e-05), 65536));
    let tp = |v: Value| {
        check(
            "mlperf-training-6.1",
            "common",
            "tensor_parallelism",
            v,
            Value::Null,
        )
    };
    assert!(tp(json!(8)));
    assert!(!tp(json!(8.5)));
    assert!(!tp(json!(0)));
}

/// `repro check` drops an hparam no rule set reads once it is checked
/// (`Options::discard_unruled_hparams`): what it reports is what a full check reports, and
/// the hparams the rules read are still checked against them.
#[test]
fn a_check_that_drops_unruled_hparams_reports_the_same() {
    use repro_compiler::compile::compile_each;
    let p = project();
    let spec = p.read("specs/gpt3-closed.run");
    let check = |discard: bool| {
        let opts = repro_compiler::options::Options {
            validate_only: true,
            discard_unruled_hparams: discard,
            ..p.opts()
        };
        let mut plans = Vec::new();
        let result = compile_each(&p.path("specs/gpt3-closed.run"), &opts, |plan| {
            plans.push(plan)
        });
        (
            result.map(|c| c.render_warnings()).map_err(|f| f.render()),
            plans,
        )
    };
    // The bad-lr run breaks the rules: the same errors either way.
    let (full, _) = check(false);
    let (dropping, _) = check(true);
    assert!(full.is_err());
    assert_eq!(dropping, full);
    // A valid spec with an hparam no rule reads: only that one is dropped.
    let cut = spec.find("run \"gpt3-closed-bad-lr\"").unwrap();
    let with_note = spec[..cut].replace(
        "  hparams {\n",
        "  hparams {\n    my_note = \"kept only by a full check\"\n",
    );
    p.write("specs/gpt3-closed.run", &with_note);
    let (full, full_plans) = check(false);
    let (dropping, dropping_plans) = check(true);
    assert!(full.is_ok(), "{full:?}");
    assert_eq!(dropping, full);
    let keys = |plans: &[repro_compiler::plan::Plan]| -> Vec<String> {
        plans[0].hparams().keys().cloned().collect()
    };
    assert_eq!(
        keys(&full_plans),
        [
            "global_batch_size",
            "my_note",
            "opt_adam_beta_2",
            "opt_base_learning_rate"
        ]
    );
    assert_eq!(
        keys(&dropping_plans),
        [
            "global_batch_size",
            "opt_adam_beta_2",
            "opt_base_learning_rate"
        ]
    );
    // A dropped hparam is still checked: a line break in it is the same error.
    p.write(
        "specs/gpt3-closed.run",
        &with_note.replace("kept only by a full check", "two\\nlines"),
    );
    let (full, _) = check(false);
    let (dropping, _) = check(true);
    assert!(
        full.as_ref()
            .is_err_and(|e| e.contains("control character")),
        "{full:?}"
    );
    assert_eq!(dropping, full);
}
