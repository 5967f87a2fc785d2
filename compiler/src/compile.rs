//! `compile`: spec file -> one [`Plan`] per run and sweep point.
//!
//! Stages, each collecting all its errors before the next starts: load (lang: parse and
//! `use` imports) -> flatten runs and apply `extends` -> expand sweeps -> evaluate and check
//! each point against the schema -> check hyperparameters against the benchmark's rule sets
//! -> resolve sources (git) -> hash inputs -> build the lock content.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use repro_lang::ast::{Item, Let, Module, Run, Stmt};
use repro_lang::{Diagnostic, FileId, SourceMap, Span};

use crate::checker::{check, Checked};
use crate::compiled::{Compiled, Failed};
use crate::hash::sha256;
use crate::lockfile::{Group, LockValue, Lockfile, Table};
use crate::options::Options;
use crate::paths::{normalize, relative};
use crate::plan::Plan;
use crate::rule_check::RuleBook;
use crate::run_def::{run_key, with_suggestion, RunDef};
use crate::source_resolver::SourceResolver;
use crate::sweep::{expand, file_stem, point_name, Point};

/// Compile a spec into plans. Warnings (e.g. container tags) come back with the plans.
pub fn compile(path: &Path, opts: &Options) -> Result<Compiled, Failed> {
    let loaded = repro_lang::load(path).map_err(|e| Failed {
        sources: e.sources,
        diagnostics: e.diagnostics,
    })?;
    let sources = loaded.sources;
    let root = lock_root(path, opts);
    match build_plans(&loaded.modules, loaded.root, &sources, &root, opts) {
        Ok((plans, warnings)) => Ok(Compiled {
            plans,
            sources,
            warnings,
        }),
        Err(diagnostics) => Err(Failed {
            sources,
            diagnostics,
        }),
    }
}

/// See [`Options::root`].
pub fn lock_root(spec: &Path, opts: &Options) -> PathBuf {
    if let Some(root) = &opts.root {
        return normalize(root);
    }
    let dir = normalize(spec)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    if dir.file_name().is_some_and(|n| n == "specs") {
        dir.parent().map(Path::to_path_buf).unwrap_or(dir)
    } else {
        dir
    }
}

type Output = (Vec<Plan>, Vec<Diagnostic>);

fn build_plans(
    modules: &[Module],
    root_file: repro_lang::FileId,
    sources: &SourceMap,
    root: &Path,
    opts: &Options,
) -> Result<Output, Vec<Diagnostic>> {
    let globals = global_lets(modules);
    let runs = all_runs(modules);
    let mut diags = top_level_statements(modules);
    let mut points = Vec::new();
    for run in runs.iter().filter(|r| r.name.span.file == root_file) {
        match resolve_run(run, &runs, &mut diags) {
            Some(def) => match expand(&def, &globals) {
                Ok(ps) => points.extend(ps.into_iter().map(|p| (def.clone(), p))),
                Err(d) => diags.extend(d),
            },
            None => continue,
        }
    }
    if points.is_empty() && diags.is_empty() {
        diags.push(
            Diagnostic::error(Span::point(root_file, 0), "this spec defines no `run`")
                .with_help("add `run \"NAME\" { ... }`"),
        );
    }
    // Structural errors (unknown blocks and fields) do not stop checking the rest, so that
    // one pass reports every problem of the spec.
    let rules = RuleBook::read(modules, sources)?;
    let mut checked = check_points(&points, &globals, sources, root, opts, &mut diags);
    stop_if_errors(&mut diags)?;
    for c in &mut checked {
        for d in rules.check(&c.groups, &c.spans, sources, &mut c.rulesets) {
            if d.is_error() {
                diags.push(d);
            } else {
                c.warnings.push(d);
            }
        }
    }
    stop_if_errors(&mut diags)?;
    let inputs = Inputs::new(sources, root);
    let mut resolver = SourceResolver::new(root, opts);
    let mut plans = Vec::new();
    let mut warnings = Vec::new();
    for ((def, point), mut c) in points.iter().zip(checked) {
        warnings.append(&mut c.warnings);
        match finish(
            def,
            point,
            c,
            &inputs,
            &mut resolver,
            root_file,
            sources,
            root,
        ) {
            Ok(plan) => plans.push(plan),
            Err(d) => diags.extend(d),
        }
    }
    duplicate_names(&plans, &mut diags);
    stop_if_errors(&mut diags)?;
    dedup(&mut warnings);
    Ok((plans, warnings))
}

