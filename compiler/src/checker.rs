//! `Checker`: evaluates every field of one run at one sweep point and checks it against the
//! schema, producing the lock groups.
//!
//! All errors of a run are collected (an unknown field does not hide a wrong unit two lines
//! later). A sweep variable sets the field of the same name: the run's own field when it has
//! one, else the schema field of that name (`nodes` -> `hardware.nodes`), else a hyperparameter.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use repro_lang::ast::Let;
use repro_lang::{Diagnostic, SourceMap, Span};

use crate::convert::{any_value, convert, env_value, spec_dir};
use crate::evaluator::{type_error, Evaluator};
use crate::executor_kind::ExecutorKind;
use crate::lockfile::{Group, LockValue, Table};
use crate::run_def::{with_suggestion, FieldKey, OwnedField, RunDef};
use crate::schema::{block_schema, field, BLOCKS, EXECUTORS, RUN_FIELDS};
use crate::source_ref::SourceRef;
use crate::spans::Spans;
use crate::sweep::Point;
use crate::value::Value;

/// What checking one run point produces.
#[derive(Debug, Default)]
pub struct Checked {
    /// The run name evaluated at this point (interpolated names only; see `compile`).
    pub name: String,
    pub groups: BTreeMap<Group, Table>,
    /// `group.field` -> span of the value in the spec (for drift and rule errors).
    pub spans: Spans,
    /// Files named by fields (`script`), absolute, with the span that names them.
    pub files: Vec<(PathBuf, Span)>,
    /// Rule sets that checked this point: name -> version.
    pub rulesets: BTreeMap<String, String>,
    pub sources: Vec<SourceRef>,
    pub warnings: Vec<Diagnostic>,
}

/// Launch fields each executor does not render: accepting them would drop them silently.
/// `qos` is in the schema (a Slurm concept users reach for) but no executor renders it yet.
const NOT_RENDERED: &[(&str, &[&str])] = &[
    (
        "local",
        &["partition", "account", "qos", "constraint", "exclusive"],
    ),
    ("slurm", &["qos"]),
];

/// Check one run at one point. With `keep_hparams` (see
/// [`crate::options::Options::discard_unruled_hparams`]), an hparam not in it is evaluated
/// and checked, then dropped: it is neither in `groups` nor in `spans`.
pub fn check(
    def: &RunDef<'_>,
    point: &Point,
    globals: &[&Let],
    sources: &SourceMap,
    root: &Path,
    strict: bool,
    keep_hparams: Option<&HashSet<String>>,
) -> Result<Checked, Vec<Diagnostic>> {
    let ctx = Ctx {
        sources,
        root,
        keep_hparams,
    };
    let (def, point_map) = apply_point(def, point);
    let mut ev = Evaluator::new(globals, &def, &point_map);
    let dropped = match keep_hparams {
        Some(_) => def.fields.keys().filter(|&k| ctx.drops(k)).count(),
        None => 0,
    };
    let mut out = Checked {
        // A span per kept field, and a few that are not fields (the executor).
        spans: Spans::with_capacity(def.fields.len() - dropped + 4),
        ..Checked::default()
    };
    let mut diags = missing(&def);
    match ev.eval_string(&def.name) {
        Ok(name) => out.name = name,
        Err(d) => diags.push(d),
    }
    for (key, fdef) in def.fields.iter() {
        let value = match ev.field(&key) {
            Some(Ok(v)) => v,
            Some(Err(d)) => {
                diags.push(d);
                continue;
            }
            None => continue,
        };
        if let Some(d) = control_char(&key, &value, fdef.value_span()) {
            diags.push(d);
            continue;
        }
        match check_field(&key, value, &fdef, &ctx, &mut out) {
            Ok(()) => {}
            Err(d) => diags.push(d),
        }
    }
    executor(&def, &mut out, &mut diags);
    container_pin(&mut out, strict, &mut diags);
    let fraction_span = out.spans.get("health.fraction").copied();
    diags.extend(crate::health_policy::check_fraction(
        &out.groups,
        fraction_span,
    ));
    crate::health_policy::fill_defaults(&mut out.groups);
    if diags.is_empty() {
        Ok(out)
    } else {
        Err(diags)
    }
}

