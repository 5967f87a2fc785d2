//! Ref resolution against real repositories made with git2.

use repro_compiler::git_resolver::{GitError, GitResolver};
use repro_compiler::options::Options;

use crate::support::Project;

#[test]
fn branches_tags_and_commits_resolve() {
    let p = Project::new();
    let r = p.repo("repo");
    let first = r.head();
    let second = r.commit("README", "second\n");
    r.branch("release", first);
    r.lightweight_tag("v1-light", first);
    let tag_object = r.annotated_tag("v1", first);
    assert_ne!(tag_object, first, "an annotated tag is its own object");

    let mut git = GitResolver::default();
    let base = p.root();
    let resolve = |git: &mut GitResolver, r: &str| git.resolve("repo", r, base).unwrap();
    assert_eq!(resolve(&mut git, "main"), second.to_string());
    assert_eq!(resolve(&mut git, "release"), first.to_string());
    assert_eq!(resolve(&mut git, "v1-light"), first.to_string());
    assert_eq!(
        resolve(&mut git, "v1"),
        first.to_string(),
        "annotated tags are peeled"
    );
    assert_eq!(
        resolve(&mut git, &first.to_string()[..10]),
        first.to_string()
    );
    let url = format!("file://{}", p.path("repo").display());
    assert_eq!(git.resolve(&url, "v1", base).unwrap(), first.to_string());
}

#[test]
fn detached_remote_listing_peels_annotated_tags() {
    // `file://` through the remote code path (list refs without cloning), as for network URLs.
    let p = Project::new();
    let r = p.repo("repo");
    let first = r.head();
    r.annotated_tag("v1", first);
    let url = format!("file://{}", p.path("repo").display());
    let mut remote = git2::Remote::create_detached(url.as_str()).unwrap();
    remote.connect(git2::Direction::Fetch).unwrap();
    let heads: Vec<(String, String)> = remote
        .list()
        .unwrap()
        .iter()
        .map(|h| (h.name().to_string(), h.oid().to_string()))
        .collect();
    let picked = repro_compiler::git_resolver::pick_ref(&heads, "v1");
    assert_eq!(picked, Some(first.to_string()));
}

#[test]
fn unknown_ref_lists_what_exists() {
    let p = Project::new();
    p.repo("repo");
    let err = GitResolver::default()
        .resolve("repo", "mian", p.root())
        .unwrap_err();
    match err {
        GitError::UnknownRef { known, .. } => assert_eq!(known, ["main"]),
        other => panic!("{other:?}"),
    }
}

const SPEC: &str = r#"
run "src" {
  hardware {
    nodes = 1
    gpus_per_node = 8
    gpu = "NVIDIA H100-SXM5-80GB"
  }
  software {
    container = "img@sha256:00"
    source code = git("../repo", ref = "main")
    source pinned = git("../repo", ref = "v1")
  }
  launch local {
    command = ["python", "train.py"]
  }
  runs = 1
}
"#;

#[test]
fn moved_branch_is_drift_under_locked() {
    let p = Project::new().file("specs/src.run", SPEC);
    let r = p.repo("repo");
    let old = r.head();
    r.annotated_tag("v1", old);
    p.lock_ok("specs/src.run");
    let lock = p.read("lockfiles/src.lock");
    assert!(lock.contains(&format!("commit = \"{old}\"")));
    let new = r.commit("README", "moved\n");
    let locked = Options {
        locked: true,
        ..p.opts()
    };
    let err = p.lock_err_with("specs/src.run", locked.clone());
    assert!(err.contains(&old.to_string()) && err.contains(&new.to_string()));
    insta::assert_snapshot!(err
        .replace(&old.to_string(), "[old]")
        .replace(&new.to_string(), "[new]"));
    // `--frozen` does not look at git at all: the locked commit is still what the lock says.
    let frozen = Options {
        frozen: true,
        ..p.opts()
    };
    p.lock_with("specs/src.run", frozen).unwrap();
    // and a plain `repro lock` moves the lock to the new commit and says so
    let (_, updates) = p.lock_ok("specs/src.run");
    assert!(updates[0].diff.render().contains("sources.code.commit"));
    p.lock_with("specs/src.run", locked).unwrap();
}

#[test]
fn offline_needs_a_locked_source() {
    let p = Project::new().file("specs/src.run", SPEC);
    let r = p.repo("repo");
    r.annotated_tag("v1", r.head());
    let offline = Options {
        offline: true,
        ..p.opts()
    };
    insta::assert_snapshot!(p.lock_err_with("specs/src.run", offline.clone()));
    p.lock_ok("specs/src.run");
    // once locked, offline works even when the repository is gone
    std::fs::remove_dir_all(p.path("repo")).unwrap();
    p.lock_with("specs/src.run", offline).unwrap();
}

/// Needs the network: `cargo test -p repro-compiler -- --ignored network`.
#[test]
#[ignore = "needs network access to github.com"]
fn network_url_resolves_without_cloning() {
    let url = "https://github.com/mlcommons/training_results_v4.1";
    let commit = GitResolver::default()
        .resolve(url, "main", std::path::Path::new("."))
        .expect("github reachable");
    assert_eq!(commit.len(), 40);
    assert!(commit.bytes().all(|b| b.is_ascii_hexdigit()));
}
