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

/// Runs `repro` and fails the test instead of hanging when it does not end in 20 s (a FIFO
/// read without a writer would block forever).
fn repro_bounded(dir: &Path, args: &[&str]) -> Output {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_repro"))
        .args(args)
        .current_dir(dir)
        .env_remove("REPRO_PROBE_OVERRIDE")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("repro runs");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("`repro {}` hung", args.join(" "));
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

#[test]
fn a_root_spec_that_is_not_a_run_file_is_never_read_nor_quoted() {
    let dir = project(|s| s.to_string());
    std::fs::copy("/etc/passwd", dir.path().join("specs/passwd.txt")).unwrap();
    for file in ["/etc/passwd", "specs/passwd.txt"] {
        for args in [
            vec!["check", file],
            vec!["plan", file],
            vec!["lock", file],
            vec!["fmt", "--check", file],
        ] {
            let out = repro_bounded(dir.path(), &args);
            let err = stderr(&out);
            assert_ne!(out.status.code(), Some(0), "{args:?}: {err}");
            assert!(err.contains("is not a `.run` file"), "{args:?}: {err}");
            assert!(err.contains(file), "{args:?}: {err}");
            assert!(!err.contains("root:x:"), "{args:?}: {err}");
        }
    }
    assert!(!dir.path().join("lockfiles").exists());
}

#[test]
fn a_root_spec_that_is_a_fifo_a_directory_a_device_or_huge_is_an_error_not_a_hang() {
    let dir = project(|s| s.to_string());
    let specs = dir.path().join("specs");
    let made = std::process::Command::new("mkfifo")
        .args(["specs/fifo.run", "specs/fifo.json"])
        .current_dir(dir.path())
        .status()
        .unwrap();
    assert!(made.success());
    std::fs::create_dir(specs.join("dir.run")).unwrap();
    // Sparse: one byte over the limit without writing 64 MiB.
    std::fs::File::create(specs.join("huge.run"))
        .unwrap()
        .set_len(64 * 1024 * 1024 + 1)
        .unwrap();
    std::os::unix::fs::symlink("/dev/zero", specs.join("zero.run")).unwrap();
    for (file, reason) in [
        ("specs/fifo.run", "not a regular file"),
        ("specs/dir.run", "it is a directory"),
        ("specs/huge.run", "larger than 64 MiB"),
        ("specs/zero.run", "not a regular file"),
    ] {
        for command in ["check", "plan", "lock", "run", "fmt"] {
            let out = repro_bounded(dir.path(), &[command, file]);
            let err = stderr(&out);
            assert_ne!(out.status.code(), Some(0), "{command} {file}: {err}");
            assert!(err.contains(reason), "{command} {file}: {err}");
            assert!(err.contains(file), "{command} {file}: {err}");
        }
    }
    // `run` reads a plan given as JSON under the same bounds.
    let out = repro_bounded(dir.path(), &["run", "specs/fifo.json"]);
    assert_ne!(out.status.code(), Some(0));
    assert!(
        stderr(&out).contains("not a regular file"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.path().join("lockfiles").exists());
    assert!(!dir.path().join("runs").exists());
}
