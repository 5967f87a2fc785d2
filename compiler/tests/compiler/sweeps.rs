//! Sweeps (cartesian and zipped), sweep point names and lock file names, interpolated names.

use repro_compiler::compile::compile;
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
