//! Lock content, bytes and determinism.

use repro_compiler::locker::LockStatus;
use repro_compiler::lockfile::{Group, Lockfile};

use crate::support::Project;

const SPEC: &str = "specs/gpt3-512xh200.run";

fn gpt3() -> Project {
    let p = Project::fixture("gpt3");
    p.repo("repo");
    p
}

#[test]
fn gpt3_locks_snapshot() {
    let p = gpt3();
    let (_, updates) = p.lock_ok(SPEC);
    let names: Vec<&str> = updates.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(names, ["gpt3-512xh200", "gpt3-1024xh200"]);
    assert!(updates.iter().all(|u| u.status == LockStatus::Created));
    insta::assert_snapshot!("gpt3_512", p.read("lockfiles/gpt3-512xh200.lock"));
    insta::assert_snapshot!("gpt3_1024", p.read("lockfiles/gpt3-1024xh200.lock"));
}

#[test]
fn container_tag_is_a_warning_and_strict_makes_it_an_error() {
    let p = gpt3();
    let (compiled, _) = p.lock_ok(SPEC);
    insta::assert_snapshot!(p.clean(&compiled.render_warnings()));
    let strict = repro_compiler::options::Options {
        strict: true,
        ..p.opts()
    };
    insta::assert_snapshot!(p.lock_err_with(SPEC, strict));
}

#[test]
fn same_bytes_from_two_locations() {
    let (a, b) = (gpt3(), gpt3());
    a.lock_ok(SPEC);
    b.lock_ok(SPEC);
    assert_ne!(a.root(), b.root());
    for lock in [
        "lockfiles/gpt3-512xh200.lock",
        "lockfiles/gpt3-1024xh200.lock",
    ] {
        assert_eq!(a.read(lock), b.read(lock));
    }
}

#[test]
fn lock_reads_back_to_the_same_content_and_bytes() {
    let p = gpt3();
    let (compiled, _) = p.lock_ok(SPEC);
    let path = p.path("lockfiles/gpt3-512xh200.lock");
    let read = Lockfile::read(&path).unwrap();
    assert_eq!(read, compiled.plans[0].lock);
    assert_eq!(read.write_bytes(), std::fs::read(&path).unwrap());
    read.verify().unwrap();
    let text = p.read("lockfiles/gpt3-512xh200.lock");
    assert!(text.ends_with("\n") && !text.ends_with("\n\n"));
    assert!(!text.contains(&*p.root().to_string_lossy()));
}

#[test]
fn relock_is_unchanged_and_a_change_is_reported_per_group() {
    let p = gpt3();
    p.lock_ok(SPEC);
    let (_, again) = p.lock_ok(SPEC);
    assert!(again
        .iter()
        .all(|u| u.status == LockStatus::Unchanged && u.diff.is_empty()));
    let spec = p.read(SPEC).replace("nodes = 64", "nodes = 32");
    p.write(SPEC, &spec);
    let (_, updates) = p.lock_ok(SPEC);
    let first = &updates[0];
    assert_eq!(first.status, LockStatus::Updated);
    // the spec's own hash changed too, and the derived micro batch size
    insta::assert_snapshot!(first.render());
    let groups: Vec<Group> = first.diff.groups.keys().copied().collect();
    assert_eq!(groups, [Group::Hardware, Group::Hparams]);
}

#[test]
fn plan_as_json_and_text() {
    let p = gpt3();
    let (compiled, _) = p.lock_ok(SPEC);
    let plan = &compiled.plans[0];
    insta::assert_json_snapshot!(plan.to_json());
    insta::assert_snapshot!(plan.render_text());
    let pins = plan.pins();
    assert_eq!(pins.gpu_count, 512);
    assert_eq!(pins.gpu_memory_bytes, Some(141_000_000_000));
    let launch = plan.launch();
    assert_eq!(launch.time_ms, Some(3 * 3600 * 1000));
    assert_eq!(launch.env["NCCL_DEBUG"], "WARN");
    assert_eq!(plan.settings().tolerance, Some(0.05));
    assert_eq!(plan.settings().runs, 3);
}

/// A `health` block is its own lock group: what it sets is kept, every other check gets its
/// default; a CPU-only run has an empty group.
#[test]
fn health_block_is_locked_with_the_defaults_filled_in() {
    let p = Project::new();
    p.write(
        "specs/h.run",
        r#"run "gpu" {
  hardware {
    nodes = 2
    gpus_per_node = 8
    gpu = "NVIDIA H200"
  }
  health {
    fraction = 90%
    nvlink = false
    max_temperature = 75
  }
  launch local {
    command = ["true"]
  }
  runs = 1
}

run "cpu" {
  hardware {
    nodes = 1
    gpus_per_node = 0
  }
  launch local {
    command = ["true"]
  }
  runs = 1
}
"#,
    );
    let (compiled, _) = p.lock_ok("specs/h.run");
    insta::assert_snapshot!("health_gpu", p.read("lockfiles/gpu.lock"));
    let gpu = repro_compiler::HealthPolicy::from_lock(&compiled.plans[0].lock).unwrap();
    assert_eq!(gpu.fraction, 0.9);
    assert!(!gpu.nvlink && gpu.ecc && gpu.bandwidth);
    assert_eq!(gpu.max_temperature_c, 75);
    let cpu = &compiled.plans[1].lock;
    assert!(cpu.group(Group::Health).is_empty());
    assert_eq!(repro_compiler::HealthPolicy::from_lock(cpu), None);
}
