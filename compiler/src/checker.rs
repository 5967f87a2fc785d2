//! `Checker`: evaluates every field of one run at one sweep point and checks it against the
//! schema, producing the lock groups.
//!
//! All errors of a run are collected (an unknown field does not hide a wrong unit two lines
//! later). A sweep variable sets the field of the same name: the run's own field when it has
//! one, else the schema field of that name (`nodes` -> `hardware.nodes`), else a hyperparameter.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use repro_lang::ast::Let;
use repro_lang::{Diagnostic, SourceMap, Span};

use crate::evaluator::{type_error, Evaluator};
use crate::lockfile::{Group, LockValue, Table};
use crate::run_def::{with_suggestion, FieldKey, RunDef};
use crate::schema::{block_schema, field, Kind, BLOCKS, EXECUTORS, RUN_FIELDS};
use crate::sweep::Point;
use crate::value::Value;

/// A `git(...)` source to resolve.
#[derive(Debug, Clone)]
pub struct SourceRef {
    pub name: String,
    pub url: String,
    pub reference: String,
    pub span: Span,
    /// Directory of the spec that names it (base for relative local paths).
    pub base: PathBuf,
}

/// What checking one run point produces.
#[derive(Debug, Default)]
pub struct Checked {
    /// The run name evaluated at this point (interpolated names only; see `compile`).
    pub name: String,
    pub groups: BTreeMap<Group, Table>,
    /// `group.field` -> span of the value in the spec (for drift and rule errors).
    pub spans: BTreeMap<String, Span>,
    /// Files named by fields (`script`), absolute, with the span that names them.
    pub files: Vec<(PathBuf, Span)>,
    /// Rule sets that checked this point: name -> version.
    pub rulesets: BTreeMap<String, String>,
    pub sources: Vec<SourceRef>,
    pub warnings: Vec<Diagnostic>,
}

/// Launch fields that only mean something to Slurm.
const SLURM_ONLY: &[&str] = &["partition", "account", "qos", "constraint", "exclusive"];

/// Check one run at one point.
pub fn check(
    def: &RunDef,
    point: &Point,
    globals: &[Let],
    sources: &SourceMap,
    root: &Path,
    strict: bool,
) -> Result<Checked, Vec<Diagnostic>> {
    let ctx = Ctx { sources, root };
    let (def, point_map) = apply_point(def, point);
    let mut ev = Evaluator::new(globals, &def, &point_map);
    let mut out = Checked::default();
    let mut diags = missing(&def);
    match ev.eval_string(&def.name) {
        Ok(name) => out.name = name,
        Err(d) => diags.push(d),
    }
    for (key, fdef) in &def.fields {
        let value = match ev.field(key) {
            Some(Ok(v)) => v,
            Some(Err(d)) => {
                diags.push(d);
                continue;
            }
            None => continue,
        };
        match check_field(key, value, fdef, &ctx, &mut out) {
            Ok(()) => {}
            Err(d) => diags.push(d),
        }
    }
    executor(&def, &mut out, &mut diags);
    container_pin(&mut out, strict, &mut diags);
    if diags.is_empty() {
        Ok(out)
    } else {
        Err(diags)
    }
}

/// Turn sweep variables into field overrides (see the module doc).
fn apply_point(def: &RunDef, point: &Point) -> (RunDef, BTreeMap<String, Value>) {
    let mut def = def.clone();
    let mut vars = BTreeMap::new();
    for (name, value) in point {
        vars.insert(name.clone(), value.clone());
        let key = target_key(&def, name);
        let span = def
            .sweeps
            .iter()
            .find(|s| s.names.iter().any(|n| &n.name == name))
            .map(|s| s.span);
        if let Some(span) = span {
            let expr = repro_lang::ast::Expr::new(
                repro_lang::ast::ExprKind::Path(repro_lang::ast::Path {
                    segments: vec![repro_lang::ast::Ident {
                        name: name.clone(),
                        span,
                    }],
                    span,
                }),
                span,
            );
            let fdef = crate::run_def::FieldDef {
                expr,
                span,
                name_span: span,
            };
            def.fields.insert(key, fdef);
        }
    }
    (def, vars)
}

