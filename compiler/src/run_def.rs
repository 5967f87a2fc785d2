//! `RunDef`: one `run` block flattened into a field table, with `extends` applied.
//!
//! A run's body is turned into `(block path, field) -> expression` entries (`("hardware",
//! "nodes")`, `("launch.env", "NCCL_DEBUG")`, `("software.sources", "training")`, `("",
//! "runs")`), plus its `let`s and `sweep` axes. `run "b" extends "a"` starts from `a`'s table
//! and lets `b`'s entries replace those with the same key, so an override is one line.
//! Expressions are not evaluated here: a parent's `"${nodes}"` sees the child's `nodes`.

use std::borrow::Cow;
use std::collections::BTreeMap;

use repro_lang::ast::{
    Assign, Block, Expr, Ident, Let, NamedBlock, Run, Stmt, StrPart, StringLit, Sweep,
};
use repro_lang::{Diagnostic, Span};

use crate::expr_ref::ExprRef;
use crate::schema::{block_schema, suggest, BLOCKS, RUN_FIELDS};

/// The key of a field: block path (`""` for the run itself) and field name. Both borrow
/// where they can (a schema block name, a name in the syntax tree): two heap blocks per
/// field were some 27 MB for 420,000 hparams (#14).
pub type FieldKey<'a> = (Cow<'a, str>, Cow<'a, str>);

/// A block path as a key: the schema's own name when it is one (no copy).
fn block_key(path: &str) -> Cow<'static, str> {
    const OTHER: &[&str] = &["", "software.sources", "launch.env"];
    BLOCKS
        .iter()
        .map(|b| b.name)
        .chain(OTHER.iter().copied())
        .find(|b| *b == path)
        .map_or_else(|| Cow::Owned(path.to_string()), Cow::Borrowed)
}

/// One field as written: the expression and where it was written.
#[derive(Debug, Clone)]
pub struct FieldDef<'a> {
    /// Borrowed from the syntax tree: a copy would double a large spec (#14).
    pub expr: ExprRef<'a>,
    /// The whole `name = value` statement.
    pub span: Span,
    /// The field name.
    pub name_span: Span,
}

/// A run with `extends` applied; not evaluated.
#[derive(Debug, Clone)]
pub struct RunDef<'a> {
    /// The name as written; it may interpolate (`"gpt3-${nodes}x8"`).
    pub name: StringLit,
    /// The name as written with `${...}` kept: what `extends` and messages refer to.
    pub key: String,
    pub fields: BTreeMap<FieldKey<'a>, FieldDef<'a>>,
    /// Blocks that were written (block path -> span of its name), for "missing" errors.
    pub blocks: BTreeMap<String, Span>,
    /// `launch slurm { }`: the executor label and its span.
    pub executor: Option<(String, Span)>,
    /// Borrowed from the syntax tree, as the fields are.
    pub lets: Vec<&'a Let>,
    pub sweeps: Vec<Sweep>,
}

