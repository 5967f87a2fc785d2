//! Resolving `git(url, ref = ...)` to a commit id with libgit2 (no `git` process).
//!
//! Local paths and `file://` URLs are opened as repositories and the ref is resolved with
//! rev-parse rules (branches, tags, short and full commit ids). Network URLs are resolved by
//! listing the remote's refs (`Remote::create_detached` + `connect` + `list`), which needs no
//! clone. Annotated tags are peeled to the commit they point at. Results are cached per
//! `(url, ref)` for the whole compile, so a 1,000-point sweep asks each remote once.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use git2::{Direction, ObjectType, Remote, Repository};

/// Why a ref could not be resolved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GitError {
    #[error("cannot open git repository `{url}`: {message}")]
    Open { url: String, message: String },
    #[error("cannot reach git remote `{url}`: {message}")]
    Connect { url: String, message: String },
    #[error("commit `{commit}` cannot be fetched from `{url}`: {message}")]
    Fetch {
        url: String,
        commit: String,
        message: String,
    },
    #[error("ref `{reference}` not found in `{url}`")]
    UnknownRef {
        url: String,
        reference: String,
        /// Branch and tag names that exist, for a "did you mean" hint.
        known: Vec<String>,
    },
}

/// Resolves refs and remembers the answers.
#[derive(Debug, Default)]
pub struct GitResolver {
    cache: HashMap<(PathBuf, String, String), Result<String, GitError>>,
}

impl GitResolver {
    /// Resolve `reference` in the repository at `url` to a full commit id. A relative local
    /// path is taken relative to `base` (the directory of the spec that names it).
    pub fn resolve(&mut self, url: &str, reference: &str, base: &Path) -> Result<String, GitError> {
        let key = (base.to_path_buf(), url.to_string(), reference.to_string());
        self.cache
            .entry(key)
            .or_insert_with(|| resolve_uncached(url, reference, base))
            .clone()
    }
}

/// Fetch `commit` (a full id) from the remote at `url` (a network or `file://` URL) into a
/// throw-away bare repository, depth 1: proof that the remote has it. A plain path is opened
/// instead of fetched.
pub fn fetch_commit(url: &str, commit: &str, base: &Path) -> Result<(), GitError> {
    let fetch_err = |message: String| GitError::Fetch {
        url: url.to_string(),
        commit: commit.to_string(),
        message,
    };
    if let Some(path) = local_path(url, base).filter(|_| !is_remote(url)) {
        let found = resolve_local(url, &path, commit)?;
        return if found.eq_ignore_ascii_case(commit) {
            Ok(())
        } else {
            Err(fetch_err(format!("it names `{found}` there")))
        };
    }
    let scratch = std::env::temp_dir().join(format!(
        "repro-fetch-{}-{}",
        std::process::id(),
        &commit[..commit.len().min(12)]
    ));
    let result = (|| {
        let repo = Repository::init_bare(&scratch).map_err(|e| fetch_err(e.message().into()))?;
        let mut remote = repo
            .remote_anonymous(url)
            .map_err(|e| fetch_err(e.message().into()))?;
        let mut options = git2::FetchOptions::new();
        // libgit2's local transport refuses shallow fetches ("shallow fetch is not supported
        // by the local transport"); a `file://` remote is on this machine, so the whole
        // history is fetched instead.
        if !url.starts_with("file://") {
            options.depth(1);
        }
        remote
            .fetch(&[commit], Some(&mut options), None)
            .map_err(|e| fetch_err(e.message().into()))?;
        let oid = git2::Oid::from_str(commit).map_err(|e| fetch_err(e.message().into()))?;
        repo.find_commit(oid)
            .map(|_| ())
            .map_err(|e| fetch_err(e.message().into()))
    })();
    let _ = std::fs::remove_dir_all(&scratch);
    result
}

fn resolve_uncached(url: &str, reference: &str, base: &Path) -> Result<String, GitError> {
    match local_path(url, base) {
        Some(path) => resolve_local(url, &path, reference),
        None => resolve_remote(url, reference),
    }
}

/// A URL (`scheme://...`, `file://` included) or scp-like `host:path`, as opposed to a plain
/// path: what a commit pinned by its full id is fetched from to prove it (`fetched`).
pub fn is_remote(url: &str) -> bool {
    url.contains("://") || (!url.starts_with('/') && !url.starts_with('.') && url.contains(':'))
}