fn target_key(def: &RunDef, name: &str) -> FieldKey {
    if let Some(k) = def.fields.keys().find(|(_, f)| f == name) {
        return k.clone();
    }
    if RUN_FIELDS.iter().any(|f| f.name == name) {
        return (String::new(), name.to_string());
    }
    let block = BLOCKS
        .iter()
        .find(|b| b.fields.iter().any(|f| f.name == name))
        .map_or("hparams", |b| b.name);
    (block.to_string(), name.to_string())
}

/// Missing blocks and required fields, pointing at the run name or the block.
fn missing(def: &RunDef) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let (run, span) = (&def.key, def.name.span);
    for f in RUN_FIELDS.iter().filter(|f| f.required) {
        if !def
            .fields
            .contains_key(&(String::new(), f.name.to_string()))
        {
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
            if !def
                .fields
                .contains_key(&(b.name.to_string(), f.name.to_string()))
            {
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
    diags
}

/// Where the spec files are and where the lock root is.
struct Ctx<'a> {
    sources: &'a SourceMap,
    root: &'a Path,
}

fn check_field(
    key: &FieldKey,
    value: Value,
    fdef: &crate::run_def::FieldDef,
    ctx: &Ctx<'_>,
    out: &mut Checked,
) -> Result<(), Diagnostic> {
    let span = fdef.expr.span;
    let (block, name) = (key.0.as_str(), key.1.as_str());
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
        return Err(with_suggestion(
            Diagnostic::error(fdef.name_span, format!("unknown field `{name}` in {place}")),
            name,
            fields.iter().map(|f| f.name),
        ));
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
    out.spans
        .insert(format!("{}.{}", group.name(), path.join(".")), span);
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
    table.insert(path[path.len() - 1].to_string(), v);
    Ok(())
}

/// Check a value against a field kind and convert it to its lock form.
fn convert(
    kind: Kind,
    value: Value,
    span: Span,
    ctx: &Ctx<'_>,
    out: &mut Checked,
) -> Result<LockValue, Diagnostic> {
    let wrong = |v: &Value| {
        type_error(span, &kind.expected(), v)
            .with_span_label("expected ".to_string() + &kind.expected())
    };
    match (kind, value) {
        (Kind::Str, Value::Str(s)) => Ok(LockValue::Str(s)),
        (Kind::Count, Value::Int(i)) if i >= 1 => Ok(LockValue::Int(i)),
        (Kind::Bool, Value::Bool(b)) => Ok(LockValue::Bool(b)),
        (Kind::Duration, v) => quantity(v, repro_lang::Dimension::Duration, span, &kind),
        (Kind::Size, v) => quantity(v, repro_lang::Dimension::Size, span, &kind),
        (Kind::Percent, v) => quantity(v, repro_lang::Dimension::Percent, span, &kind),
        (Kind::Name, Value::Name(s) | Value::Str(s)) => Ok(LockValue::Str(s)),
        (Kind::OneOf(names), Value::Name(s) | Value::Str(s)) => {
            if names.contains(&s.as_str()) {
                Ok(LockValue::Str(s))
            } else {
                Err(with_suggestion(
                    Diagnostic::error(span, format!("expected {}, found `{s}`", kind.expected())),
                    &s,
                    names.iter().copied(),
                ))
            }
        }
        (Kind::File, Value::Str(s)) => file(&s, span, ctx, out),
        (Kind::StrOrRate, Value::Str(s)) => Ok(LockValue::Str(s)),
        (Kind::StrOrRate, v) => quantity(v, repro_lang::Dimension::Rate, span, &kind),
        (Kind::Command, Value::Str(s)) => Ok(LockValue::Str(s)),
        (Kind::Command, Value::List(items)) => items
            .into_iter()
            .map(|i| match i {
                Value::Str(s) => Ok(LockValue::Str(s)),
                other => Err(wrong(&other)),
            })
            .collect::<Result<_, _>>()
            .map(LockValue::List),
        (Kind::Env, Value::List(items)) if items.is_empty() => Ok(LockValue::Table(Table::new())),
        (_, v) => Err(wrong(&v)),
    }
}

fn quantity(
    v: Value,
    dim: repro_lang::Dimension,
    span: Span,
    kind: &Kind,
) -> Result<LockValue, Diagnostic> {
    match v {
        Value::Quantity(q) => {
            q.expect(dim, span).map_err(|d| *d)?;
            Ok(LockValue::Str(q.lexeme))
        }
        other => Err(
            type_error(span, &kind.expected(), &other).with_help(format!(
                "write {} with its unit, e.g. {}",
                dim.describe(),
                dim.example()
            )),
        ),
    }
}

/// A hyperparameter or sweep value in its lock form (anything but a `git(...)` source).
pub fn any_value(v: Value, span: Span) -> Result<LockValue, Diagnostic> {
    Ok(match v {
        Value::Int(i) => LockValue::Int(i),
        Value::Float(f) => LockValue::Float(f),
        Value::Str(s) => LockValue::Str(s),
        Value::Bool(b) => LockValue::Bool(b),
        Value::Quantity(q) => LockValue::Str(q.lexeme),
        Value::List(items) => LockValue::List(
            items
                .into_iter()
                .map(|i| any_value(i, span))
                .collect::<Result<_, _>>()?,
        ),
        Value::Name(n) => {
            return Err(
                Diagnostic::error(span, format!("`{n}` is not a variable")).with_help(format!(
                    "write `\"{n}\"` for a string, or define it with `let {n} = ...`"
                )),
            )
        }
        other @ Value::Git { .. } => return Err(type_error(span, "a plain value", &other)),
    })
}

fn env_value(v: Value, span: Span) -> Result<LockValue, Diagnostic> {
    match v {
        Value::Str(s) => Ok(LockValue::Str(s)),
        Value::Int(i) => Ok(LockValue::Str(i.to_string())),
        Value::Bool(b) => Ok(LockValue::Str(b.to_string())),
        other => Err(type_error(
            span,
            "a string (environment values are text)",
            &other,
        )),
    }
}

/// A file named by the spec, relative to that spec's directory. It must exist: it is hashed
/// into the lock. The lock stores its path relative to the lock root.
fn file(s: &str, span: Span, ctx: &Ctx<'_>, out: &mut Checked) -> Result<LockValue, Diagnostic> {
    let base = spec_dir(ctx.sources, span);
    let path = crate::paths::normalize(&base.join(s));
    if !path.is_file() {
        return Err(
            Diagnostic::error(span, format!("file `{s}` does not exist")).with_help(format!(
                "paths are relative to the spec's directory (looked for `{}`)",
                path.display()
            )),
        );
    }
    let rel = crate::paths::relative(ctx.root, &path);
    out.files.push((path, span));
    Ok(LockValue::Str(rel))
}

/// The directory of the file a span points into.
pub fn spec_dir(sources: &SourceMap, span: Span) -> PathBuf {
    sources
        .path(span.file)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

fn source(
    name: &str,
    value: Value,
    span: Span,
    sources: &SourceMap,
    out: &mut Checked,
) -> Result<(), Diagnostic> {
    let Value::Git { url, reference } = value else {
        return Err(type_error(
            span,
            "a source, e.g. `git(\"URL\", ref = \"main\")`",
            &value,
        ));
    };
    out.spans.insert(format!("software.sources.{name}"), span);
    out.sources.push(SourceRef {
        name: name.to_string(),
        url,
        reference,
        span,
        base: spec_dir(sources, span),
    });
    Ok(())
}

fn executor(def: &RunDef, out: &mut Checked, diags: &mut Vec<Diagnostic>) {
    let Some((exec, span)) = &def.executor else {
        return;
    };
    if !EXECUTORS.contains(&exec.as_str()) {
        diags.push(with_suggestion(
            Diagnostic::error(*span, format!("unknown executor `{exec}`"))
                .with_note("executors: `local`, `slurm`"),
            exec,
            EXECUTORS.iter().copied(),
        ));
        return;
    }
    if exec == "local" {
        for f in SLURM_ONLY {
            if let Some(fdef) = def.fields.get(&("launch".to_string(), f.to_string())) {
                diags.push(
                    Diagnostic::error(fdef.span, format!("`{f}` only applies to `launch slurm`"))
                        .with_label(*span, "the executor is `local`"),
                );
            }
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
    let span = out.spans["software.container"];
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
