//! Every path a spec names stays inside the project root unless `--allow-outside-root` says
//! otherwise (and the lock records it); only regular files of bounded size are read; a file
//! that is not a spec is never quoted in a diagnostic.

use std::time::{Duration, Instant};

use repro_compiler::lockfile::Group;

use crate::support::Project;

const RUN: &str = r#"
run "p" {
  hardware {
    nodes = 1
    gpus_per_node = 0
  }
  launch slurm {
    command = ["true"]
    SCRIPT
  }
  runs = 1
}
"#;

fn spec_with(script: &str) -> String {
    RUN.replace("SCRIPT", script)
}

/// A project under `outer/project`, with `outer/secret.run` and `outer/secret.sbatch` beside it.
fn nested() -> (Project, std::path::PathBuf) {
    let p = Project::new();
    p.write(
        "outer/secret.run",
        "let leaked = \"secret line\"\nthis is not a spec\n",
    );
    p.write("outer/secret.sbatch", "#!/bin/bash\necho secret\n");
    p.write("outer/project/specs/.keep", "");
    let root = p.path("outer/project");
    (p, root)
}

fn opts(root: &std::path::Path, allow: bool) -> repro_compiler::Options {
    repro_compiler::Options {
        root: Some(root.to_path_buf()),
        validate_only: true,
        allow_outside_root: allow,
        ..Default::default()
    }
}

fn compile_err(p: &Project, spec: &std::path::Path, allow: bool, root: &std::path::Path) -> String {
    match repro_compiler::compile(spec, &opts(root, allow)) {
        Ok(_) => panic!("expected an error"),
        Err(f) => p.clean(&f.render()),
    }
}

#[test]
fn use_outside_the_root_is_refused_and_never_quoted() {
    let (p, root) = nested();
    let spec = root.join("specs/a.run");
    std::fs::write(&spec, format!("use \"../../secret.run\"\n{}", spec_text())).unwrap();
    let err = compile_err(&p, &spec, false, &root);
    assert!(err.contains("is outside the project root"), "{err}");
    assert!(
        !err.contains("secret line") && !err.contains("not a spec"),
        "{err}"
    );
    insta::assert_snapshot!(err);
}

fn spec_text() -> String {
    spec_with("")
}

#[test]
fn use_of_a_file_that_is_not_a_spec_is_refused_without_reading_it() {
    let (p, root) = nested();
    let spec = root.join("specs/a.run");
    std::fs::write(&spec, format!("use \"/etc/passwd\"\n{}", spec_text())).unwrap();
    // Even with the root opened: `/etc/passwd` is not a `.run` file and is never parsed.
    let err = compile_err(&p, &spec, true, &root);
    assert!(err.contains("is not a `.run` file"), "{err}");
    assert!(
        !err.contains("root:"),
        "a line of /etc/passwd was quoted:\n{err}"
    );
}

#[test]
fn fifo_device_and_directory_are_errors_not_hangs() {
    let (p, root) = nested();
    let fifo = root.join("specs/fifo.run");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    std::fs::create_dir_all(root.join("specs/dir.run")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", root.join("specs/zero.run")).unwrap();
    for (target, what) in [
        ("fifo.run", "not a regular file"),
        ("zero.run", "not a regular file"),
        ("dir.run", "a directory"),
    ] {
        let spec = root.join("specs/a.run");
        std::fs::write(&spec, format!("use \"{target}\"\n{}", spec_text())).unwrap();
        let start = Instant::now();
        // `/dev/zero` resolves outside the root: open the root to reach the read itself.
        let err = compile_err(&p, &spec, true, &root);
        assert!(start.elapsed() < Duration::from_secs(10), "{target} hung");
        assert!(err.contains(what), "{target}: {err}");
    }
}

#[test]
fn script_outside_the_root_needs_the_flag_and_the_lock_names_it() {
    let (p, root) = nested();
    let spec = root.join("specs/a.run");
    std::fs::write(&spec, spec_with("script = \"../../secret.sbatch\"")).unwrap();
    let err = compile_err(&p, &spec, false, &root);
    assert!(
        err.contains("`../secret.sbatch` is outside the project root"),
        "{err}"
    );
    assert!(err.contains("--allow-outside-root"), "{err}");
    let compiled = repro_compiler::compile(&spec, &opts(&root, true))
        .unwrap_or_else(|f| panic!("{}", f.render()));
    let lock = &compiled.plans[0].lock;
    assert_eq!(
        lock.group(Group::Run).get("outside_root"),
        Some(&repro_compiler::lockfile::LockValue::Bool(true))
    );
    assert!(
        lock.inputs.contains_key("../secret.sbatch"),
        "{:?}",
        lock.inputs
    );
}

#[test]
fn a_script_inside_the_root_does_not_mark_the_lock() {
    let (_p, root) = nested();
    std::fs::write(root.join("job.sbatch"), "#!/bin/bash\n").unwrap();
    let spec = root.join("specs/a.run");
    std::fs::write(&spec, spec_with("script = \"../job.sbatch\"")).unwrap();
    let compiled = repro_compiler::compile(&spec, &opts(&root, false))
        .unwrap_or_else(|f| panic!("{}", f.render()));
    assert_eq!(
        compiled.plans[0].lock.group(Group::Run).get("outside_root"),
        None
    );
}
