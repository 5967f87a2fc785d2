//! A source pinned to a full commit locks offline with `fetched = false`; a real `repro run`
//! then fetches that commit from its remote before launching and records that it did, and a
//! commit the remote lacks stops the run with an error at the spec line. Real git
//! repositories (made with the `git` CLI), reached through `file://` URLs, the real compiler,
//! the real local executor and the real SGD workload (`workloads/`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn smoke_sgd() -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let built = Command::new(cargo)
        .args(["build", "-q", "-p", "repro-workloads", "--bin", "smoke-sgd"])
        .current_dir(ROOT)
        .status()
        .unwrap();
    assert!(built.success());
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(ROOT).join("target"));
    target.join("debug/smoke-sgd")
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", text(&out.stderr));
    text(&out.stdout).trim().to_string()
}

fn text(out: &[u8]) -> String {
    String::from_utf8_lossy(out).into_owned()
}

/// A scratch project whose smoke spec pins `source training` to `commit` of a bare remote
/// (`remote.git`, reached as `file://`), and the commit the remote has.
struct Project {
    dir: tempfile::TempDir,
    /// The commit `remote.git` has.
    commit: String,
}

impl Project {
    fn new() -> Project {
        let dir = tempfile::tempdir().unwrap();
        for sub in ["specs", "templates"] {
            copy_dir(&Path::new(ROOT).join(sub), &dir.path().join(sub));
        }
        let work = dir.path().join("work");
        std::fs::create_dir(&work).unwrap();
        git(&work, &["init", "-q", "-b", "main"]);
        std::fs::write(work.join("run_and_time.sh"), "echo train\n").unwrap();
        git(&work, &["add", "."]);
        git(&work, &["commit", "-q", "-m", "one"]);
        let commit = git(&work, &["rev-parse", "HEAD"]);
        git(dir.path(), &["clone", "-q", "--bare", "work", "remote.git"]);
        Project { dir, commit }
    }