/// Two plans with one name (or one lock file name) would overwrite each other's lock.
fn duplicate_names(plans: &[Plan], diags: &mut Vec<Diagnostic>) {
    let mut seen: HashMap<&Path, &Plan> = HashMap::new();
    for plan in plans {
        if let Some(first) = seen.insert(&plan.lock_path, plan) {
            diags.push(
                Diagnostic::error(
                    plan.name_span,
                    format!(
                        "two plans would share the lock `{}`",
                        crate::drift::lock_display(plan)
                    ),
                )
                .with_label(
                    first.name_span,
                    format!("`{}` is also locked there", first.name()),
                )
                .with_help("give each run (and each sweep point) a distinct name"),
            );
        }
    }
}

fn stop_if_errors(diags: &mut Vec<Diagnostic>) -> Result<(), Vec<Diagnostic>> {
    if diags.is_empty() {
        Ok(())
    } else {
        dedup(diags);
        diags.sort_by_key(|d| (d.span.file, d.span.start));
        Err(std::mem::take(diags))
    }
}

/// The same error at the same place is reported once (a sweep repeats every field).
fn dedup(diags: &mut Vec<Diagnostic>) {
    let mut seen = std::collections::HashSet::new();
    diags.retain(|d| seen.insert((d.span, d.message.clone())));
}

fn check_points(
    points: &[(RunDef, Point)],
    globals: &[Let],
    sources: &SourceMap,
    root: &Path,
    opts: &Options,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Checked> {
    let mut out = Vec::new();
    for (def, point) in points {
        match check(def, point, globals, sources, root, opts.strict) {
            Ok(c) => out.push(c),
            Err(d) => diags.extend(d),
        }
    }
    out
}

fn global_lets(modules: &[Module]) -> Vec<Let> {
    modules
        .iter()
        .flat_map(|m| &m.items)
        .filter_map(|i| match i {
            Item::Stmt(Stmt::Let(l)) => Some(l.clone()),
            _ => None,
        })
        .collect()
}

/// Only `use`, `let`, `run` and `rules` mean something at the top level of a spec.
fn top_level_statements(modules: &[Module]) -> Vec<Diagnostic> {
    modules
        .iter()
        .flat_map(|m| &m.items)
        .filter_map(|i| match i {
            Item::Stmt(Stmt::Let(_)) | Item::Use(_) | Item::Run(_) | Item::Rules(_) => None,
            Item::Stmt(s) => Some(
                Diagnostic::error(s.span(), "this statement is not allowed at the top level")
                    .with_help(
                        "put it inside a `run` block, or bind a value with `let NAME = ...`",
                    ),
            ),
        })
        .collect()
}

fn all_runs(modules: &[Module]) -> Vec<Run> {
    modules
        .iter()
        .flat_map(|m| &m.items)
        .filter_map(|i| match i {
            Item::Run(r) => Some(r.clone()),
            _ => None,
        })
        .collect()
}

/// Flatten a run and its `extends` chain (parent first), detecting cycles.
fn resolve_run(run: &Run, runs: &[Run], diags: &mut Vec<Diagnostic>) -> Option<RunDef> {
    let mut chain = vec![run];
    while let Some(parent) = &chain[chain.len() - 1].extends {
        let Some(p) = runs.iter().find(|r| run_key(&r.name) == parent.value) else {
            let keys: Vec<String> = runs.iter().map(|r| run_key(&r.name)).collect();
            let names = keys.iter().map(String::as_str);
            diags.push(with_suggestion(
                Diagnostic::error(
                    parent.span,
                    format!("no run named `{}` to extend", parent.value),
                ),
                &parent.value,
                names,
            ));
            return None;
        };
        if chain.iter().any(|c| run_key(&c.name) == run_key(&p.name)) {
            let mut names: Vec<String> = chain.iter().map(|c| run_key(&c.name)).collect();
            names.push(run_key(&p.name));
            diags.push(Diagnostic::error(
                parent.span,
                format!("`extends` cycle: {}", names.join(" -> ")),
            ));
            return None;
        }
        chain.push(p);
    }
    let mut def: Option<RunDef> = None;
    for r in chain.iter().rev() {
        let own = RunDef::from_ast(r, diags);
        def = Some(match def {
            Some(parent) => own.extend(&parent),
            None => own,
        });
    }
    def
}

/// Input files and their hashes: every loaded spec plus the files fields name.
struct Inputs<'a> {
    root: &'a Path,
    specs: BTreeMap<String, String>,
    files: std::cell::RefCell<HashMap<PathBuf, String>>,
}

