//! `referenced_names`: every bare name an expression of a run could look up.
//!
//! The evaluator memoizes a field only when some expression names it: a 10 MB spec of
//! fields nobody refers to must not keep a second copy of every evaluated value (#14).

use std::collections::HashSet;

use repro_lang::ast::{Expr, ExprKind, Let, StrPart, StringLit};

use crate::run_def::RunDef;

/// The single-segment names (`nodes`, `${global_batch_size}`) in the run's name, fields,
/// `let`s and sweeps and in the top-level `let`s: the only names a lookup can resolve to
/// a field.
pub fn referenced_names(globals: &[&Let], def: &RunDef<'_>) -> HashSet<String> {
    let mut names = HashSet::new();
    string(&def.name, &mut names);
    let lets = globals.iter().chain(&def.lets).map(|&l| &l.value);
    let sweeps = def.sweeps.iter().map(|s| &s.values);
    for e in lets.chain(sweeps) {
        expr(e, &mut names);
    }
    for f in def.fields.values() {
        expr(f.expr(), &mut names);
    }
    names
}

fn string(s: &StringLit, names: &mut HashSet<String>) {
    for part in &s.parts {
        if let StrPart::Interp(e) = part {
            expr(e, names);
        }
    }
}

fn expr(e: &Expr, names: &mut HashSet<String>) {
    match &e.kind {
        ExprKind::Int { .. }
        | ExprKind::Float { .. }
        | ExprKind::Quantity(_)
        | ExprKind::Bool(_)
        | ExprKind::Ints(_) => {}
        ExprKind::Str(s) => string(s, names),
        ExprKind::List(items) => items.iter().for_each(|i| expr(i, names)),
        ExprKind::Record(fields) => fields.iter().for_each(|f| expr(&f.value, names)),
        ExprKind::Path(p) => {
            if let Some(ident) = p.as_single() {
                if !names.contains(&*ident.name) {
                    names.insert(ident.name.to_string());
                }
            }
        }
        ExprKind::Call { args, .. } => args.iter().for_each(|a| expr(&a.value, names)),
        ExprKind::Field { base, .. } | ExprKind::Has { base, .. } => expr(base, names),
        ExprKind::Unary { operand, .. } => expr(operand, names),
        ExprKind::Binary { lhs, rhs, .. } => {
            expr(lhs, names);
            expr(rhs, names);
        }
        ExprKind::If {
            cond,
            then,
            otherwise,
        } => {
            expr(cond, names);
            expr(then, names);
            expr(otherwise, names);
        }
        ExprKind::Paren(inner) => expr(inner, names),
    }
}
