//! `repro lock`: write or update the locks of a spec and say what changed; with `--locked`,
//! `--check` or `--frozen`, refuse instead of writing when anything would change.

use std::path::{Path, PathBuf};

use repro_lang::Diagnostic;
use serde::Serialize;

use crate::compile::compile;
use crate::compiled::{Compiled, Failed};
use crate::drift::{check_locked, lock_display};
use crate::lockfile::{LockDiff, LockError, Lockfile};
use crate::options::Options;
use crate::plan::Plan;

/// What happened to one lock file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LockStatus {
    Created,
    Updated,
    Unchanged,
    /// The old lock could not be read (another format version, corrupted); why.
    Replaced(String),
}

/// The outcome for one plan.
#[derive(Debug, Clone, Serialize)]
pub struct LockUpdate {
    pub name: String,
    pub path: PathBuf,
    pub status: LockStatus,
    /// Per group, what changed (everything for a new lock).
    pub diff: LockDiff,
}

impl LockUpdate {
    /// One line for the plan (`created lockfiles/x.lock`), then what changed for an update:
    /// what `repro lock` prints.
    pub fn render(&self) -> String {
        let file = self
            .path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        let verb = match &self.status {
            LockStatus::Created => "created",
            LockStatus::Updated => "updated",
            LockStatus::Unchanged => "unchanged",
            LockStatus::Replaced(_) => "replaced",
        };
        let mut out = format!("{verb} lockfiles/{file} ({})\n", self.name);
        if let LockStatus::Replaced(why) = &self.status {
            out.push_str(&format!("  the old lock could not be read: {why}\n"));
        }
        if self.status == LockStatus::Updated {
            for line in self.diff.render().lines() {
                out.push_str(&format!("  {line}\n"));
            }
        }
        out
    }
}

/// Compile `spec` and bring its locks up to date (or check them, see [`Options::locked`]).
pub fn lock(spec: &Path, opts: &Options) -> Result<(Compiled, Vec<LockUpdate>), Failed> {
    let compiled = compile(spec, opts)?;
    if let (false, Some(plan)) = (opts.must_match(), compiled.plans.first()) {
        create_lock_dir(plan).map_err(|d| Failed {
            sources: compiled.sources.clone(),
            diagnostics: d,
        })?;
    }
    let mut compiled = compiled;
    if !opts.must_match() {
        let leftovers: Vec<Diagnostic> = compiled.plans.iter().filter_map(leftover_temp).collect();
        compiled.warnings.extend(leftovers);
    }
    let mut updates = Vec::new();
    let mut diags = Vec::new();
    for plan in &compiled.plans {
        let result = if opts.must_match() {
            verify_one(plan)
        } else {
            write_one(plan)
        };
        match result {
            Ok(u) => updates.push(u),
            Err(d) => diags.extend(d),
        }
    }
    if diags.is_empty() {
        Ok((compiled, updates))
    } else {
        Err(Failed {
            sources: compiled.sources,
            diagnostics: diags,
        })
    }
}

/// `--check`/`--locked`: the spec compiles to exactly what is locked.
pub fn check(spec: &Path, opts: &Options) -> Result<Compiled, Failed> {
    let opts = Options {
        locked: true,
        ..opts.clone()
    };
    lock(spec, &opts).map(|(c, _)| c)
}

