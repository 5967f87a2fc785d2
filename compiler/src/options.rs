//! Options for compiling and locking, mirroring the CLI flags.

use std::path::PathBuf;

/// How much the compiler may resolve and whether the lock may change.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The lock root: locks go to `ROOT/lockfiles/`, every path in a lock is relative to it.
    /// `None`: the spec's directory, or its parent when that directory is named `specs`.
    pub root: Option<PathBuf>,
    /// `--offline`: no network and no repository access; sources come from the existing lock
    /// (same URL and ref), anything not locked is an error.
    pub offline: bool,
    /// `--locked` / `--check`: refuse when the lock would change.
    pub locked: bool,
    /// `--frozen`: `--locked` and `--offline` together (no git access at all).
    pub frozen: bool,
    /// `--strict`: warnings that threaten reproducibility (container tags) become errors.
    pub strict: bool,
    /// `repro check`: validate everything (syntax, schema, units, rules) but resolve no
    /// source and read no lock. The plans that come back have no `software.sources` and are
    /// for inspection only, never for locking.
    pub validate_only: bool,
    /// `repro check`, with [`Options::validate_only`]: every hparam is still evaluated and
    /// checked (type, control characters, the rule sets), but one that no loaded rule set
    /// has a `key` rule for is then dropped, not kept in the plan: a check reports and keeps
    /// no plan, and a 10 MB spec of 490,000 hparams would otherwise hold a table and a span
    /// index of them beside its syntax tree (#14). The plans that come back lack those
    /// hparams; only their names are to be used.
    pub discard_unruled_hparams: bool,
    /// `--allow-outside-root`: `use` imports and files named by fields (`script`) may lie
    /// outside the lock root. A lock that depends on such a file says so
    /// (`outside_root = true` in `[run]`), so that the choice is reviewed with the lock.
    pub allow_outside_root: bool,
    /// `repro lock --fetch`: a source pinned to a full commit id is fetched from its remote to
    /// prove the commit exists there; the lock then records `fetched = true`.
    pub fetch: bool,
    /// A real `repro run`: a source pinned to a full commit id that the lock does not mark
    /// `fetched = true` is fetched (as by `--fetch`) before anything runs. The lock then says
    /// `fetched = true`, except under `--locked`, where it is not rewritten but the commit is
    /// fetched all the same. Ignored with `--offline`/`--frozen`.
    pub verify_unfetched: bool,
}

impl Options {
    /// Whether git may be asked anything.
    pub fn may_resolve(&self) -> bool {
        !(self.offline || self.frozen)
    }

    /// Whether the lock must stay as it is.
    pub fn must_match(&self) -> bool {
        self.locked || self.frozen
    }
}
