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
    let mut plans = Vec::new();
    let mut compiled = compile_each(path, opts, |plan| plans.push(plan))?;
    compiled.plans = plans;
    Ok(compiled)
}

/// [`compile`], handing each plan to `each` as soon as it is built instead of keeping it:
/// the `Compiled` that comes back has no plans. With [`Options::validate_only`] (`repro
/// check`) nothing of a point is kept once its plan is handed over, so a 100,000-point sweep
/// never holds 100,000 plans. The diagnostics are those of [`compile`]: when it returns
/// `Err`, the plans already handed over are to be dropped.
pub fn compile_each(
    path: &Path,
    opts: &Options,
    mut each: impl FnMut(Plan),
) -> Result<Compiled, Failed> {
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
    match build.plans(&mut each) {
        Ok(warnings) => Ok(Compiled {
            plans: Vec::new(),
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

impl<'a> Build<'a> {
    /// Every plan goes to `each`; the warnings come back. Stage by stage, as the module doc
    /// says, although each point goes through all stages before the next point starts: a
    /// later stage's diagnostics are reported only when no earlier stage has any (at any
    /// point), and once an earlier stage has failed a later one is no longer run.
    fn plans(&self, each: &mut dyn FnMut(Plan)) -> Result<Vec<Diagnostic>, Vec<Diagnostic>> {
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
        // `repro check` resolves nothing, so a point is finished (and dropped) right after
        // it is checked. A lock resolves sources only once every point has passed the
        // checks, so the checked points wait.
        let stream = self.opts.validate_only;
        let mut finisher = Finisher::new(self);
        let mut waiting = Vec::new();
        let mut rule_diags = Vec::new();
        let keep_hparams = (self.opts.validate_only && self.opts.discard_unruled_hparams)
            .then(|| rules.all_keys());
        for (def, point) in &points {
            let mut c = match check(
                def,
                point,
                &globals,
                self.sources,
                self.root,
                self.opts.strict,
                keep_hparams.as_ref(),
            ) {
                Ok(c) => c,
                Err(d) => {
                    diags.extend(d.into_iter().map(|d| workloads.explain(def, d)));
                    continue;
                }
            };
            if !diags.is_empty() {
                continue;
            }
            for d in rules.check(&c.groups, &c.spans, self.sources, &mut c.rulesets) {
                if d.is_error() {
                    rule_diags.push(d);
                } else {
                    c.warnings.push(d);
                }
            }
            if !rule_diags.is_empty() {
                continue;
            }
            if stream {
                finisher.finish(def, point, c, each);
            } else {
                waiting.push(c);
            }
        }
        stop_if_errors(&mut diags)?;
        stop_if_errors(&mut rule_diags)?;
        for ((def, point), c) in points.iter().zip(waiting) {
            finisher.finish(def, point, c, each);
        }
        finisher.end()
    }

    /// Every (run, sweep point) of the root spec.
    fn points(
        &self,
        globals: &[&'a Let],
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

/// The last stage for each point that passed the checks: name, resolve, hash, build the
/// plan, hand it on. Its diagnostics and warnings are reported at [`Finisher::end`].
struct Finisher<'b, 'a> {
    build: &'b Build<'a>,
    inputs: Inputs,
    resolver: SourceResolver,
    diags: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
    /// Lock path -> the first plan locked there: name and span.
    locks: HashMap<PathBuf, (String, Span)>,
    /// Two plans with one name (or one lock file name) would overwrite each other's lock;
    /// reported after every other diagnostic of this stage.
    duplicates: Vec<Diagnostic>,
}

impl<'b, 'a> Finisher<'b, 'a> {
    fn new(build: &'b Build<'a>) -> Self {
        Finisher {
            build,
            inputs: Inputs::new(build.sources, build.root, build.opts.allow_outside_root),
            resolver: SourceResolver::new(build.opts),
            diags: Vec::new(),
            warnings: Vec::new(),
            locks: HashMap::new(),
            duplicates: Vec::new(),
        }
    }

    fn finish(
        &mut self,
        def: &RunDef<'_>,
        point: &Point,
        mut c: Checked,
        each: &mut dyn FnMut(Plan),
    ) {
        self.warnings.append(&mut c.warnings);
        let plan = match self
            .build
            .finish(def, point, c, &mut self.inputs, &mut self.resolver)
        {
            Ok(plan) => plan,
            Err(d) => return self.diags.extend(d),
        };
        // The label names the plan locked there last, as each new one replaces it.
        let last = (plan.name().to_string(), plan.name_span);
        if let Some((first, first_span)) = self.locks.insert(plan.lock_path.clone(), last) {
            let lock = crate::drift::lock_display(&plan);
            self.duplicates.push(
                Diagnostic::error(
                    plan.name_span,
                    format!("two plans would share the lock `{lock}`"),
                )
                .with_label(first_span, format!("`{first}` is also locked there"))
                .with_help("give each run (and each sweep point) a distinct name"),
            );
        }
        each(plan);
    }

    /// The warnings, or every diagnostic of this stage.
    fn end(mut self) -> Result<Vec<Diagnostic>, Vec<Diagnostic>> {
        self.diags.append(&mut self.duplicates);
        stop_if_errors(&mut self.diags)?;
        dedup(&mut self.warnings);
        Ok(self.warnings)
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
