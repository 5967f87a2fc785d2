//! `--locked`: drift in the spec or an input file, and tampered locks.

use repro_compiler::lockfile::Lockfile;
use repro_compiler::options::Options;

use crate::support::Project;

const SPEC: &str = "specs/gpt3-512xh200.run";

fn locked_project() -> (Project, Options) {
    let p = Project::fixture("gpt3");
    p.repo("repo");
    p.lock_ok(SPEC);
    let opts = Options {
        locked: true,
        ..p.opts()
    };
    p.lock_with(SPEC, opts.clone()).expect("fresh lock checks");
    (p, opts)
}

#[test]
fn spec_drift_names_the_field_and_both_values() {
    let (p, opts) = locked_project();
    let spec = p.read(SPEC).replace(
        "opt_base_learning_rate = 2e-5",
        "opt_base_learning_rate = 3e-5",
    );
    p.write(SPEC, &spec);
    let err = p.lock_err_with(SPEC, opts);
    insta::assert_snapshot!(err);
}

#[test]
fn input_file_drift_names_the_file() {
    let (p, opts) = locked_project();
    p.write(
        "templates/nemo.sbatch",
        "#!/bin/bash\nsrun python train.py --changed\n",
    );
    insta::assert_snapshot!(p.lock_err_with(SPEC, opts));
}

#[test]
fn missing_lock_is_refused() {
    let p = Project::fixture("gpt3");
    p.repo("repo");
    let opts = Options {
        locked: true,
        ..p.opts()
    };
    insta::assert_snapshot!(p.lock_err_with(SPEC, opts));
}

#[test]
fn tampered_lock_is_refused() {
    let (p, opts) = locked_project();
    let path = "lockfiles/gpt3-512xh200.lock";
    let text = p
        .read(path)
        .replace("global_batch_size = 2048", "global_batch_size = 4096");
    p.write(path, &text);
    let read = Lockfile::read(&p.path(path)).unwrap();
    let tamper = read.verify().unwrap_err();
    let entries: Vec<&str> = tamper.mismatches.iter().map(|m| m.0.as_str()).collect();
    assert_eq!(entries, ["hparams", "plan"]);
    insta::assert_snapshot!(p.lock_err_with(SPEC, opts));
}

#[test]
fn reformatting_a_lock_is_not_tampering() {
    let (p, _) = locked_project();
    let path = p.path("lockfiles/gpt3-512xh200.lock");
    let original = Lockfile::read(&path).unwrap();
    // same content, different layout: hashes cover content, not bytes
    let text = std::fs::read_to_string(&path).unwrap().replace(" = ", "=");
    let reread = Lockfile::parse(&path, &text).unwrap();
    reread.verify().unwrap();
    assert_eq!(reread, original);
}

#[test]
fn other_format_version_is_refused() {
    let (p, _) = locked_project();
    let path = p.path("lockfiles/gpt3-512xh200.lock");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("version = 2", "version = 3");
    let err =
        Lockfile::parse(std::path::Path::new("lockfiles/gpt3-512xh200.lock"), &text).unwrap_err();
    insta::assert_snapshot!(err.to_string());
}

#[test]
fn relocking_an_unreadable_lock_says_it_replaced_it() {
    let (p, _) = locked_project();
    let path = "lockfiles/gpt3-512xh200.lock";
    let text = p.read(path).replace("version = 2", "version = 3");
    p.write(path, &text);
    let (_, updates) = p.lock_ok(SPEC);
    assert!(matches!(
        updates[0].status,
        repro_compiler::LockStatus::Replaced(_)
    ));
    insta::assert_snapshot!(p.clean(&updates[0].render()));
    Lockfile::read(&p.path(path)).unwrap().verify().unwrap();
}
