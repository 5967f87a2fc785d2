//! Sweeps (cartesian and zipped), sweep point names and lock file names, interpolated names.

use repro_compiler::compile::{compile, compile_each};
use repro_compiler::lockfile::LockValue;

use crate::support::Project;

#[test]
fn sweeps_expand_to_named_plans() {
    let p = Project::new().file("sweeps.run", include_str!("../fixtures/sweeps.run"));
    let compiled =
        compile(&p.path("sweeps.run"), &p.opts()).unwrap_or_else(|f| panic!("{}", f.render()));
    let names: Vec<&str> = compiled.plans.iter().map(|p| p.name()).collect();
    insta::assert_debug_snapshot!(names);
    let files: Vec<String> = compiled
        .plans
        .iter()
        .map(|p| {
            p.lock_path
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    insta::assert_debug_snapshot!(files);
    let zip = compiled
        .plans
        .iter()
        .find(|p| p.name() == "gpt3-zip[nodes=64,global_batch_size=2048]")
        .unwrap();
    assert_eq!(zip.pins().nodes, 64);
    assert_eq!(zip.hparams()["global_batch_size"], LockValue::Int(2048));
    // `seed` is a run field: a sweep over it sets the run's base seed
    let seeded = &compiled.plans[2];
    assert_eq!(seeded.settings().seed, Some(2));
    // a name the run already has sets that field (here a hyperparameter)
    let zipped = compiled
        .plans
        .iter()
        .find(|p| p.name().starts_with("gpt3-zip"))
        .unwrap();
    assert_eq!(zipped.hparams()["global_batch_size"], LockValue::Int(1024));
    // interpolation sees the swept value
    let cmd = compiled.plans[1].launch().command.unwrap();
    assert_eq!(cmd[3], "gpt3-32x8");
}

#[test]
fn sweep_locks_are_written_per_point() {
    let p = Project::new().file("sweeps.run", include_str!("../fixtures/sweeps.run"));
    let (_, updates) = p.lock_ok("sweeps.run");
    assert_eq!(updates.len(), 10);
    insta::assert_snapshot!(p.read("lockfiles/gpt3-zip.nodes-32.global_batch_size-1024.lock"));
}

/// `repro check` streams: every plan goes to the callback in spec order, none is kept, and
/// the names and warnings are those of `compile`.
#[test]
fn a_check_hands_over_each_plan_and_keeps_none() {
    let p = Project::new().file("sweeps.run", include_str!("../fixtures/sweeps.run"));
    let opts = repro_compiler::Options {
        validate_only: true,
        ..p.opts()
    };
    let spec = p.path("sweeps.run");
    let whole = compile(&spec, &opts).unwrap_or_else(|f| panic!("{}", f.render()));
    let mut names = Vec::new();
    let streamed = compile_each(&spec, &opts, |plan| names.push(plan.name().to_string()))
        .unwrap_or_else(|f| panic!("{}", f.render()));
    assert!(streamed.plans.is_empty());
    let expected: Vec<&str> = whole.plans.iter().map(|p| p.name()).collect();
    assert_eq!(names, expected);
    assert!(names.len() > 2, "{names:?}");
    assert_eq!(streamed.render_warnings(), whole.render_warnings());
}

/// A point that fails its checks fails the whole check with the same diagnostics as
/// `compile`, even when earlier points were handed over already.
#[test]
fn a_failing_point_fails_a_streamed_check_as_it_fails_compile() {
    let spec = include_str!("../fixtures/sweeps.run").replace(
        "  sweep seed in [1, 2, 3]\n",
        "  sweep seed in [1, 2, 3]\n  runs = if seed == 3 then \"many\" else 1\n",
    );
    let p = Project::new().file("sweeps.run", &spec);
    let opts = repro_compiler::Options {
        validate_only: true,
        ..p.opts()
    };
    let path = p.path("sweeps.run");
    let whole = compile(&path, &opts).expect_err("a string node count");
    let mut handed = 0;
    let streamed = compile_each(&path, &opts, |_| handed += 1).expect_err("as compile");
    assert_eq!(streamed.render(), whole.render());
    assert!(handed > 0, "the points before `seed = 3` pass");
    assert!(whole.render().contains("runs"), "{}", whole.render());
}
