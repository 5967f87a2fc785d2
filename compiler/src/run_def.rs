//! `RunDef`: one `run` block flattened into a field table, with `extends` applied.
//!
//! A run's body is turned into `(block path, field) -> expression` entries (`("hardware",
//! "nodes")`, `("launch.env", "NCCL_DEBUG")`, `("software.sources", "training")`, `("",
//! "runs")`), plus its `let`s and `sweep` axes. `run "b" extends "a"` starts from `a`'s table
//! and lets `b`'s entries replace those with the same key, so an override is one line.
//! Expressions are not evaluated here: a parent's `"${nodes}"` sees the child's `nodes`.

use std::collections::BTreeMap;
use std::rc::Rc;

use repro_lang::ast::{
    Assign, Block, Expr, ExprKind, Ident, Let, NamedBlock, Run, Stmt, StrPart, StringLit, Sweep,
};
use repro_lang::{Diagnostic, Span};

use crate::field_table::{FieldTable, TableBuilder};
use crate::schema::{block_schema, suggest, BLOCKS, RUN_FIELDS};

/// The key of a field: block path (`""` for the run itself) and field name.
pub type FieldKey<'k> = (&'k str, &'k str);

/// The value of a nested block's own field (`env { }` in `launch`): nothing.
static EMPTY_LIST: Expr = Expr {
    kind: ExprKind::List(Vec::new()),
    span: Span {
        file: repro_lang::FileId(0),
        start: 0,
        end: 0,
    },
};

/// One field as written: where in the syntax tree, so that a table of 490,000 of them is
/// two words a field (#14). The name, the expression and the spans are read from there.
#[derive(Debug, Clone)]
pub enum FieldDef<'a> {
    /// `name = value`, or a dotted `block.name = value` at run level.
    Assign(&'a Assign),
    /// `source NAME = value` in `software`.
    Source(&'a Let),
    /// A nested block (`env { ... }`): a field of its parent, for schema checks.
    Block(&'a NamedBlock),
    /// A field the compiler writes itself (a sweep variable's override).
    Owned(Rc<OwnedField>),
}

/// See [`FieldDef::Owned`].
#[derive(Debug)]
pub struct OwnedField {
    pub name: String,
    pub expr: Expr,
    pub span: Span,
    pub name_span: Span,
}

impl FieldDef<'_> {
    /// The field name: the last segment of a dotted assignment.
    pub fn name(&self) -> &str {
        match self {
            FieldDef::Assign(a) => assign_name(a),
            FieldDef::Source(l) => &l.name.name,
            FieldDef::Block(b) => &b.kind.name,
            FieldDef::Owned(o) => &o.name,
        }
    }

    /// The expression (an empty list for a nested block).
    pub fn expr(&self) -> &Expr {
        match self {
            FieldDef::Assign(a) => &a.value,
            FieldDef::Source(l) => &l.value,
            FieldDef::Block(_) => &EMPTY_LIST,
            FieldDef::Owned(o) => &o.expr,
        }
    }

    /// Where the value was written (the whole block for a nested block).
    pub fn value_span(&self) -> Span {
        match self {
            FieldDef::Block(b) => b.span,
            other => other.expr().span,
        }
    }

    /// The whole `name = value` statement.
    pub fn span(&self) -> Span {
        match self {
            FieldDef::Assign(a) => a.span(),
            FieldDef::Source(l) => l.span(),
            FieldDef::Block(b) => b.span,
            FieldDef::Owned(o) => o.span,
        }
    }

    /// The field name.
    pub fn name_span(&self) -> Span {
        match self {
            FieldDef::Assign(a) => last_segment(a).map_or(a.span(), |i| i.span),
            FieldDef::Source(l) => l.name.span,
            FieldDef::Block(b) => b.kind.span,
            FieldDef::Owned(o) => o.name_span,
        }
    }
}

/// The field an assignment sets: the last segment of its path.
pub(crate) fn assign_name(a: &Assign) -> &str {
    last_segment(a).map_or("", |i| &i.name)
}

fn last_segment(a: &Assign) -> Option<&Ident> {
    a.target.segments().last()
}

/// A run with `extends` applied; not evaluated.
#[derive(Debug, Clone)]
pub struct RunDef<'a> {
    /// The name as written; it may interpolate (`"gpt3-${nodes}x8"`).
    pub name: StringLit,
    /// The name as written with `${...}` kept: what `extends` and messages refer to.
    pub key: String,
    pub fields: FieldTable<'a>,
    /// Blocks that were written (block path -> span of its name), for "missing" errors.
    pub blocks: BTreeMap<String, Span>,
    /// `launch slurm { }`: the executor label and its span.
    pub executor: Option<(String, Span)>,
    /// Borrowed from the syntax tree, as the fields are.
    pub lets: Vec<&'a Let>,
    pub sweeps: Vec<Sweep>,
    /// While the run's body is read: its fields in the order written, sorted into
    /// `fields` by [`RunDef::seal`].
    pending: TableBuilder<'a>,
}

