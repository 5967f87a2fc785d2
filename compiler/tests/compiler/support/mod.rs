//! Test harness: a project in a tempdir (copied from `tests/fixtures/<case>/`), real git
//! repositories made with git2, and helpers to lock, check and render diagnostics without
//! machine-local paths.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use git2::{Oid, Repository, Signature};
use repro_compiler::compiled::{Compiled, Failed};
use repro_compiler::locker::{self, LockUpdate};
use repro_compiler::options::Options;
use tempfile::TempDir;

pub struct Project {
    pub dir: TempDir,
}

impl Project {
    /// An empty project.
    pub fn new() -> Project {
        Project {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    /// A copy of `tests/fixtures/<case>/`.
    pub fn fixture(case: &str) -> Project {
        let p = Project::new();
        let src = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(case);
        copy_dir(&src, p.root());
        p
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    /// Write a file (parents created).
    pub fn file(self, rel: &str, text: &str) -> Project {
        self.write(rel, text);
        self
    }

    pub fn write(&self, rel: &str, text: &str) {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
    }

    pub fn opts(&self) -> Options {
        Options {
            root: Some(self.root().to_path_buf()),
            ..Options::default()
        }
    }

    pub fn lock(&self, spec: &str) -> Result<(Compiled, Vec<LockUpdate>), Failed> {
        locker::lock(&self.path(spec), &self.opts())
    }

    pub fn lock_with(
        &self,
        spec: &str,
        opts: Options,
    ) -> Result<(Compiled, Vec<LockUpdate>), Failed> {
        locker::lock(&self.path(spec), &opts)
    }

    /// Lock and expect success.
    pub fn lock_ok(&self, spec: &str) -> (Compiled, Vec<LockUpdate>) {
        self.lock(spec)
            .unwrap_or_else(|f| panic!("lock failed:\n{}", self.clean(&f.render())))
    }

    /// Lock and expect failure; the rendered diagnostics with the tempdir path replaced.
    pub fn lock_err_with(&self, spec: &str, opts: Options) -> String {
        match self.lock_with(spec, opts) {
            Ok(_) => panic!("expected `{spec}` to fail"),
            Err(f) => self.clean(&f.render()),
        }
    }

    pub fn lock_err(&self, spec: &str) -> String {
        self.lock_err_with(spec, self.opts())
    }

    /// Replace machine-local paths so snapshots are stable.
    pub fn clean(&self, text: &str) -> String {
        let root = self.root().to_string_lossy().into_owned();
        text.replace(&root, "[root]")
    }

    /// A git repository at `rel` with one commit on `main`.
    pub fn repo(&self, rel: &str) -> TestRepo {
        let path = self.path(rel);
        std::fs::create_dir_all(&path).unwrap();
        let repo = Repository::init(&path).unwrap();
        repo.set_head("refs/heads/main").unwrap();
        let r = TestRepo { repo };
        r.commit("README", "first\n");
        r
    }
}

pub struct TestRepo {
    pub repo: Repository,
}

impl TestRepo {
    fn sig() -> Signature<'static> {
        Signature::new(
            "test",
            "test@example.com",
            &git2::Time::new(1_700_000_000, 0),
        )
        .unwrap()
    }

    /// Commit a file on the current branch (HEAD); returns the commit id.
    pub fn commit(&self, file: &str, text: &str) -> Oid {
        let workdir = self.repo.workdir().unwrap();
        std::fs::write(workdir.join(file), text).unwrap();
        let mut index = self.repo.index().unwrap();
        index.add_path(Path::new(file)).unwrap();
        index.write().unwrap();
        let tree = self.repo.find_tree(index.write_tree().unwrap()).unwrap();
        let parent = self.repo.head().ok().and_then(|h| h.peel_to_commit().ok());
        let parents: Vec<&git2::Commit> = parent.iter().collect();
        self.repo
            .commit(
                Some("HEAD"),
                &Self::sig(),
                &Self::sig(),
                text,
                &tree,
                &parents,
            )
            .unwrap()
    }

    pub fn branch(&self, name: &str, at: Oid) {
        let c = self.repo.find_commit(at).unwrap();
        self.repo.branch(name, &c, true).unwrap();
    }

    pub fn lightweight_tag(&self, name: &str, at: Oid) {
        let obj = self.repo.find_object(at, None).unwrap();
        self.repo.tag_lightweight(name, &obj, false).unwrap();
    }

    /// An annotated tag; returns the tag object's id (not the commit's).
    pub fn annotated_tag(&self, name: &str, at: Oid) -> Oid {
        let obj = self.repo.find_object(at, None).unwrap();
        self.repo
            .tag(name, &obj, &Self::sig(), "release", false)
            .unwrap()
    }

    pub fn head(&self) -> Oid {
        self.repo.head().unwrap().peel_to_commit().unwrap().id()
    }
}

fn copy_dir(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for entry in std::fs::read_dir(src).unwrap_or_else(|e| panic!("{}: {e}", src.display())) {
        let entry = entry.unwrap();
        let to = dst.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &to);
        } else {
            std::fs::copy(entry.path(), to).unwrap();
        }
    }
}
