//! A compiled plan's olympic drop count comes from its rule book: the shipped round's package
//! data for the plan's benchmark, or the rules file's declaration (smoke-local).

use std::path::{Path, PathBuf};

use repro_compiler::rules::RuleBook;
use repro_runner::session::RunPlan;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn run_plan(spec: &str) -> RunPlan {
    let opts = repro_compiler::Options {
        root: Some(root()),
        offline: true,
        locked: true,
        ..Default::default()
    };
    let compiled = repro_compiler::compile(&root().join(spec), &opts)
        .unwrap_or_else(|f| panic!("{}", f.render()));
    RunPlan::from_plan(&compiled.plans[0], &root()).unwrap()
}

#[test]
fn smoke_plan_takes_the_rules_file_declaration() {
    let plan = run_plan("specs/smoke-local.run");
    assert_eq!(plan.ruleset, "smoke-local");
    assert_eq!(plan.dropped_allowed, 1);
}

#[test]
fn round_plan_takes_the_rounds_count_for_its_benchmark() {
    let plan = run_plan("specs/llama2-70b-lora-512xh100.run");
    let book = RuleBook::by_name(&plan.ruleset).unwrap().unwrap();
    assert_eq!(
        plan.dropped_allowed,
        book.dropped_allowed_for("llama2_70b_lora")
    );
    assert_eq!(plan.dropped_allowed, 1);
}