/// Values are data: a line break (or any control character) in a value that reaches a
/// `#SBATCH` directive, a script comment or a file name would end the line and run the
/// rest as a command, and quoting cannot protect a directive. Every field of a run can
/// reach one of them (hparams become environment variables), so every string is checked.
fn control_char(key: &FieldKey<'_>, value: &Value, span: Span) -> Option<Diagnostic> {
    let c = find_control(value)?;
    let field = if key.0.is_empty() {
        key.1.to_string()
    } else {
        format!("{}.{}", key.0, key.1)
    };
    Some(
        Diagnostic::error(
            span,
            format!(
                "control character {} in the value of `{field}`",
                crate::names::describe_char(c)
            ),
        )
        .with_help("remove it: values are written into job scripts, `#SBATCH` lines and file names, where a line break would end the line")
        .with_note("newline, carriage return, NUL and the other control characters are refused in every value"),
    )
}

fn find_control(value: &Value) -> Option<char> {
    match value {
        Value::Str(s) | Value::Name(s) => crate::names::first_control(s).map(|(_, c)| c),
        Value::List(items) => items.iter().find_map(find_control),
        // Numbers hold no characters.
        Value::Ints(_) => None,
        Value::Record(fields) => fields.iter().find_map(|(k, v)| {
            crate::names::first_control(k)
                .map(|(_, c)| c)
                .or_else(|| find_control(v))
        }),
        Value::Git(g) => crate::names::first_control(&g.url)
            .or_else(|| crate::names::first_control(&g.reference))
            .map(|(_, c)| c),
        _ => None,
    }
}

/// Turn sweep variables into field overrides (see the module doc).
fn apply_point<'a>(
    original: &'a RunDef,
    point: &Point,
) -> (Cow<'a, RunDef<'a>>, BTreeMap<String, Value>) {
    // Without a sweep there is nothing to override: no copy of the run's fields at all.
    if point.is_empty() {
        return (Cow::Borrowed(original), BTreeMap::new());
    }
    // The sweeps are expanded already; copying their lists for every point would make a
    // large sweep quadratic in memory traffic.
    let mut def = original.with_fields(original.fields.clone());
    let mut vars = BTreeMap::new();
    for (name, value) in point {
        vars.insert(name.clone(), value.clone());
        let block = target_block(&def, name);
        let span = original
            .sweeps
            .iter()
            .find(|s| s.names.iter().any(|n| &*n.name == name.as_str()))
            .map(|s| s.span);
        if let Some(span) = span {
            let expr = repro_lang::ast::Expr::new(
                repro_lang::ast::ExprKind::Path(Box::new(repro_lang::ast::Path::single(
                    repro_lang::ast::Ident {
                        name: name.as_str().into(),
                        span,
                    },
                ))),
                span,
            );
            let fdef = crate::run_def::FieldDef::Owned(std::rc::Rc::new(OwnedField {
                name: name.clone(),
                expr,
                span,
                name_span: span,
            }));
            def.fields.insert(&block, fdef);
        }
    }
    (Cow::Owned(def), vars)
}

/// The block of the field a sweep variable sets (see the module doc).
fn target_block(def: &RunDef<'_>, name: &str) -> String {
    if let Some((block, _)) = def.fields.keys().find(|(_, f)| *f == name) {
        return block.to_string();
    }
    if RUN_FIELDS.iter().any(|f| f.name == name) {
        return String::new();
    }
    BLOCKS
        .iter()
        .find(|b| b.fields.iter().any(|f| f.name == name))
        .map_or("hparams", |b| b.name)
        .to_string()
}

