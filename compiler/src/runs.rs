//! The runs and top-level `let`s of the loaded modules, and `extends` chains.

use repro_lang::ast::{Item, Let, Module, Run, Stmt};
use repro_lang::Diagnostic;

use crate::run_def::{run_key, with_suggestion, RunDef};

/// Top-level `let`s of every module, in load order (a later one shadows an earlier one).
pub fn global_lets(modules: &[Module]) -> Vec<&Let> {
    modules
        .iter()
        .flat_map(|m| &m.items)
        .filter_map(|i| match i {
            Item::Stmt(Stmt::Let(l)) => Some(l),
            _ => None,
        })
        .collect()
}

/// Only `use`, `let`, `run` and `rules` mean something at the top level of a spec.
pub fn top_level_statements(modules: &[Module]) -> Vec<Diagnostic> {
    modules
        .iter()
        .flat_map(|m| &m.items)
        .filter_map(|i| match i {
            Item::Stmt(Stmt::Let(_)) | Item::Use(_) | Item::Run(_) | Item::Rules(_) => None,
            Item::Stmt(Stmt::Block(b)) if &*b.kind.name == crate::workload::KEYWORD => None,
            Item::Stmt(s) => Some(
                Diagnostic::error(s.span(), "this statement is not allowed at the top level")
                    .with_help(
                        "put it inside a `run` block, or bind a value with `let NAME = ...`",
                    ),
            ),
        })
        .collect()
}

/// Every run of every module (imported runs can be extended), borrowed: a copy would hold
/// a second syntax tree of the whole spec (#14).
pub fn all_runs(modules: &[Module]) -> Vec<&Run> {
    modules
        .iter()
        .flat_map(|m| &m.items)
        .filter_map(|i| match i {
            Item::Run(r) => Some(&**r),
            _ => None,
        })
        .collect()
}

/// Flatten a run and its `extends` chain (parent first), detecting cycles.
pub fn resolve_run<'a>(
    run: &'a Run,
    runs: &[&'a Run],
    diags: &mut Vec<Diagnostic>,
) -> Option<RunDef<'a>> {
    let chain = extends_chain(run, runs, diags)?;
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

/// `[run, parent, grandparent, ...]`, or `None` after reporting an unknown parent or a cycle.
fn extends_chain<'a>(
    run: &'a Run,
    runs: &[&'a Run],
    diags: &mut Vec<Diagnostic>,
) -> Option<Vec<&'a Run>> {
    let mut chain = vec![run];
    while let Some(parent) = &chain[chain.len() - 1].extends {
        let Some(p) = runs.iter().find(|r| run_key(&r.name) == parent.value) else {
            let keys: Vec<String> = runs.iter().map(|r| run_key(&r.name)).collect();
            diags.push(with_suggestion(
                Diagnostic::error(
                    parent.span,
                    format!("no run named `{}` to extend", parent.value),
                ),
                &parent.value,
                keys.iter().map(String::as_str),
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
        chain.push(*p);
    }
    Some(chain)
}
