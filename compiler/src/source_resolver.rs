//! `SourceResolver`: fills in `software.sources.NAME = { url, ref, commit }`.
//!
//! Online it asks git ([`GitResolver`], cached per compile). With `--offline`/`--frozen` it
//! never touches git: the commit comes from the existing lock when that lock has the same
//! source with the same URL and ref, and anything else is an error that says so.
//!
//! A remote source pinned to a full 40-hex commit id needs no network in either mode: the id
//! is the answer. Its lock entry says `fetched = false` until `repro lock --fetch` fetched that
//! commit from the remote (`fetched = true`, kept by later locks of the same commit). A real
//! `repro run` fetches such a commit itself ([`Options::verify_unfetched`]). A plain path is
//! not a remote: its commit is read from the repository there.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use repro_lang::Diagnostic;

use crate::git_resolver::{fetch_commit, is_full_commit_id, is_remote, GitError, GitResolver};
use crate::lockfile::{Group, LockValue, Lockfile, Table};
use crate::options::Options;
use crate::source_ref::SourceRef;

/// Resolves the sources of every plan of one compile.
pub struct SourceResolver {
    git: GitResolver,
    online: bool,
    /// [`Options::fetch`]: fetch pinned commits to prove them.
    fetch: bool,
    /// [`Options::verify_unfetched`], online only.
    verify_unfetched: bool,
    /// [`Options::must_match`]: a verified commit keeps the lock's `fetched` mark.
    keep_marks: bool,
    /// [`Options::validate_only`]: sources are left unresolved.
    skip: bool,
    /// Existing locks read in offline mode (`None`: no lock there).
    locks: HashMap<PathBuf, Option<Lockfile>>,
    /// `(base, url, commit)` fetched by this compile: a sweep's plans share one fetch.
    fetched: HashSet<(PathBuf, String, String)>,
}

impl SourceResolver {
    pub fn new(opts: &Options) -> Self {
        SourceResolver {
            git: GitResolver::default(),
            online: opts.may_resolve(),
            fetch: opts.fetch && opts.may_resolve(),
            verify_unfetched: opts.verify_unfetched && opts.may_resolve(),
            keep_marks: opts.must_match(),
            skip: opts.validate_only,
            locks: HashMap::new(),
            fetched: HashSet::new(),
        }
    }

    /// Resolve every source of one plan into its software group.
    pub fn resolve_all(
        &mut self,
        refs: &[SourceRef],
        lock_path: &Path,
        groups: &mut BTreeMap<Group, Table>,
        diags: &mut Vec<Diagnostic>,
    ) {
        if self.skip {
            return;
        }
        let mut table = Table::new();
        for s in refs {
            match self.resolve(s, lock_path) {
                Ok((commit, fetched)) => {
                    table.insert(s.name.clone(), entry(s, commit, fetched));
                }
                Err(d) => diags.push(d),
            }
        }
        if !table.is_empty() {
            groups
                .entry(Group::Software)
                .or_default()
                .insert("sources".into(), LockValue::Table(table));
        }
    }

    /// The commit, and for a remote commit pinned by its full id whether it was fetched.
    fn resolve(
        &mut self,
        s: &SourceRef,
        lock_path: &Path,
    ) -> Result<(String, Option<bool>), Diagnostic> {
        if is_full_commit_id(&s.reference) && is_remote(&s.url) {
            let commit = s.reference.to_ascii_lowercase();
            if self.fetch {
                self.fetch(s, &commit)?;
                return Ok((commit, Some(true)));
            }
            let proven = self
                .locked_source(s, lock_path)
                .is_some_and(|(c, fetched)| c == commit && fetched == Some(true));
            if !proven && self.verify_unfetched {
                self.fetch(s, &commit)?;
                return Ok((commit, Some(!self.keep_marks)));
            }
            return Ok((commit, Some(proven)));
        }
        if self.online {
            return self
                .git
                .resolve(&s.url, &s.reference, &s.base)
                .map(|c| (c, None))
                .map_err(|e| git_diagnostic(s, e));
        }
        self.locked_source(s, lock_path).ok_or_else(|| {
            Diagnostic::error(
                s.span,
                format!("source `{}` (`{}` at `{}`) is not in the lock and `--offline` forbids resolving it", s.name, s.url, s.reference),
            )
            .with_help("run `repro lock` without `--offline`/`--frozen` to resolve it")
        })
    }

    /// Fetch `commit` of `s` once per compile.
    fn fetch(&mut self, s: &SourceRef, commit: &str) -> Result<(), Diagnostic> {
        let key = (s.base.clone(), s.url.clone(), commit.to_string());
        if !self.fetched.contains(&key) {
            fetch_commit(&s.url, commit, &s.base).map_err(|e| git_diagnostic(s, e))?;
            self.fetched.insert(key);
        }
        Ok(())
    }

    /// The commit the existing lock holds for `s` (same URL and ref), and its `fetched` mark.
    fn locked_source(&mut self, s: &SourceRef, lock_path: &Path) -> Option<(String, Option<bool>)> {
        let lock = self
            .locks
            .entry(lock_path.to_path_buf())
            .or_insert_with(|| Lockfile::read(lock_path).ok())
            .as_ref()?;
        let src = lock
            .group(Group::Software)
            .get("sources")?
            .as_table()?
            .get(&s.name)?
            .as_table()?;
        let same = src.get("url")?.as_str()? == s.url && src.get("ref")?.as_str()? == s.reference;
        let fetched = match src.get("fetched") {
            Some(LockValue::Bool(b)) => Some(*b),
            _ => None,
        };
        same.then(|| Some((src.get("commit")?.as_str()?.to_string(), fetched)))?
    }
}

/// The lock keeps the request (`url`, `ref`) beside the answer (`commit`).
/// A commit pinned by id alone also says whether it was fetched (`fetched`).
fn entry(s: &SourceRef, commit: String, fetched: Option<bool>) -> LockValue {
    let mut t = Table::new();
    if let Some(fetched) = fetched {
        t.insert("fetched".into(), LockValue::Bool(fetched));
    }
    t.insert("url".into(), LockValue::str(&s.url));
    t.insert("ref".into(), LockValue::str(&s.reference));
    t.insert("commit".into(), LockValue::Str(commit));
    LockValue::Table(t)
}

fn git_diagnostic(s: &SourceRef, e: GitError) -> Diagnostic {
    let d = Diagnostic::error(s.span, format!("cannot resolve source `{}`: {e}", s.name));
    match e {
        GitError::UnknownRef {
            reference, known, ..
        } => {
            let d =
                crate::run_def::with_suggestion(d, &reference, known.iter().map(String::as_str));
            if known.is_empty() {
                d
            } else {
                d.with_note(format!("refs there: {}", preview(&known)))
            }
        }
        GitError::Connect { message, .. } if message.contains("TLS") => d.with_help(
            "this repro's libgit2 has no HTTPS transport (git2 feature `https`); use a local \
             clone or a `file://` URL, or `--offline` with an existing lock",
        ),
        GitError::Connect { .. } => {
            d.with_help("check the URL and the network, or use `--offline` with an existing lock")
        }
        GitError::Fetch { .. } => d.with_help(
            "check that the remote has this commit and that it can be reached; with \
             `--offline` the lock keeps the id unverified (`fetched = false`)",
        ),
        GitError::Open { .. } => {
            d.with_help("a local source must be a git repository (paths are relative to the spec)")
        }
    }
}

fn preview(names: &[String]) -> String {
    let shown: Vec<String> = names.iter().take(8).map(|n| format!("`{n}`")).collect();
    let more = names.len().saturating_sub(8);
    if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}