fn verify_one(plan: &Plan) -> Result<LockUpdate, Vec<Diagnostic>> {
    let lock = Lockfile::read(&plan.lock_path).map_err(|e| {
        let missing = matches!(&e, crate::lockfile::LockError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound);
        let d = if missing {
            Diagnostic::error(plan.name_span, format!("`{}` has no lock (`{}` does not exist)", plan.name(), lock_display(plan)))
        } else {
            Diagnostic::error(plan.name_span, first_line(&e.to_string()))
        };
        vec![d.with_help(format!("run `repro lock {}` to write it", plan.lock.spec))]
    })?;
    lock.verify().map_err(|t| {
        let mut d = Diagnostic::error(
            plan.name_span,
            format!(
                "`{}` was edited by hand: its content no longer matches its hashes",
                lock_display(plan)
            ),
        );
        for (entry, stored, computed) in &t.mismatches {
            d = d.with_note(format!(
                "`{entry}`: recorded {stored}, content hashes to {computed}"
            ));
        }
        vec![d.with_help(format!(
            "do not edit locks; run `repro lock {}` to regenerate it",
            plan.lock.spec
        ))]
    })?;
    check_locked(plan, &lock).map_err(|drift| drift.diagnostics(plan))?;
    Ok(LockUpdate {
        name: plan.name().to_string(),
        path: plan.lock_path.clone(),
        status: LockStatus::Unchanged,
        diff: LockDiff::default(),
    })
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or_default().to_string()
}

fn write_one(plan: &Plan) -> Result<LockUpdate, Vec<Diagnostic>> {
    let bytes = plan.lock.write_bytes();
    let (status, diff) = match Lockfile::read(&plan.lock_path) {
        Ok(old) => {
            let same = std::fs::read(&plan.lock_path).is_ok_and(|b| b == bytes);
            let status = if same {
                LockStatus::Unchanged
            } else {
                LockStatus::Updated
            };
            (status, LockDiff::between(&old, &plan.lock))
        }
        Err(LockError::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
            (LockStatus::Created, LockDiff::created(&plan.lock))
        }
        // Another format version or a corrupted file: `repro lock` is the explicit way to
        // regenerate it, and the update says so instead of passing as a plain update.
        Err(e) => (
            LockStatus::Replaced(first_line(&e.to_string())),
            LockDiff::created(&plan.lock),
        ),
    };
    let written = match status {
        LockStatus::Unchanged => Ok(()),
        _ => write_atomic(&plan.lock_path, &bytes),
    };
    written.map_err(|e| {
        vec![Diagnostic::error(
            plan.name_span,
            format!("cannot write `{}`: {e}", plan.lock_path.display()),
        )]
    })?;
    Ok(LockUpdate {
        name: plan.name().to_string(),
        path: plan.lock_path.clone(),
        status,
        diff,
    })
}

/// `lockfiles/`, created once per `repro lock` (every plan of a compile shares it).
fn create_lock_dir(plan: &Plan) -> Result<(), Vec<Diagnostic>> {
    let Some(dir) = plan.lock_path.parent() else {
        return Ok(());
    };
    std::fs::create_dir_all(dir).map_err(|e| {
        vec![Diagnostic::error(
            plan.name_span,
            format!("cannot create `{}`: {e}", dir.display()),
        )]
    })
}

/// Write to a temporary file beside the target, fsync it, rename it over the target and
/// fsync the folder: a kill or a crash leaves either no lock, the old lock or the new one,
/// never an empty or half-written lock (new locks included). What a kill can leave is the
/// temporary file, which the next `repro lock` removes and reports ([`leftover_temp`]).
fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let tmp = temp_path(path);
    let mut file = std::fs::File::create(&tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(&tmp, path)?;
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
    std::fs::File::open(dir.unwrap_or(Path::new(".")))?.sync_all()
}

fn temp_path(lock: &Path) -> std::path::PathBuf {
    lock.with_extension("lock.tmp")
}

/// A temporary lock left by a `repro lock` that was killed: removed, and reported as a
/// warning on the plan, so that the interruption is not silent.
pub fn leftover_temp(plan: &Plan) -> Option<Diagnostic> {
    let tmp = temp_path(&plan.lock_path);
    std::fs::symlink_metadata(&tmp).ok()?;
    let removed = std::fs::remove_file(&tmp);
    let what = match removed {
        Ok(()) => "removed",
        Err(_) => "could not remove",
    };
    Some(
        Diagnostic::warning(
            plan.name_span,
            format!(
                "{what} `{}`, left by an interrupted `repro lock`",
                tmp.display()
            ),
        )
        .with_help("the lock itself was never half-written; check it with `repro lock --locked`"),
    )
}
