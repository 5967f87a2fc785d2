//! The attacks of issue 14 through the binary: a spec value with a line break, a run name
//! that walks out of the project, a hostile `use`. Each is refused by `repro check` with
//! the value's position, before anything is rendered, locked or created.

use std::path::Path;
use std::process::Output;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn repro(dir: &Path, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_repro"))
        .args(args)
        .current_dir(dir)
        .env_remove("REPRO_PROBE_OVERRIDE")
        .output()
        .expect("repro runs")
}

/// A scratch project with the shipped smoke spec (rules and template) and `edit` applied.
fn project(edit: impl Fn(&str) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (from, to) in [
        ("specs/rules/smoke-local.run", "specs/rules/smoke-local.run"),
        ("templates/local.sh", "templates/local.sh"),
    ] {
        let to = dir.path().join(to);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(Path::new(ROOT).join(from), to).unwrap();
    }
    let spec = std::fs::read_to_string(Path::new(ROOT).join("specs/smoke-local.run")).unwrap();
    std::fs::write(dir.path().join("specs/x.run"), edit(&spec)).unwrap();
    dir
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_line_break_in_a_value_is_refused_at_check_and_nothing_runs() {
    let canary = tempfile::tempdir().unwrap();
    let pwned = canary.path().join("pwned");
    let evil = format!("gpu\\ntouch {} #", pwned.display());
    let dir = project(|s| {
        s.replace(
            "launch local {",
            &format!("launch slurm {{\n    partition = \"{evil}\""),
        )
    });
    let out = repro(dir.path(), &["check", "specs/x.run"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("control character U+000A (line feed) in the value of `launch.partition`"),
        "{err}"
    );
    assert!(err.contains("specs/x.run:"), "{err}");
    let dry = repro(
        dir.path(),
        &["run", "--executor", "slurm", "--dry-run", "specs/x.run"],
    );
    assert_eq!(dry.status.code(), Some(2), "{}", stderr(&dry));
    assert!(String::from_utf8_lossy(&dry.stdout).is_empty());
    assert!(!pwned.exists());
}

#[test]
fn a_run_name_that_leaves_the_project_is_refused_and_nothing_is_written() {
    for name in ["../../escape", "inj\\ntouch pwned # ", "a/b"] {
        let dir = project(|s| s.replace("run \"smoke-local\"", &format!("run \"{name}\"")));
        let out = repro(dir.path(), &["check", "specs/x.run"]);
        assert_eq!(out.status.code(), Some(2), "{name}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("invalid run name"),
            "{}",
            stderr(&out)
        );
        let lock = repro(dir.path(), &["lock", "specs/x.run"]);
        assert_eq!(lock.status.code(), Some(2), "{name}: {}", stderr(&lock));
        assert!(
            !dir.path().join("lockfiles").exists(),
            "{name}: a lock was written"
        );
        let run = repro(dir.path(), &["run", "--executor", "slurm", "specs/x.run"]);
        assert_eq!(run.status.code(), Some(2), "{name}: {}", stderr(&run));
        assert!(
            !dir.path().join("runs").exists(),
            "{name}: a run folder was made"
        );
        assert!(!dir.path().parent().unwrap().join("escape").exists());
    }
}

#[test]
fn use_of_a_system_file_never_prints_it() {
    let dir = project(|s| format!("use \"/etc/passwd\"\n{s}"));
    let out = repro(dir.path(), &["check", "specs/x.run"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("is not a `.run` file"), "{err}");
    assert!(!err.contains("root:x:"), "{err}");
}
