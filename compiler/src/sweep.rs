//! Sweep expansion: each `sweep` line is an axis; a run has one plan per point of the
//! cartesian product of its axes (the first axis varies slowest). `sweep a, b in zip(...)`
//! is one axis whose points set several names at once.

use std::collections::BTreeMap;

use repro_lang::ast::Let;
use repro_lang::Diagnostic;

use crate::evaluator::{type_error, Evaluator};
use crate::run_def::RunDef;
use crate::value::Value;

/// One point: sweep variable -> value, in axis order for naming.
pub type Point = Vec<(String, Value)>;

/// The most points one run may expand to: far beyond any real sweep, small enough that a
/// typo (an axis of 10^6 values) is an error and not an out-of-memory.
pub const MAX_POINTS: usize = 100_000;

/// All points of a run (one empty point when it has no sweep).
pub fn expand(def: &RunDef<'_>, globals: &[&Let]) -> Result<Vec<Point>, Vec<Diagnostic>> {
    let empty = BTreeMap::new();
    let mut ev = Evaluator::new(globals, def, &empty);
    let mut points: Vec<Point> = vec![Vec::new()];
    let mut diags = Vec::new();
    for sweep in &def.sweeps {
        let names: Vec<String> = sweep.names.iter().map(|n| n.name.to_string()).collect();
        match axis(&mut ev, sweep, &names) {
            Ok(values) if points.len().saturating_mul(values.len()) > MAX_POINTS => {
                let n = points.len().saturating_mul(values.len());
                diags.push(Diagnostic::error(
                    sweep.span,
                    format!("this sweep makes {n} points; the limit is {MAX_POINTS}"),
                ));
                break;
            }
            Ok(values) => points = product(&points, &names, &values),
            Err(d) => diags.push(d),
        }
    }
    if diags.is_empty() {
        Ok(points)
    } else {
        Err(diags)
    }
}

/// The rows of one axis; each row has one value per name.
fn axis(
    ev: &mut Evaluator<'_>,
    sweep: &repro_lang::ast::Sweep,
    names: &[String],
) -> Result<Vec<Vec<Value>>, Diagnostic> {
    let span = sweep.values.span;
    let Ok(items) = ev.eval(&sweep.values)?.into_items() else {
        return Err(Diagnostic::error(span, "expected a list of sweep values")
            .with_help("write `sweep nodes in [32, 64]` or `sweep a, b in zip([..], [..])`"));
    };
    if items.is_empty() {
        return Err(Diagnostic::error(span, "a sweep needs at least one value"));
    }
    if names.len() == 1 {
        return Ok(items.into_iter().map(|v| vec![v]).collect());
    }
    items
        .into_iter()
        .map(|row| match row.into_items() {
            Ok(r) if r.len() == names.len() => Ok(r),
            other => Err(type_error(
                span,
                &format!("`zip` of {} lists", names.len()),
                &other.map_or_else(|v| v, Value::List),
            )),
        })
        .collect()
}

fn product(points: &[Point], names: &[String], rows: &[Vec<Value>]) -> Vec<Point> {
    let mut out = Vec::with_capacity(points.len() * rows.len());
    for p in points {
        for row in rows {
            // Exact capacity: clone-then-extend would leave every point's vector with
            // room to spare, 100,000 times over.
            let mut q = Vec::with_capacity(p.len() + names.len());
            q.extend(p.iter().cloned());
            q.extend(names.iter().cloned().zip(row.iter().cloned()));
            out.push(q);
        }
    }
    out
}

/// `gpt3-h200[nodes=64,global_batch_size=1024]`; the run name alone without a sweep.
pub fn point_name(run: &str, point: &Point) -> String {
    if point.is_empty() {
        return run.to_string();
    }
    let parts: Vec<String> = point
        .iter()
        .map(|(n, v)| format!("{n}={}", v.to_text()))
        .collect();
    format!("{run}[{}]", parts.join(","))
}

/// A file name for a plan name: `gpt3-h200[nodes=64]` -> `gpt3-h200.nodes-64`. Only
/// `A-Za-z0-9._-` survive; `[` and `,` become `.`, `=` becomes `-`, `]` is dropped and any
/// other character becomes `_`.
pub fn file_stem(name: &str) -> String {
    name.chars()
        .filter(|c| *c != ']')
        .map(|c| match c {
            '[' | ',' => '.',
            '=' => '-',
            c if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') => c,
            _ => '_',
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_filesystem_safe() {
        let point = vec![
            ("nodes".to_string(), Value::Int(64)),
            ("lr".to_string(), Value::Float(2e-5)),
        ];
        let name = point_name("gpt3-h200", &point);
        assert_eq!(name, "gpt3-h200[nodes=64,lr=2e-5]");
        assert_eq!(file_stem(&name), "gpt3-h200.nodes-64.lr-2e-5");
        assert_eq!(file_stem("a/b c"), "a_b_c");
    }
}