    /// Pin the source to `commit` (line 15 of the spec).
    fn pin(&self, commit: &str) {
        let spec = self.path("specs/smoke-local.run");
        let sgd = smoke_sgd().display().to_string();
        let url = format!("file://{}", self.path("remote.git").display());
        let text = std::fs::read_to_string(&spec)
            .unwrap()
            .replace("target/release/smoke-sgd", &sgd)
            .replace("runs = 5", "runs = 3")
            .replace(
                "  hparams {",
                &format!(
                    "  software {{\n    source training = git(\"{url}\", ref = \"{commit}\")\n  }}\n  hparams {{"
                ),
            );
        std::fs::write(&spec, text).unwrap();
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn repro(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_repro"))
            .args(args)
            .current_dir(self.dir.path())
            .env_remove("REPRO_PROBE_OVERRIDE")
            .env_remove("NCCL_DEBUG")
            .output()
            .unwrap()
    }

    fn lock(&self) -> String {
        std::fs::read_to_string(self.path("lockfiles/smoke-local.lock")).unwrap()
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

fn show(out: &Output) -> String {
    format!(
        "stdout:\n{}\nstderr:\n{}",
        text(&out.stdout),
        text(&out.stderr)
    )
}

fn fetched(lock: &str, commit: &str, mark: bool) -> bool {
    lock.contains(&format!("commit = \"{commit}\"\nfetched = {mark}\n"))
}

#[test]
fn a_run_fetches_an_unfetched_commit_and_records_it_in_the_lock() {
    let p = Project::new();
    p.pin(&p.commit);
    let out = p.repro(&["lock", "--offline", "specs/smoke-local.run"]);
    assert!(out.status.success(), "{}", show(&out));
    assert!(fetched(&p.lock(), &p.commit, false), "{}", p.lock());

    let out = p.repro(&["run", "specs/smoke-local.run"]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    assert!(fetched(&p.lock(), &p.commit, true), "{}", p.lock());
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("software: sources.training.fetched false -> true"),
        "the lock update is shown: {stderr}"
    );
    assert!(
        text(&out.stdout).contains("verdict: pass"),
        "{}",
        show(&out)
    );
    // Proven once, the commit is not fetched again: the run works with the remote gone.
    std::fs::remove_dir_all(p.path("remote.git")).unwrap();
    let out = p.repro(&[
        "run",
        "--locked",
        "--format",
        "json",
        "specs/smoke-local.run",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        report["result"].get("unverified_sources").is_none(),
        "{report}"
    );
}

#[test]
fn a_locked_run_verifies_without_rewriting_the_lock() {
    let p = Project::new();
    p.pin(&p.commit);
    assert!(p
        .repro(&["lock", "--offline", "specs/smoke-local.run"])
        .status
        .success());
    let before = p.lock();
    let out = p.repro(&["run", "--locked", "specs/smoke-local.run"]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    assert_eq!(p.lock(), before, "`--locked` does not rewrite the lock");

    // The run does fetch under `--locked`: a remote that lost the commit stops it.
    std::fs::remove_dir_all(p.path("remote.git")).unwrap();
    git(p.dir.path(), &["init", "-q", "--bare", "remote.git"]);
    let out = p.repro(&["run", "--locked", "specs/smoke-local.run"]);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    assert!(
        text(&out.stderr).contains("specs/smoke-local.run:15:"),
        "{}",
        show(&out)
    );
    assert_eq!(p.lock(), before);
}

#[test]
fn a_commit_missing_from_the_remote_is_an_error_at_the_spec_line() {
    let p = Project::new();
    let missing = "0123456789abcdef0123456789abcdef01234567";
    p.pin(missing);
    let out = p.repro(&["run", "specs/smoke-local.run"]);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("specs/smoke-local.run:15:"), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "commit `{missing}` cannot be fetched from `file://"
        )),
        "{stderr}"
    );
    assert!(!p.path("runs").exists(), "nothing was launched");
    assert!(!p.path("results").exists(), "nothing was stored");
}

#[test]
fn an_offline_run_warns_and_records_the_source_unverified() {
    let p = Project::new();
    p.pin(&p.commit);
    assert!(p
        .repro(&["lock", "--offline", "specs/smoke-local.run"])
        .status
        .success());
    let before = p.lock();
    let out = p.repro(&[
        "run",
        "--offline",
        "--format",
        "json",
        "specs/smoke-local.run",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("warning: specs/smoke-local.run:15: source `training` is pinned to a commit that was never fetched"),
        "{stderr}"
    );
    assert_eq!(p.lock(), before, "nothing fetched, nothing recorded");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        report["result"]["unverified_sources"],
        serde_json::json!(["training"]),
        "{report}"
    );
    let out = p.repro(&["run", "--offline", "specs/smoke-local.run"]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    assert!(
        text(&out.stdout).contains(
            "unverified source(s): `training` (pinned commit never fetched from its remote)"
        ),
        "{}",
        show(&out)
    );
}

#[test]
fn lock_fetch_proves_the_commit_on_a_file_remote() {
    let p = Project::new();
    p.pin(&p.commit);
    let out = p.repro(&["lock", "--fetch", "specs/smoke-local.run"]);
    assert!(out.status.success(), "{}", show(&out));
    assert!(fetched(&p.lock(), &p.commit, true), "{}", p.lock());
    // and a commit the remote lacks is refused at the spec line, the lock untouched
    let before = p.lock();
    let spec = p.path("specs/smoke-local.run");
    let body = std::fs::read_to_string(&spec).unwrap();
    std::fs::write(
        &spec,
        body.replace(&p.commit, "0123456789abcdef0123456789abcdef01234567"),
    )
    .unwrap();
    let out = p.repro(&["lock", "--fetch", "specs/smoke-local.run"]);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    assert!(
        text(&out.stderr).contains("cannot be fetched from `file://"),
        "{}",
        show(&out)
    );
    assert_eq!(p.lock(), before);
}