/// `file://PATH` and plain paths are local; `scheme://` and scp-like `host:path` are not.
pub fn local_path(url: &str, base: &Path) -> Option<PathBuf> {
    if let Some(rest) = url.strip_prefix("file://") {
        return Some(base.join(rest));
    }
    let scp_like = !url.starts_with('/') && !url.starts_with('.') && url.contains(':');
    if url.contains("://") || scp_like {
        return None;
    }
    Some(base.join(url))
}

fn resolve_local(url: &str, path: &Path, reference: &str) -> Result<String, GitError> {
    let repo = Repository::open(path).map_err(|e| GitError::Open {
        url: url.to_string(),
        message: e.message().to_string(),
    })?;
    let unknown = || GitError::UnknownRef {
        url: url.to_string(),
        reference: reference.to_string(),
        known: local_names(&repo),
    };
    let object = repo.revparse_single(reference).map_err(|_| unknown())?;
    let commit = object.peel(ObjectType::Commit).map_err(|_| unknown())?;
    Ok(commit.id().to_string())
}

fn local_names(repo: &Repository) -> Vec<String> {
    let Ok(refs) = repo.references() else {
        return Vec::new();
    };
    let mut names: Vec<String> = refs
        .flatten()
        .filter_map(|r| r.shorthand().ok().map(str::to_string))
        .collect();
    names.sort();
    names
}

fn resolve_remote(url: &str, reference: &str) -> Result<String, GitError> {
    if is_full_commit_id(reference) {
        return Ok(reference.to_ascii_lowercase());
    }
    let connect_err = |e: git2::Error| GitError::Connect {
        url: url.to_string(),
        message: e.message().to_string(),
    };
    let mut remote = Remote::create_detached(url).map_err(connect_err)?;
    remote.connect(Direction::Fetch).map_err(connect_err)?;
    let heads: Vec<(String, String)> = remote
        .list()
        .map_err(connect_err)?
        .iter()
        .map(|h| (h.name().to_string(), h.oid().to_string()))
        .collect();
    pick_ref(&heads, reference).ok_or_else(|| GitError::UnknownRef {
        url: url.to_string(),
        reference: reference.to_string(),
        known: advertised_names(&heads),
    })
}

/// Git's order for a short name: an exact ref name, then a tag (peeled `^{}` entry first, so
/// an annotated tag gives its commit), then a branch.
pub fn pick_ref(heads: &[(String, String)], reference: &str) -> Option<String> {
    let candidates = [
        format!("{reference}^{{}}"),
        reference.to_string(),
        format!("refs/tags/{reference}^{{}}"),
        format!("refs/tags/{reference}"),
        format!("refs/heads/{reference}"),
    ];
    candidates.iter().find_map(|want| {
        heads
            .iter()
            .find(|(name, _)| name == want)
            .map(|(_, oid)| oid.clone())
    })
}

fn advertised_names(heads: &[(String, String)]) -> Vec<String> {
    let mut names: Vec<String> = heads
        .iter()
        .filter(|(n, _)| !n.ends_with("^{}"))
        .map(|(n, _)| {
            n.trim_start_matches("refs/heads/")
                .trim_start_matches("refs/tags/")
                .to_string()
        })
        .collect();
    names.sort();
    names.dedup();
    names
}

pub fn is_full_commit_id(s: &str) -> bool {
    s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_urls() {
        let base = Path::new("/base");
        assert_eq!(local_path("../repo", base), Some(base.join("../repo")));
        assert_eq!(local_path("file:///r", base), Some(PathBuf::from("/r")));
        assert_eq!(local_path("https://github.com/a/b", base), None);
        assert_eq!(local_path("git@github.com:a/b.git", base), None);
        assert!(is_remote("file:///r") && is_remote("git@github.com:a/b.git"));
        assert!(!is_remote("../repo") && !is_remote("/abs/repo"));
    }

    #[test]
    fn annotated_tags_prefer_the_peeled_entry() {
        let heads = vec![
            ("refs/heads/main".to_string(), "m".to_string()),
            ("refs/tags/v1".to_string(), "tagobj".to_string()),
            ("refs/tags/v1^{}".to_string(), "commit".to_string()),
        ];
        assert_eq!(pick_ref(&heads, "v1").as_deref(), Some("commit"));
        assert_eq!(pick_ref(&heads, "main").as_deref(), Some("m"));
        assert_eq!(pick_ref(&heads, "nope"), None);
        assert_eq!(advertised_names(&heads), vec!["main", "v1"]);
    }
}
