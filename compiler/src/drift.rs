//! `--locked` / `--check`: is the lock still what the spec compiles to?
//!
//! The spec is compiled again (refs resolved again unless `--frozen`), the fresh lock content
//! is compared with the file field by field, and each difference becomes one diagnostic that
//! points at the value in the spec and shows the locked and the current value (cargo's
//! `--locked` error is the model: say what changed and how to update).

use repro_lang::Diagnostic;

use crate::lockfile::{Change, LockDiff, Lockfile};
use crate::plan::Plan;

/// The lock on disk no longer matches the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drift {
    /// Plan name.
    pub name: String,
    /// Lock path relative to the lock root (`lockfiles/x.lock`).
    pub lock: String,
    pub diff: LockDiff,
}

/// Compare a freshly compiled plan with its lock.
pub fn check_locked(plan: &Plan, lock: &Lockfile) -> Result<(), Drift> {
    let diff = LockDiff::between(lock, &plan.lock);
    if diff.is_empty() {
        return Ok(());
    }
    Err(Drift {
        name: plan.name().to_string(),
        lock: lock_display(plan),
        diff,
    })
}

/// `lockfiles/NAME.lock`, as the user sees it from the lock root.
pub fn lock_display(plan: &Plan) -> String {
    let file = plan
        .lock_path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!("lockfiles/{file}")
}

impl Drift {
    /// One error per changed field or file, each pointing into the spec.
    pub fn diagnostics(&self, plan: &Plan) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for (group, changes) in &self.diff.groups {
            for c in changes {
                let path = format!("{group}.{}", c.field);
                out.push(self.diag(plan, &format!("`{path}`"), field_span(plan, &path), c));
            }
        }
        for c in &self.diff.inputs {
            let span = input_span(plan, &c.field);
            out.push(self.diag(plan, &format!("input file `{}`", c.field), span, c));
        }
        for c in &self.diff.meta {
            let what = format!("lock field `{}`", c.field);
            out.push(self.diag(plan, &what, plan.name_span, c));
        }
        out
    }

    fn diag(&self, plan: &Plan, what: &str, span: repro_lang::Span, c: &Change) -> Diagnostic {
        let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "(absent)".to_string());
        Diagnostic::error(span, format!("{what} no longer matches `{}`", self.lock))
            .with_span_label(format!("locked {}, now {}", show(&c.old), show(&c.new)))
            .with_note(format!("locked:  {}", show(&c.old)))
            .with_note(format!("current: {}", show(&c.new)))
            .with_help(format!(
                "run `repro lock {}` to update the lock, or revert the change",
                plan.lock.spec
            ))
    }
}

/// The span of the longest recorded prefix of a dotted field path.
fn field_span(plan: &Plan, path: &str) -> repro_lang::Span {
    let mut p = path;
    loop {
        if let Some(s) = plan.spans.get(p) {
            return *s;
        }
        match p.rsplit_once('.') {
            Some((head, _)) => p = head,
            None => return plan.name_span,
        }
    }
}

/// A file named by a field points at that field; a spec file at the run name.
fn input_span(plan: &Plan, file: &str) -> repro_lang::Span {
    let script = plan.launch().script;
    if script.as_deref() == Some(file) {
        field_span(plan, "launch.script")
    } else {
        plan.name_span
    }
}
