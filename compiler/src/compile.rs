//! `compile`: spec file -> one [`Plan`] per run and sweep point.
//!
//! Stages, each collecting all its errors before the next starts: load (lang: parse and
//! `use` imports) -> flatten runs and apply `extends` -> expand sweeps -> evaluate and check
//! each point against the schema -> check hyperparameters against the benchmark's rule sets
//! -> resolve sources (git) -> hash inputs -> build the lock content. Structural errors
//! (unknown blocks and fields) do not stop the checking of the other fields, so one pass
//! reports every problem of a spec.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use repro_lang::ast::{Let, Module};
use repro_lang::{Diagnostic, FileId, SourceMap, Span};

use crate::checker::{check, Checked};
use crate::compiled::{Compiled, Failed};
use crate::inputs::Inputs;
use crate::lockfile::{Group, LockValue, Lockfile, Table};
use crate::names::{check_plan_name, check_run_name};
use crate::options::Options;
use crate::paths::{normalize, relative};
use crate::plan::Plan;
use crate::rules::RuleBook;
use crate::run_def::RunDef;
use crate::runs::{all_runs, global_lets, resolve_run, top_level_statements};
use crate::source_resolver::SourceResolver;
use crate::sweep::{expand, file_stem, point_name, Point};
use crate::workload::Workloads;

