//! Field values to lock values: each schema [`Kind`] accepts some evaluated values and says
//! what it expected otherwise ("expected a duration, found a size (`141GB`)").

use std::path::{Path, PathBuf};

use repro_lang::{Diagnostic, SourceMap, Span};

use crate::checker::{Checked, Ctx};
use crate::evaluator::type_error;
use crate::lockfile::{LockValue, Table};
use crate::run_def::with_suggestion;
use crate::schema::Kind;
use crate::value::Value;

/// Check a value against a field kind and convert it to its lock form.
pub(crate) fn convert(
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
        (Kind::Natural, Value::Int(i)) if i >= 0 => Ok(LockValue::Int(i)),
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
        // A string would run as one program name (`"python train.py"` is no program): the
        // words of a command are a list, and nothing splits them behind the author's back.
        (Kind::Command, Value::Str(s)) => Err(Diagnostic::error(
            span,
            format!(
                "expected a list of strings, found the string `{}`",
                s.escape_debug()
            ),
        )
        .with_help(format!(
            "write the command as a list of words, e.g. `command = [{}]`",
            s.split_whitespace()
                .map(|w| format!("\"{}\"", w.escape_debug()))
                .collect::<Vec<_>>()
                .join(", ")
        ))),
        (Kind::Command, Value::Ints(items)) => Err(wrong(&Value::Int(items[0]))),
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
            Ok(LockValue::Str(q.lexeme.clone()))
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
        Value::Ints(items) => LockValue::Ints(items),
        Value::Record(fields) => LockValue::Table(
            fields
                .into_iter()
                .map(|(k, v)| Ok((k, any_value(v, span)?)))
                .collect::<Result<_, Diagnostic>>()?,
        ),
        Value::Name(n) => {
            return Err(
                Diagnostic::error(span, format!("`{n}` is not a variable")).with_help(format!(
                    "write `\"{n}\"` for a string, or define it with `let {n} = ...`"
                )),
            )
        }
        other @ Value::Git(_) => return Err(type_error(span, "a plain value", &other)),
    })
}

pub(crate) fn env_value(v: Value, span: Span) -> Result<LockValue, Diagnostic> {
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

/// A file named by the spec (`script = "templates/nemo.sbatch"`). It is looked up relative to
/// the spec's directory first, then relative to the lock root (the project root, where
/// `templates/` lives), and must exist: it is hashed into the lock. The lock stores the path
/// that was found, relative to the lock root, so which one was taken is never ambiguous.
fn file(s: &str, span: Span, ctx: &Ctx<'_>, out: &mut Checked) -> Result<LockValue, Diagnostic> {
    let candidates = [
        crate::paths::normalize(&spec_dir(ctx.sources, span).join(s)),
        crate::paths::normalize(&ctx.root.join(s)),
    ];
    let Some(path) = candidates.iter().find(|p| p.is_file()).cloned() else {
        return Err(
            Diagnostic::error(span, format!("file `{s}` does not exist")).with_help(format!(
                "paths are relative to the spec's directory or the project root (looked for `{}` and `{}`)",
                candidates[0].display(),
                candidates[1].display()
            )),
        );
    };
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