impl<'a> RunDef<'a> {
    /// Flatten a run's own body (without its parent).
    pub fn from_ast(run: &'a Run, diags: &mut Vec<Diagnostic>) -> RunDef<'a> {
        let mut def = RunDef {
            name: run.name.clone(),
            key: run_key(&run.name),
            fields: FieldTable::new(),
            blocks: BTreeMap::new(),
            executor: None,
            lets: Vec::new(),
            sweeps: Vec::new(),
            pending: TableBuilder::default(),
        };
        def.collect_run_body(&run.body, diags);
        def.seal(diags);
        def
    }

    /// A copy of this run with other fields (a sweep point's overrides).
    pub fn with_fields(&self, fields: FieldTable<'a>) -> RunDef<'a> {
        RunDef {
            name: self.name.clone(),
            key: self.key.clone(),
            fields,
            blocks: self.blocks.clone(),
            executor: self.executor.clone(),
            lets: self.lets.clone(),
            sweeps: Vec::new(),
            pending: TableBuilder::default(),
        }
    }

    /// The fields of a `workload` body (see [`crate::workload`]): read as if they were
    /// this run's `launch` block, alone.
    pub fn workload_fields(
        &self,
        body: &'a Block,
        name_span: Span,
        diags: &mut Vec<Diagnostic>,
    ) -> FieldTable<'a> {
        let mut w = self.with_fields(FieldTable::new());
        w.collect_block("launch", body, name_span, diags);
        w.seal(diags);
        w.fields
    }

    /// Sort the fields read so far into `fields` (empty until then: a run's body and a
    /// workload's are each read once, into a fresh table). A field written twice in one run is an
    /// error pointing at both: silently keeping the last one would lock a value the author
    /// may not have meant. (`extends` is the way to replace a field, see
    /// [`RunDef::extend`].)
    fn seal(&mut self, diags: &mut Vec<Diagnostic>) {
        let (table, duplicates) = std::mem::take(&mut self.pending).finish();
        for d in duplicates {
            let name = if d.block.is_empty() {
                d.later.name().to_string()
            } else {
                format!("{}.{}", d.block, d.later.name())
            };
            diags.push(
                Diagnostic::error(d.later.name_span(), format!("field `{name}` is set twice"))
                    .with_label(d.first.name_span(), "first set here")
                    .with_help(
                        "keep one of the two (a run that `extends` another may replace its fields)",
                    ),
            );
        }
        self.fields = table;
    }

    /// Room in `pending` for a block's statements, so that a block of 490,000 fields is
    /// not copied as the vector doubles (#14).
    fn reserve(&mut self, body: &Block) {
        self.pending.reserve(body.stmts.len());
    }

    /// `self` over `parent`: every field, block, let and sweep axis of `self` replaces the
    /// parent's entry with the same key.
    pub fn extend(self, parent: &RunDef<'a>) -> RunDef<'a> {
        let mut out = parent.clone();
        out.name = self.name;
        out.key = self.key;
        out.fields.overlay(self.fields);
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
        self.reserve(body);
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
        let segs: Vec<&Ident> = a.target.segments().iter().collect();
        match segs.as_slice() {
            [field] => {
                if is_run_field(&field.name) {
                    self.insert("", a);
                } else {
                    diags.push(unknown_run_field(field));
                }
            }
            [block, rest @ ..] if block_schema(&block.name).is_some() => {
                let path: Vec<&str> = std::iter::once(block.name.as_ref())
                    .chain(rest[..rest.len() - 1].iter().map(|i| i.name.as_ref()))
                    .collect();
                self.insert(&path.join("."), a);
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

    /// `name_span` (the block's name) is where "missing field" errors for it point.
    fn collect_block(
        &mut self,
        path: &str,
        body: &'a Block,
        name_span: Span,
        diags: &mut Vec<Diagnostic>,
    ) {
        self.blocks.insert(path.to_string(), name_span);
        self.reserve(body);
        for stmt in &body.stmts {
            match stmt {
                Stmt::Let(l) => self.lets.push(l),
                Stmt::Assign(a) => match a.target.as_single() {
                    Some(_) => self.insert(path, a),
                    None => diags.push(Diagnostic::error(
                        a.target.span(),
                        format!("a dotted name is not allowed inside `{path}`"),
                    )),
                },
                Stmt::Source(s) if path == "software" => self.insert_source(s),
                Stmt::Block(b) if b.label.is_none() => {
                    let sub = format!("{path}.{}", b.kind.name);
                    self.insert_block_field(path, b);
                    self.collect_block(&sub, &b.body, b.kind.span, diags);
                }
                other => diags.push(not_allowed(other.span(), &format!("`{path}`"))),
            }
        }
    }

    /// A nested block (`env { ... }`) is itself a field of its parent, for schema checks.
    fn insert_block_field(&mut self, path: &str, b: &'a NamedBlock) {
        self.put(path, FieldDef::Block(b));
    }

    fn insert_source(&mut self, s: &'a Let) {
        self.put("software.sources", FieldDef::Source(s));
    }

    fn insert(&mut self, path: &str, a: &'a Assign) {
        self.put(path, FieldDef::Assign(a));
    }

    /// Duplicates are reported by [`RunDef::seal`].
    fn put(&mut self, path: &str, def: FieldDef<'a>) {
        self.pending.push(path, def);
    }
}

/// A run's identity: its name with interpolations shown as `${...}`.
pub fn run_key(name: &StringLit) -> String {
    name.parts
        .iter()
        .map(|p| match p {
            StrPart::Text(t) => t,
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