/// Compile a spec into plans. Warnings (e.g. container tags) come back with the plans.
pub fn compile(path: &Path, opts: &Options) -> Result<Compiled, Failed> {
    let root = lock_root(path, opts);
    let load_options = repro_lang::LoadOptions {
        root: (!opts.allow_outside_root).then(|| root.clone()),
    };
    let loaded = repro_lang::load_with(path, &load_options).map_err(|e| Failed {
        sources: e.sources,
        diagnostics: e.diagnostics,
    })?;
    let build = Build {
        modules: &loaded.modules,
        root_file: loaded.root,
        sources: &loaded.sources,
        root: &root,
        opts,
    };
    match build.plans() {
        Ok((plans, warnings)) => Ok(Compiled {
            plans,
            sources: loaded.sources,
            warnings,
        }),
        Err(diagnostics) => Err(Failed {
            sources: loaded.sources,
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

/// Everything one compile reads.
struct Build<'a> {
    modules: &'a [Module],
    root_file: FileId,
    sources: &'a SourceMap,
    root: &'a Path,
    opts: &'a Options,
}

type Output = (Vec<Plan>, Vec<Diagnostic>);

impl<'a> Build<'a> {
    fn plans(&self) -> Result<Output, Vec<Diagnostic>> {
        let globals = global_lets(self.modules);
        let mut diags = top_level_statements(self.modules);
        let workloads = Workloads::read(self.modules, &mut diags);
        let points = self.points(&globals, &workloads, &mut diags);
        let rules = RuleBook::read(self.modules, self.sources).unwrap_or_else(|d| {
            diags.extend(d);
            RuleBook::empty()
        });
        // An unknown benchmark or a misspelled closed-division hparam explains the errors
        // evaluation would report next (a workload's `${global_batch_size}`): say only that.
        let mut named = std::collections::HashSet::new();
        let mut names = Vec::new();
        for (def, _) in &points {
            if named.insert(def.key.clone()) {
                names.extend(crate::benchmark_names::check_names(&rules, def));
            }
        }
        if !names.is_empty() {
            diags.extend(names);
            stop_if_errors(&mut diags)?;
        }
        let mut checked = self.check_all(&points, &globals, &workloads, &mut diags);
        stop_if_errors(&mut diags)?;
        for c in &mut checked {
            for d in rules.check(&c.groups, &c.spans, self.sources, &mut c.rulesets) {
                if d.is_error() {
                    diags.push(d);
                } else {
                    c.warnings.push(d);
                }
            }
        }
        stop_if_errors(&mut diags)?;
        self.finish_all(&points, checked)
    }

    /// Every (run, sweep point) of the root spec.
    fn points(
        &self,
        globals: &[Let],
        workloads: &Workloads<'a>,
        diags: &mut Vec<Diagnostic>,
    ) -> Vec<(Rc<RunDef<'a>>, Point)> {
        let runs = all_runs(self.modules);
        let mut points = Vec::new();
        for run in runs.iter().filter(|r| r.name.span.file == self.root_file) {
            let Some(def) = resolve_run(run, &runs, diags) else {
                continue;
            };
            // One shared definition per run: a 100,000-point sweep must not hold 100,000
            // copies of the run's syntax tree (its sweep lists included).
            let def = Rc::new(workloads.apply(def, diags));
            match expand(&def, globals) {
                Ok(ps) => points.extend(ps.into_iter().map(|p| (Rc::clone(&def), p))),
                Err(d) => diags.extend(d),
            }
        }
        if points.is_empty() && diags.is_empty() {
            diags.push(
                Diagnostic::error(Span::point(self.root_file, 0), "this spec defines no `run`")
                    .with_help("add `run \"NAME\" { ... }`"),
            );
        }
        points
    }

    fn check_all(
        &self,
        points: &[(Rc<RunDef<'_>>, Point)],
        globals: &[Let],
        workloads: &Workloads<'_>,
        diags: &mut Vec<Diagnostic>,
    ) -> Vec<Checked> {
        let mut out = Vec::new();
        for (def, point) in points {
            match check(
                def,
                point,
                globals,
                self.sources,
                self.root,
                self.opts.strict,
            ) {
                Ok(c) => out.push(c),
                Err(d) => diags.extend(d.into_iter().map(|d| workloads.explain(def, d))),
            }
        }
        out
    }

    fn finish_all(
        &self,
        points: &[(Rc<RunDef<'_>>, Point)],
        checked: Vec<Checked>,
    ) -> Result<Output, Vec<Diagnostic>> {
        let mut inputs = Inputs::new(self.sources, self.root, self.opts.allow_outside_root);
        let mut resolver = SourceResolver::new(self.opts);
        let (mut plans, mut warnings, mut diags) = (Vec::new(), Vec::new(), Vec::new());
        for ((def, point), mut c) in points.iter().zip(checked) {
            warnings.append(&mut c.warnings);
            match self.finish(def, point, c, &mut inputs, &mut resolver) {
                Ok(plan) => plans.push(plan),
                Err(d) => diags.extend(d),
            }
        }
        duplicate_names(&plans, &mut diags);
        stop_if_errors(&mut diags)?;
        dedup(&mut warnings);
        Ok((plans, warnings))
    }

    /// Name the plan, resolve its sources, hash its inputs and build its lock content.
    fn finish(
        &self,
        def: &RunDef<'_>,
        point: &Point,
        mut c: Checked,
        inputs: &mut Inputs,
        resolver: &mut SourceResolver,
    ) -> Result<Plan, Vec<Diagnostic>> {
        let (run, name) = match def.name.as_plain() {
            Some(plain) => {
                let name = point_name(&plain, point);
                (plain, name)
            }
            None => (c.name.clone(), c.name.clone()),
        };
        check_names(&run, &name, def)?;
        let lock_path = self
            .root
            .join("lockfiles")
            .join(format!("{}.lock", file_stem(&name)));
        let mut diags = Vec::new();
        resolver.resolve_all(&c.sources, &lock_path, &mut c.groups, &mut diags);
        let files = inputs.for_plan(&c.files);
        let files = match (files, diags.is_empty()) {
            (Ok(files), true) => files,
            (Ok(_), false) => return Err(diags),
            (Err(d), _) => return Err(diags.into_iter().chain(d).collect()),
        };
        add_sweep_point(&mut c.groups, point);
        if files
            .keys()
            .any(|k| k.starts_with("../") || k.starts_with('/'))
        {
            c.groups
                .entry(Group::Run)
                .or_default()
                .insert("outside_root".into(), LockValue::Bool(true));
        }
        let spec = relative(self.root, self.sources.path(self.root_file));
        let lock = Lockfile::new(name, spec, c.rulesets, files, c.groups);
        Ok(Plan {
            lock,
            lock_path,
            spans: c.spans,
            name_span: def.name.span,
        })
    }
}

/// The run name and the plan name follow [`crate::names`]: they become `#SBATCH` lines,
/// script comments and folder names, so they are refused, never rewritten.
fn check_names(run: &str, plan: &str, def: &RunDef<'_>) -> Result<(), Vec<Diagnostic>> {
    let result = check_run_name(run)
        .map_err(|e| (run, e))
        .and_then(|()| check_plan_name(plan).map_err(|e| (plan, e)));
    let Err((name, e)) = result else {
        return Ok(());
    };
    let what = if name == run { "run" } else { "plan" };
    let d = Diagnostic::error(
        def.name.span,
        format!("invalid {what} name `{}`: {e}", name.escape_debug()),
    )
    .with_help(
        "a name is letters, digits, `_`, `-`, `.` and `+`, starting with a letter, a digit or `_`, \
         without `..` (sweep values in a plan name follow the same rule)",
    )
    .with_note("names become `#SBATCH --job-name`, script comments and folder names");
    Err(vec![d])
}

/// Two plans with one name (or one lock file name) would overwrite each other's lock.
fn duplicate_names(plans: &[Plan], diags: &mut Vec<Diagnostic>) {
    let mut seen: HashMap<&Path, &Plan> = HashMap::new();
    for plan in plans {
        if let Some(first) = seen.insert(&plan.lock_path, plan) {
            let lock = crate::drift::lock_display(plan);
            diags.push(
                Diagnostic::error(
                    plan.name_span,
                    format!("two plans would share the lock `{lock}`"),
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

/// Sort (by file and position) and deduplicate; an error when there is anything.
fn stop_if_errors(diags: &mut Vec<Diagnostic>) -> Result<(), Vec<Diagnostic>> {
    if diags.is_empty() {
        return Ok(());
    }
    dedup(diags);
    diags.sort_by_key(|d| (d.span.file, d.span.start));
    Err(std::mem::take(diags))
}

/// The same diagnostic at the same place is reported once (a sweep repeats every field).
fn dedup(diags: &mut Vec<Diagnostic>) {
    let mut seen = HashSet::new();
    diags.retain(|d| seen.insert((d.span, d.message.clone())));
}

/// `[run.sweep]`: the point's variables, typed as in hparams.
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