/// Missing blocks and required fields, pointing at the run name or the block.
fn missing(def: &RunDef<'_>) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let (run, span) = (&def.key, def.name.span);
    for f in RUN_FIELDS.iter().filter(|f| f.required) {
        if !def.fields.contains_key(&("", f.name)) {
            diags.push(
                Diagnostic::error(span, format!("missing field `{}` in run `{}`", f.name, run))
                    .with_help(format!(
                        "add `{} = ...` inside `run \"{}\" {{ }}`",
                        f.name, run
                    )),
            );
        }
    }
    for b in BLOCKS {
        let dotted = def.fields.keys().any(|(block, _)| block == b.name);
        let block_span = def.blocks.get(b.name).copied().or(dotted.then_some(span));
        let Some(block_span) = block_span else {
            if b.required {
                diags.push(
                    Diagnostic::error(span, format!("missing block `{}` in run `{}`", b.name, run))
                        .with_help(format!("add `{} {{ ... }}` to the run", b.name)),
                );
            }
            continue;
        };
        for f in b.fields.iter().filter(|f| f.required) {
            if !def.fields.contains_key(&(b.name, f.name)) {
                diags.push(
                    Diagnostic::error(
                        block_span,
                        format!("missing field `{}` in `{}`", f.name, b.name),
                    )
                    .with_help(format!(
                        "add `{} = ...` inside `{} {{ }}` ({})",
                        f.name,
                        b.name,
                        f.kind.expected()
                    )),
                );
            }
        }
    }
    diags.extend(missing_gpu(def));
    diags
}

/// `hardware.gpu` is required unless the run asks for no GPU at all (`gpus_per_node = 0`,
/// written as a literal): a GPU run without a pinned model would skip the preflight's most
/// important check silently.
fn missing_gpu(def: &RunDef<'_>) -> Option<Diagnostic> {
    let hw = |name: &'static str| def.fields.get(&("hardware", name));
    if hw("gpu").is_some() {
        return None;
    }
    let per_node = hw("gpus_per_node")?;
    if matches!(
        per_node.expr().kind,
        repro_lang::ast::ExprKind::Int { value: 0, .. }
    ) {
        return None;
    }
    let span = def.blocks.get("hardware").copied().unwrap_or(def.name.span);
    Some(
        Diagnostic::error(span, "missing field `gpu` in `hardware`")
            .with_label(per_node.span(), "required because this run uses GPUs")
            .with_help("add `gpu = ...` inside `hardware { }` (a string, e.g. `\"NVIDIA H100-SXM5-80GB\"`), or set `gpus_per_node = 0` for a CPU-only run"),
    )
}

/// Where the spec files are and where the lock root is.
pub(crate) struct Ctx<'a> {
    pub sources: &'a SourceMap,
    pub root: &'a Path,
    /// The hparams kept once checked; `None`: all of them.
    pub keep_hparams: Option<&'a HashSet<String>>,
}

impl Ctx<'_> {
    /// Whether the field is an hparam (a field of an open block) dropped once checked.
    fn drops(&self, (block, name): FieldKey<'_>) -> bool {
        self.keep_hparams.is_some_and(|keep| !keep.contains(name))
            && block_schema(block).is_some_and(|s| s.open)
    }
}

fn check_field(
    key: &FieldKey<'_>,
    value: Value,
    fdef: &crate::run_def::FieldDef<'_>,
    ctx: &Ctx<'_>,
    out: &mut Checked,
) -> Result<(), Diagnostic> {
    let span = fdef.value_span();
    let (block, name) = (key.0, key.1);
    if block == "software.sources" {
        return source(name, value, span, ctx.sources, out);
    }
    if block == "launch.env" {
        let v = env_value(value, span)?;
        return insert(out, Group::Launch, &["env", name], v, span);
    }
    let (group, fields) = match block {
        "" => (Group::Run, RUN_FIELDS),
        b => {
            let schema = block_schema(b)
                .ok_or_else(|| Diagnostic::error(span, format!("unknown block `{b}`")))?;
            if schema.open {
                let v = any_value(value, span)?;
                if ctx.drops((block, name)) {
                    return Ok(());
                }
                return insert(out, schema.group, &[name], v, span);
            }
            (schema.group, schema.fields)
        }
    };
    let Some(f) = field(fields, name) else {
        let place = if block.is_empty() {
            "a run".to_string()
        } else {
            format!("`{block}`")
        };
        let d = Diagnostic::error(
            fdef.name_span(),
            format!("unknown field `{name}` in {place}"),
        );
        return Err(match crate::schema::home_block(name) {
            Some(home) => d.with_help(format!("`{name}` belongs in the `{home}` block")),
            None => with_suggestion(d, name, fields.iter().map(|f| f.name)),
        });
    };
    let v = convert(f.kind, value, span, ctx, out)?;
    let lock_name = if block == "scoring" {
        "tolerance"
    } else {
        name
    };
    insert(out, group, &[lock_name], v, span)
}