impl<'a> RunDef<'a> {
    /// Flatten a run's own body (without its parent).
    pub fn from_ast(run: &'a Run, diags: &mut Vec<Diagnostic>) -> RunDef<'a> {
        let mut def = RunDef {
            name: run.name.clone(),
            key: run_key(&run.name),
            fields: BTreeMap::new(),
            blocks: BTreeMap::new(),
            executor: None,
            lets: Vec::new(),
            sweeps: Vec::new(),
        };
        def.collect_run_body(&run.body, diags);
        def
    }

    /// Rebuild the field table with full B-tree nodes. Inserted one at a time, in key order
    /// as a block's fields mostly come, the table's nodes stay about half full: some 180
    /// bytes a field where a table built from its sorted entries needs about 100 (#14).
    /// [`crate::btree::compact`] does it without a second copy of the table.
    pub fn compact(&mut self) {
        crate::btree::compact(&mut self.fields);
    }

    /// `self` over `parent`: every field, block, let and sweep axis of `self` replaces the
    /// parent's entry with the same key.
    pub fn extend(self, parent: &RunDef<'a>) -> RunDef<'a> {
        let mut out = parent.clone();
        out.name = self.name;
        out.key = self.key;
        out.fields.extend(self.fields);
        out.blocks.extend(self.blocks);
        if self.executor.is_some() {
            out.executor = self.executor;
        }
        out.lets.extend(self.lets);
        for sweep in self.sweeps {
            let names = sweep_names(&sweep);
            out.sweeps.retain(|s| sweep_names(s) != names);
            out.sweeps.push(sweep);
        }
        out
    }

    fn collect_run_body(&mut self, body: &'a Block, diags: &mut Vec<Diagnostic>) {
        for stmt in &body.stmts {
            match stmt {
                Stmt::Let(l) => self.lets.push(l),
                Stmt::Sweep(s) => self.sweeps.push(s.clone()),
                Stmt::Assign(a) => self.run_assign(a, diags),
                Stmt::Block(b) => self.run_block(b, diags),
                other => diags.push(not_allowed(other.span(), "a run")),
            }
        }
    }

    /// `runs = 3` or a dotted override `hardware.nodes = 128`.
    fn run_assign(&mut self, a: &'a Assign, diags: &mut Vec<Diagnostic>) {
        let segs: Vec<&Ident> = a.target.segments.iter().collect();
        match segs.as_slice() {
            [field] => {
                if is_run_field(&field.name) {
                    self.insert("", field, a, diags);
                } else {
                    diags.push(unknown_run_field(field));
                }
            }
            [block, rest @ ..] if block_schema(&block.name).is_some() => {
                let path: Vec<&str> = std::iter::once(block.name.as_ref())
                    .chain(rest[..rest.len() - 1].iter().map(|i| i.name.as_ref()))
                    .collect();
                self.insert(&path.join("."), rest[rest.len() - 1], a, diags);
            }
            [block, ..] => diags.push(unknown_block(block)),
            [] => {}
        }
    }

    fn run_block(&mut self, b: &'a NamedBlock, diags: &mut Vec<Diagnostic>) {
        if block_schema(&b.kind.name).is_none() {
            diags.push(unknown_block(&b.kind));
            return;
        }
        if &*b.kind.name == "launch" {
            match &b.label {
                Some(label) => self.executor = Some((label.text().to_string(), label.span())),
                None => diags.push(
                    Diagnostic::error(b.kind.span, "`launch` needs an executor")
                        .with_help("write `launch slurm { ... }` or `launch local { ... }`"),
                ),
            }
        } else if let Some(label) = &b.label {
            diags.push(Diagnostic::error(
                label.span(),
                format!("block `{}` takes no label", b.kind.name),
            ));
        }
        self.collect_block(&b.kind.name, &b.body, b.kind.span, diags);
    }

    /// The body of a `workload "NAME" { }` declaration, read as if it were the run's
    /// `launch` block (see [`crate::workload`]).
    pub fn collect_launch_body(
        &mut self,
        body: &'a Block,
        name_span: Span,
        diags: &mut Vec<Diagnostic>,
    ) {
        self.collect_block("launch", body, name_span, diags);
    }

    /// `name_span` (the block's name) is where "missing field" errors for it point.
    fn collect_block(
        &mut self,
        path: &str,
        body: &'a Block,
        name_span: Span,
        diags: &mut Vec<Diagnostic>,
    ) {
        self.blocks.insert(path.to_string(), name_span);
        for stmt in &body.stmts {
            match stmt {
                Stmt::Let(l) => self.lets.push(l),
                Stmt::Assign(a) => match a.target.as_single() {
                    Some(field) => self.insert(path, field, a, diags),
                    None => diags.push(Diagnostic::error(
                        a.target.span,
                        format!("a dotted name is not allowed inside `{path}`"),
                    )),
                },
                Stmt::Source(s) if path == "software" => self.insert_source(s, diags),
                Stmt::Block(b) if b.label.is_none() => {
                    let sub = format!("{path}.{}", b.kind.name);
                    self.insert_block_field(path, b, diags);
                    self.collect_block(&sub, &b.body, b.kind.span, diags);
                }
                other => diags.push(not_allowed(other.span(), &format!("`{path}`"))),
            }
        }
    }

    /// A nested block (`env { ... }`) is itself a field of its parent, for schema checks.
    fn insert_block_field(&mut self, path: &str, b: &'a NamedBlock, diags: &mut Vec<Diagnostic>) {
        let expr = Expr::new(repro_lang::ast::ExprKind::List(Vec::new()), b.span);
        let def = FieldDef {
            expr: ExprRef::Owned(Box::new(expr)),
            span: b.span,
            name_span: b.kind.span,
        };
        self.put((block_key(path), Cow::Borrowed(&b.kind.name)), def, diags);
    }

    fn insert_source(&mut self, s: &'a Let, diags: &mut Vec<Diagnostic>) {
        let def = FieldDef {
            expr: ExprRef::Borrowed(&s.value),
            span: s.span,
            name_span: s.name.span,
        };
        self.put(
            (
                Cow::Borrowed("software.sources"),
                Cow::Borrowed(&s.name.name),
            ),
            def,
            diags,
        );
    }

    fn insert(&mut self, path: &str, field: &'a Ident, a: &'a Assign, diags: &mut Vec<Diagnostic>) {
        let def = FieldDef {
            expr: ExprRef::Borrowed(&a.value),
            span: a.span,
            name_span: field.span,
        };
        self.put((block_key(path), Cow::Borrowed(&field.name)), def, diags);
    }

    /// A field written twice in one run is an error pointing at both: silently keeping
    /// the last one would lock a value the author may not have meant. (`extends` is the
    /// way to replace a field, see [`RunDef::extend`].)
    fn put(&mut self, key: FieldKey<'a>, def: FieldDef<'a>, diags: &mut Vec<Diagnostic>) {
        if let Some(first) = self.fields.get(&key) {
            let name = if key.0.is_empty() {
                key.1.to_string()
            } else {
                format!("{}.{}", key.0, key.1)
            };
            diags.push(
                Diagnostic::error(def.name_span, format!("field `{name}` is set twice"))
                    .with_label(first.name_span, "first set here")
                    .with_help(
                        "keep one of the two (a run that `extends` another may replace its fields)",
                    ),
            );
            return;
        }
        // Filled one field at a time, a table of 420,000 hparams would reach some 190 bytes
        // a field before `compact` (#14).
        crate::btree::insert_compact(&mut self.fields, key, def);
    }
}

/// A run's identity: its name with interpolations shown as `${...}`.
pub fn run_key(name: &StringLit) -> String {
    name.parts
        .iter()
        .map(|p| match p {
            StrPart::Text(t) => t.as_str(),
            StrPart::Interp(_) => "${...}",
        })
        .collect()
}

/// The names of a sweep axis, joined (`nodes,global_batch_size`).
pub fn sweep_names(s: &Sweep) -> String {
    let names: Vec<&str> = s.names.iter().map(|n| n.name.as_ref()).collect();
    names.join(",")
}

fn is_run_field(name: &str) -> bool {
    RUN_FIELDS.iter().any(|f| f.name == name)
}

fn not_allowed(span: Span, place: &str) -> Diagnostic {
    Diagnostic::error(span, format!("this statement is not allowed in {place}"))
}

fn unknown_run_field(field: &Ident) -> Diagnostic {
    if let Some(home) = crate::schema::home_block(&field.name) {
        return Diagnostic::error(
            field.span,
            format!("`{}` belongs in the `{home}` block", field.name),
        )
        .with_help(format!(
            "write `{home} {{ {0} = ... }}` or `{home}.{0} = ...`",
            field.name
        ));
    }
    let known = RUN_FIELDS
        .iter()
        .map(|f| f.name)
        .chain(BLOCKS.iter().map(|b| b.name));
    with_suggestion(
        Diagnostic::error(
            field.span,
            format!("unknown field `{}` in a run", field.name),
        ),
        &field.name,
        known,
    )
}

fn unknown_block(block: &Ident) -> Diagnostic {
    with_suggestion(
        Diagnostic::error(
            block.span,
            format!("unknown block `{}` in a run", block.name),
        ),
        &block.name,
        BLOCKS.iter().map(|b| b.name),
    )
}

/// Add `help: did you mean `X`?` when a known name is close.
pub fn with_suggestion<'a>(
    diag: Diagnostic,
    name: &str,
    known: impl IntoIterator<Item = &'a str>,
) -> Diagnostic {
    match suggest(name, known) {
        Some(s) => diag.with_help(format!("did you mean `{s}`?")),
        None => diag,
    }
}
