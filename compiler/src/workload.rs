//! `workload "NAME" { ... }`: how one implementation is started and reads its hyperparameters,
//! declared once in a spec file that runs `use`, and named by `launch { workload = "NAME" }`.
//!
//! The body is written like a `launch` block (`command`, `env { }`, any launch field). Its
//! expressions are not evaluated where they are written: they are added to each run that names
//! the workload, before evaluation, so `"${global_batch_size}"` is that run's (or that sweep
//! point's) batch size. A field the run sets itself wins over the workload's; the lock keeps
//! the workload's name (`launch.workload`) beside the resolved command and environment.

use std::collections::BTreeMap;

use repro_lang::ast::{ExprKind, Item, Module, NamedBlock, Stmt};
use repro_lang::{Diagnostic, Span};

use crate::run_def::{with_suggestion, FieldKey, RunDef};

/// The top-level keyword.
pub const KEYWORD: &str = "workload";

/// Every `workload "NAME" { }` of every loaded file, by name.
#[derive(Debug, Default)]
pub struct Workloads<'m> {
    by_name: BTreeMap<String, &'m NamedBlock>,
}

impl<'m> Workloads<'m> {
    /// Collect the declarations; a name declared twice or a missing label is an error.
    pub fn read(modules: &'m [Module], diags: &mut Vec<Diagnostic>) -> Workloads<'m> {
        let mut out = Workloads::default();
        for block in modules
            .iter()
            .flat_map(|m| &m.items)
            .filter_map(declaration)
        {
            let Some(label) = &block.label else {
                diags.push(
                    Diagnostic::error(block.kind.span, "`workload` needs a name")
                        .with_help("write `workload \"NAME\" { command = [...] env { ... } }`"),
                );
                continue;
            };
            let name = label.text().to_string();
            if let Some(first) = out.by_name.get(&name) {
                diags.push(
                    Diagnostic::error(label.span(), format!("workload `{name}` is declared twice"))
                        .with_label(first.span, "first declared here"),
                );
                continue;
            }
            out.by_name.insert(name, block);
        }
        out
    }

    /// Adds the workload that `def` names (`launch.workload`) under the run's own launch
    /// fields. A run that names none is returned unchanged.
    pub fn apply<'a>(&self, def: RunDef<'a>, diags: &mut Vec<Diagnostic>) -> RunDef<'a>
    where
        'm: 'a,
    {
        let key: FieldKey<'_> = ("launch", "workload");
        let Some(field) = def.fields.get(&key) else {
            return def;
        };
        let span = field.value_span();
        let ExprKind::Str(lit) = &field.expr().kind else {
            diags.push(not_literal(span));
            return def;
        };
        let Some(name) = lit.as_plain() else {
            diags.push(not_literal(span));
            return def;
        };
        let Some(block) = self.by_name.get(&name) else {
            let d = Diagnostic::error(span, format!("unknown workload `{name}`"));
            let d = if self.by_name.is_empty() {
                d.with_help(
                    "declare it with `workload \"NAME\" { ... }` in a file this spec `use`s",
                )
            } else {
                with_suggestion(d, &name, self.by_name.keys().map(String::as_str)).with_note(
                    format!(
                        "workloads: {}",
                        self.by_name
                            .keys()
                            .map(|k| format!("`{k}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            };
            diags.push(d);
            return def;
        };
        let from_workload = def.workload_fields(&block.body, block.kind.span, diags);
        let mut out = def;
        out.fields.underlay(from_workload);
        out
    }
}

impl Workloads<'_> {
    /// A diagnostic found in the workload `def` takes (`${context_parallel}` that the run does
    /// not define) also points at the run's `workload = "NAME"`: the run is what lacks it.
    pub fn explain(&self, def: &RunDef<'_>, d: Diagnostic) -> Diagnostic {
        let key: FieldKey<'_> = ("launch", "workload");
        let Some(field) = def.fields.get(&key) else {
            return d;
        };
        let ExprKind::Str(lit) = &field.expr().kind else {
            return d;
        };
        let Some(block) = lit.as_plain().and_then(|n| self.by_name.get(&n)) else {
            return d;
        };
        let inside = d.span.file == block.span.file
            && d.span.start >= block.span.start
            && d.span.end <= block.span.end;
        if !inside {
            return d;
        }
        d.with_label(
            field.value_span(),
            format!("run `{}` takes this workload here", def.key),
        )
    }
}

fn declaration(item: &Item) -> Option<&NamedBlock> {
    match item {
        Item::Stmt(Stmt::Block(b)) if &*b.kind.name == KEYWORD => Some(b),
        _ => None,
    }
}

fn not_literal(span: Span) -> Diagnostic {
    Diagnostic::error(span, "`workload` must be a plain string")
        .with_help("name a declared workload, e.g. `workload = \"nemo-gpt3\"` (no `${...}`)")
}
