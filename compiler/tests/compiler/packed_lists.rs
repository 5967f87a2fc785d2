//! A list of plain integer literals is packed (`ast::IntList`, `Value::Ints`,
//! `LockValue::Ints`); it must lock, hash, read back and fail exactly as the general list
//! of the same items. The general list here is the same list with one item in parentheses,
//! `(2)`, which the parser never packs.

use repro_compiler::lockfile::{Group, LockValue, Lockfile};

use crate::support::Project;

/// A run whose hparams use the list `xs` in every way a value can be used: as is, in an
/// interpolation, with `in`, joined with `+` to a packed, a general and a string list,
/// nested, and swept (a one-name sweep and a zipped one).
fn spec(xs: &str) -> String {
    format!(
        r#"let xs = {xs}
let more = [7, 8]
run "packed" {{
  hardware {{
    nodes = 1
    gpus_per_node = 0
  }}
  launch local {{
    command = ["train", "--xs", "${{xs}}"]
  }}
  runs = 1
  sweep a in xs
  sweep b, c in zip(xs, xs)
  hparams {{
    xs = xs
    text = "${{xs}}"
    has_two = 2 in xs
    has_nine = 9 not in xs
    joined = xs + more
    joined_general = xs + [(9)]
    joined_string = xs + ["s"]
    same = xs == [0, 1, (2), 1000]
    nested = [xs, [3]]
    record = {{ xs = xs }}
    a = a
    b = b
  }}
}}
"#
    )
}

const PACKED: &str = "[0, 1, 2, 1000]";
const GENERAL: &str = "[0, 1, (2), 1000]";

/// The lock without the lines that name the spec's own bytes (its input hash, and the plan
/// hash over it).
fn lock_without_spec_hash(p: &Project, lock: &str) -> String {
    p.read(lock)
        .lines()
        .filter(|l| !l.starts_with("\"specs/") && !l.starts_with("plan = "))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_packed_list_locks_as_the_general_list() {
    let locks = [PACKED, GENERAL].map(|xs| {
        let p = Project::new().file("specs/l.run", &spec(xs));
        let (compiled, _) = p.lock_ok("specs/l.run");
        assert_eq!(compiled.plans.len(), 4 * 4, "one plan per sweep point");
        let files: Vec<String> = compiled
            .plans
            .iter()
            .map(|plan| {
                let rel = plan.lock_path.strip_prefix(p.root()).unwrap();
                lock_without_spec_hash(&p, &rel.to_string_lossy())
            })
            .collect();
        let hparams: Vec<_> = compiled.plans.iter().map(|p| p.hparams().clone()).collect();
        (files, hparams)
    });
    assert_eq!(locks[0], locks[1]);
    let first = &locks[0].0[0];
    assert!(
        first.contains("xs = [0, 1, 2, 1000]\n"),
        "the list is written as a list of numbers:\n{first}"
    );
    assert!(first.contains("joined_string = [0, 1, 2, 1000, \"s\"]\n"));
    assert!(first.contains("has_two = true\n") && first.contains("same = true\n"));
    assert!(first.contains("text = \"[0, 1, 2, 1000]\"\n"));
}

/// The lock of a packed list reads back (as the general list) equal to the plan's, and
/// writes back to the same bytes.
#[test]
fn a_packed_list_reads_back_from_its_lock() {
    let p = Project::new().file("specs/l.run", &spec(PACKED));
    let (compiled, _) = p.lock_ok("specs/l.run");
    let plan = &compiled.plans[0];
    assert!(
        matches!(plan.hparams()["xs"], LockValue::Ints(_)),
        "the plan holds the packed list"
    );
    let read = Lockfile::read(&plan.lock_path).unwrap();
    assert!(matches!(
        read.groups[&Group::Hparams]["xs"],
        LockValue::List(_)
    ));
    // (An empty group is not in a plan, but is in a lock read back.)
    for (group, table) in &plan.lock.groups {
        assert_eq!(&read.groups[group], table, "{group:?}");
    }
    assert_eq!(read.hashes, plan.lock.hashes);
    assert_eq!(read.write_bytes(), std::fs::read(&plan.lock_path).unwrap());
    read.verify().unwrap();
    // Relocking compares the fresh (packed) plan with the lock read back (general).
    let (_, again) = p.lock_ok("specs/l.run");
    assert!(again.iter().all(|u| u.diff.is_empty()));
}

/// Where a packed list is the wrong type, the diagnostics are those of the general list.
/// The list is bound by a `let`, so that the rendered source lines are the same.
#[test]
fn a_packed_list_fails_as_the_general_list() {
    let wrong = |xs: &str, command: &str, line: &str| {
        format!(
            r#"let xs = {xs}
run "wrong" {{
  hardware {{
    nodes = 1
    gpus_per_node = 0
  }}
  launch local {{
    command = {command}
  }}
  runs = 1
  {line}
}}
"#
        )
    };
    for (command, line) in [
        ("xs", ""),
        ("[\"true\"]", "runs = xs"),
        ("[\"true\"]", "sweep a, b in xs"),
        ("[\"true\"]", "sweep a in [xs, 1]"),
        ("[\"true\"]", "hparams {\n    y = xs + 1\n  }"),
        ("[\"true\"]", "hparams {\n    y = -xs\n  }"),
        ("[\"true\"]", "hparams {\n    y = xs < 2\n  }"),
        ("[\"true\"]", "hparams {\n    y = zip(xs, [1])\n  }"),
        ("[\"true\"]", "hparams {\n    y = if xs then 1 else 2\n  }"),
        ("[\"true\"]", "hparams {\n    y = \"${xs}\" + xs\n  }"),
    ] {
        let errors = [PACKED, GENERAL].map(|xs| {
            let p = Project::new().file("specs/w.run", &wrong(xs, command, line));
            p.lock_err("specs/w.run")
        });
        assert_eq!(errors[0], errors[1]);
        assert!(errors[0].starts_with("error"), "{line}: {}", errors[0]);
    }
}