fn insert(
    out: &mut Checked,
    group: Group,
    path: &[&str],
    v: LockValue,
    span: Span,
) -> Result<(), Diagnostic> {
    let mut key = String::from(group.name());
    for seg in path {
        key.push('.');
        key.push_str(seg);
    }
    out.spans.insert(key, span);
    let mut table = out.groups.entry(group).or_default();
    for seg in &path[..path.len() - 1] {
        let entry = table
            .entry(seg.to_string())
            .or_insert_with(|| LockValue::Table(Table::new()));
        table = match entry {
            LockValue::Table(t) => t,
            _ => {
                return Err(Diagnostic::error(
                    span,
                    format!("`{seg}` is both a value and a block"),
                ))
            }
        };
    }
    crate::btree::insert_compact(table, path[path.len() - 1].to_string(), v);
    Ok(())
}

fn source(
    name: &str,
    value: Value,
    span: Span,
    sources: &SourceMap,
    out: &mut Checked,
) -> Result<(), Diagnostic> {
    let Value::Git(git) = value else {
        return Err(type_error(
            span,
            "a source, e.g. `git(\"URL\", ref = \"main\")`",
            &value,
        ));
    };
    out.spans.insert(format!("software.sources.{name}"), span);
    out.sources.push(SourceRef {
        name: name.to_string(),
        url: git.url,
        reference: git.reference,
        span,
        base: spec_dir(sources, span),
    });
    Ok(())
}

fn executor(def: &RunDef<'_>, out: &mut Checked, diags: &mut Vec<Diagnostic>) {
    let Some((exec, span)) = &def.executor else {
        return;
    };
    if ExecutorKind::parse(exec).is_none() {
        diags.push(with_suggestion(
            Diagnostic::error(*span, format!("unknown executor `{exec}`"))
                .with_note("executors: `local`, `slurm`"),
            exec,
            EXECUTORS.iter().copied(),
        ));
        return;
    }
    let ignored = NOT_RENDERED
        .iter()
        .find(|(e, _)| e == exec)
        .map_or(&[][..], |(_, fields)| *fields);
    for f in ignored {
        if let Some(fdef) = def.fields.get(&("launch", *f)) {
            diags.push(
                Diagnostic::error(
                    fdef.name_span(),
                    format!("the `{exec}` executor does not use `launch.{f}`"),
                )
                .with_label(*span, format!("the executor is `{exec}`"))
                .with_help(format!(
                    "remove `{f}`: it would be locked but never reach the job"
                )),
            );
        }
    }
    let _ = insert(
        out,
        Group::Launch,
        &["executor"],
        LockValue::str(exec),
        *span,
    );
}

/// A container pinned by tag can change under the same name; only a digest is reproducible.
fn container_pin(out: &mut Checked, strict: bool, diags: &mut Vec<Diagnostic>) {
    let Some(LockValue::Str(image)) = out
        .groups
        .get(&Group::Software)
        .and_then(|t| t.get("container"))
    else {
        return;
    };
    if image.contains("@sha256:") {
        return;
    }
    let Some(&span) = out.spans.get("software.container") else {
        return;
    };
    let message = format!("container `{image}` is pinned by tag, not by digest");
    let help = "pin a digest (`IMAGE@sha256:...`): a tag can be moved to a different image";
    if strict {
        diags.push(
            Diagnostic::error(span, message)
                .with_help(help)
                .with_note("`--strict` makes this an error"),
        );
    } else {
        out.warnings
            .push(Diagnostic::warning(span, message).with_help(help));
    }
}