impl<'a> Inputs<'a> {
    fn new(sources: &SourceMap, root: &'a Path) -> Self {
        let specs = sources
            .ids()
            .map(|id| {
                let f = sources.file(id);
                (relative(root, &f.path), sha256(f.text.as_bytes()))
            })
            .collect();
        Inputs {
            root,
            specs,
            files: Default::default(),
        }
    }

    /// The hash of a referenced file (read once per compile).
    fn file_hash(&self, path: &Path) -> std::io::Result<String> {
        if let Some(h) = self.files.borrow().get(path) {
            return Ok(h.clone());
        }
        let h = sha256(&std::fs::read(path)?);
        self.files
            .borrow_mut()
            .insert(path.to_path_buf(), h.clone());
        Ok(h)
    }
}

#[allow(clippy::too_many_arguments)]
fn finish(
    def: &RunDef,
    point: &Point,
    mut c: Checked,
    inputs: &Inputs<'_>,
    resolver: &mut SourceResolver,
    root_file: repro_lang::FileId,
    sources: &SourceMap,
    root: &Path,
) -> Result<Plan, Vec<Diagnostic>> {
    let name = match def.name.as_plain() {
        Some(plain) => point_name(&plain, point),
        None => c.name.clone(),
    };
    if name.trim().is_empty() {
        return Err(vec![Diagnostic::error(
            def.name.span,
            "a run needs a non-empty name",
        )]);
    }
    let lock_path = root
        .join("lockfiles")
        .join(format!("{}.lock", file_stem(&name)));
    let mut diags = Vec::new();
    resolver.resolve_all(&c.sources, &lock_path, &mut c.groups, &mut diags);
    let mut files = inputs.specs.clone();
    for (path, span) in &c.files {
        match inputs.file_hash(path) {
            Ok(h) => {
                files.insert(relative(inputs.root, path), h);
            }
            Err(e) => diags.push(Diagnostic::error(
                *span,
                format!("cannot read `{}`: {e}", path.display()),
            )),
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    add_sweep_point(&mut c.groups, point);
    let spec = relative(root, sources.path(root_file));
    let lock = Lockfile::new(name, spec, c.rulesets.clone(), files, c.groups);
    Ok(Plan {
        lock,
        lock_path,
        spans: c.spans,
        name_span: def.name.span,
    })
}

fn add_sweep_point(groups: &mut BTreeMap<Group, Table>, point: &Point) {
    if point.is_empty() {
        return;
    }
    let t: Table = point
        .iter()
        .map(|(n, v)| {
            let lock_value = crate::convert::any_value(v.clone(), Span::point(FileId(0), 0))
                .unwrap_or_else(|_| LockValue::str(v.to_text()));
            (n.clone(), lock_value)
        })
        .collect();
    groups
        .entry(Group::Run)
        .or_default()
        .insert("sweep".into(), LockValue::Table(t));
}
