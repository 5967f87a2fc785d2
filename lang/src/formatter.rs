//! `format`: canonical layout of a spec file, keeping every comment.
//!
//! The layout is printed from the syntax tree: one statement per line, 2-space indent,
//! single spaces around `=` and binary operators (no alignment, so that editing one line
//! never reflows its neighbours), `{` on the header line. Lists stay on one line unless
//! they were written across lines, then they get one element per line and a trailing
//! comma (so a long sweep stays readable and the choice is stable).
//!
//! Comments are not in the tree; [`scan`](crate::scan) finds them and they are
//! re-attached by position: a comment before a statement is printed above it, a comment
//! after a statement on the same line stays there, comments before a `}` stay inside the
//! block. Blank lines between statements are kept, collapsed to one, and dropped at the
//! start and end of a block. A statement with a comment *inside* it (e.g. between list
//! elements) is copied verbatim rather than risk moving the comment.
//!
//! Invariants (property-tested): `format(format(x)) == format(x)`, and `format(x)` parses
//! to the same tree as `x` up to spans.

use crate::ast::*;
use crate::diagnostic::Diagnostic;
use crate::parser::parse;
use crate::scan::{scan, Comment};
use crate::span::{FileId, Span};

const INDENT: &str = "  ";

/// Format `src`. Diagnostics use [`FileId(0)`](FileId); render them with a source map
/// whose first file is this text, or use [`format_file`].
pub fn format(src: &str) -> Result<String, Vec<Diagnostic>> {
    format_file(FileId(0), src)
}

/// Format `src`, reporting errors against `file`.
pub fn format_file(file: FileId, src: &str) -> Result<String, Vec<Diagnostic>> {
    let module = parse(file, src)?;
    let mut f = Formatter {
        src,
        comments: scan(src).comments,
        next: 0,
        out: String::new(),
        prev_end: 0,
        at_block_start: true,
    };
    for item in &module.items {
        f.item(item);
    }
    f.leading_comments(src.len(), 0);
    Ok(f.out)
}

struct Formatter<'a> {
    src: &'a str,
    comments: Vec<Comment>,
    /// Index of the first comment not yet printed.
    next: usize,
    out: String,
    /// Source offset just after the last printed statement or comment.
    prev_end: usize,
    /// Nothing printed yet in the current block (no blank line allowed).
    at_block_start: bool,
}

impl Formatter<'_> {
    fn item(&mut self, item: &Item) {
        let span = item.span();
        self.start_line(span.start as usize, 0);
        match item {
            Item::Use(u) => {
                let text = format!("use {}", plain(&u.path.value));
                self.out.push_str(&text);
            }
            Item::Run(run) => {
                let mut header = format!("run {}", string(&run.name));
                if let Some(parent) = &run.extends {
                    header.push_str(&format!(" extends {}", plain(&parent.value)));
                }
                self.block(header, &run.body, span, 0);
            }
            Item::Rules(rules) => {
                let header = format!("rules {}", plain(&rules.name.value));
                self.block(header, &rules.body, span, 0);
            }
            Item::Stmt(stmt) => self.stmt_body(stmt, 0),
        }
        self.end_line(span.end as usize);
    }

    fn stmt(&mut self, stmt: &Stmt, depth: usize) {
        let span = stmt.span();
        self.start_line(span.start as usize, depth);
        self.stmt_body(stmt, depth);
        self.end_line(span.end as usize);
    }

    /// Print leading comments and the blank line before a statement, then its indent.
    fn start_line(&mut self, start: usize, depth: usize) {
        self.leading_comments(start, depth);
        self.blank_line_before(start);
        self.out.push_str(&INDENT.repeat(depth));
        self.at_block_start = false;
    }

    /// Print a same-line trailing comment, then the newline.
    fn end_line(&mut self, end: usize) {
        self.prev_end = end;
        if let Some(c) = self.comments.get(self.next).copied() {
            if c.start >= end && !self.src[end..c.start].contains('\n') {
                self.out.push(' ');
                self.out.push_str(self.src[c.start..c.end].trim_end());
                self.prev_end = c.end;
                self.next += 1;
            }
        }
        self.out.push('\n');
    }

    fn leading_comments(&mut self, before: usize, depth: usize) {
        while let Some(c) = self.comments.get(self.next).copied() {
            if c.start >= before {
                break;
            }
            self.blank_line_before(c.start);
            self.out.push_str(&INDENT.repeat(depth));
            self.out.push_str(self.src[c.start..c.end].trim_end());
            self.out.push('\n');
            self.prev_end = c.end;
            self.next += 1;
            self.at_block_start = false;
        }
    }

    fn blank_line_before(&mut self, start: usize) {
        let gap = &self.src[self.prev_end.min(start)..start];
        if !self.at_block_start && gap.matches('\n').count() >= 2 {
            self.out.push('\n');
        }
    }

    fn stmt_body(&mut self, stmt: &Stmt, depth: usize) {
        if self.has_own_comments(stmt.span(), stmt_body_span(stmt)) {
            return self.verbatim(stmt.span());
        }
        let line = match stmt {
            Stmt::Let(s) => format!("let {} = {}", s.name.name, self.expr(&s.value, depth)),
            Stmt::Source(s) => format!("source {} = {}", s.name.name, self.expr(&s.value, depth)),
            Stmt::Derive(s) => format!("derive {} = {}", s.name.name, self.expr(&s.value, depth)),
            Stmt::Assign(s) => format!("{} = {}", s.target.dotted(), self.expr(&s.value, depth)),
            Stmt::Sweep(s) => {
                let names: Vec<&str> = s.names.iter().map(|n| &*n.name).collect();
                format!(
                    "sweep {} in {}",
                    names.join(", "),
                    self.expr(&s.values, depth)
                )
            }
            Stmt::Clause(c) => format!("{} {}", c.kind.keyword(), self.expr(&c.expr, depth)),
            Stmt::Block(b) => {
                let header = match &b.label {
                    None => b.kind.name.to_string(),
                    Some(BlockLabel::Ident(i)) => format!("{} {}", b.kind.name, i.name),
                    Some(BlockLabel::Str(s)) => format!("{} {}", b.kind.name, plain(&s.value)),
                };
                return self.block(header, &b.body, b.span, depth);
            }
        };
        self.out.push_str(&line);
    }

    fn block(&mut self, header: String, body: &Block, whole: Span, depth: usize) {
        if self.has_own_comments(whole, Some(body.span)) {
            return self.verbatim(whole);
        }
        self.out.push_str(&header);
        self.out.push_str(" {\n");
        self.prev_end = body.span.start as usize + 1;
        self.at_block_start = true;
        for stmt in &body.stmts {
            self.stmt(stmt, depth + 1);
        }
        let close = body.span.end as usize - 1;
        self.at_block_start = true;
        self.leading_comments(close, depth + 1);
        self.out.push_str(&INDENT.repeat(depth));
        self.out.push('}');
        self.at_block_start = false;
    }

    /// Comments inside `span` but outside `inner` (the statement's own block, whose
    /// comments are placed by the recursion).
    fn has_own_comments(&self, span: Span, inner: Option<Span>) -> bool {
        let inside = |c: &Comment, s: Span| c.start >= s.start as usize && c.start < s.end as usize;
        self.comments[self.next..]
            .iter()
            .take_while(|c| c.start < span.end as usize)
            .any(|c| inside(c, span) && !inner.is_some_and(|b| inside(c, b)))
    }

    /// Copy the statement as written and consume the comments inside it.
    fn verbatim(&mut self, span: Span) {
        self.out.push_str(&self.src[span.range()]);
        while self
            .comments
            .get(self.next)
            .is_some_and(|c| c.start < span.end as usize)
        {
            self.next += 1;
        }
    }

    fn expr(&self, e: &Expr, depth: usize) -> String {
        match &e.kind {
            ExprKind::Int { lexeme, .. } | ExprKind::Float { lexeme, .. } => lexeme.to_string(),
            ExprKind::Quantity(q) => q.lexeme.clone(),
            ExprKind::Bool(b) => b.to_string(),
            ExprKind::Str(s) => string(s),
            ExprKind::List(items) => {
                let items: Vec<String> = items.iter().map(|i| self.expr(i, depth + 1)).collect();
                self.bracketed(("[", "]"), items, e.span, depth)
            }
            ExprKind::Ints(list) => self.ints(list.values(), e.span, depth),
            ExprKind::Record(fields) => {
                let fields: Vec<String> = fields
                    .iter()
                    .map(|f| format!("{} = {}", f.name.name, self.expr(&f.value, depth + 1)))
                    .collect();
                self.bracketed(("{ ", " }"), fields, e.span, depth)
            }
            ExprKind::Path(p) => p.dotted(),
            ExprKind::Call { callee, args } => {
                let args: Vec<String> = args.iter().map(|a| self.arg(a, depth)).collect();
                format!("{}({})", callee.dotted(), args.join(", "))
            }
            ExprKind::Field { base, field } => format!("{}.{}", self.expr(base, depth), field.name),
            ExprKind::Unary {
                op: UnaryOp::Neg,
                operand,
            } => format!("-{}", self.expr(operand, depth)),
            ExprKind::Unary {
                op: UnaryOp::Not,
                operand,
            } => format!("not {}", self.expr(operand, depth)),
            ExprKind::Binary { op, lhs, rhs } => {
                format!(
                    "{} {} {}",
                    self.expr(lhs, depth),
                    op.symbol(),
                    self.expr(rhs, depth)
                )
            }
            ExprKind::Has { base, field } => {
                format!("{} has {}", self.expr(base, depth), field.name)
            }
            ExprKind::If {
                cond,
                then,
                otherwise,
            } => format!(
                "if {} then {} else {}",
                self.expr(cond, depth),
                self.expr(then, depth),
                self.expr(otherwise, depth)
            ),
            ExprKind::Paren(inner) => format!("({})", self.expr(inner, depth)),
        }
    }

    fn arg(&self, arg: &Arg, depth: usize) -> String {
        match &arg.name {
            Some(name) => format!("{} = {}", name.name, self.expr(&arg.value, depth)),
            None => self.expr(&arg.value, depth),
        }
    }

    /// A packed list (never empty) as [`Formatter::bracketed`] prints the general list of
    /// the same items, without a `String` per item.
    fn ints(&self, values: &[i64], span: Span, depth: usize) -> String {
        use std::fmt::Write as _;
        let multiline = self.src.get(span.range()).is_some_and(|t| t.contains('\n'));
        let mut out = String::new();
        if !multiline {
            out.push('[');
            for (i, v) in values.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                let _ = write!(out, "{v}");
            }
            out.push(']');
            return out;
        }
        let pad = INDENT.repeat(depth + 1);
        out.push_str("[\n");
        for v in values {
            let _ = writeln!(out, "{pad}{v},");
        }
        out.push_str(&INDENT.repeat(depth));
        out.push(']');
        out
    }

    /// `[a, b]` / `{ a = 1 }` on one line, or one element per line with a trailing comma
    /// when the source spread them over several lines. `items` are printed for the
    /// multi-line case (one level deeper); single-line output is the same text.
    fn bracketed(
        &self,
        (open, close): (&str, &str),
        items: Vec<String>,
        span: Span,
        depth: usize,
    ) -> String {
        let multiline =
            !items.is_empty() && self.src.get(span.range()).is_some_and(|t| t.contains('\n'));
        if items.is_empty() {
            return format!("{}{}", open.trim(), close.trim());
        }
        if !multiline {
            return format!("{open}{}{close}", items.join(", "));
        }
        let pad = INDENT.repeat(depth + 1);
        let mut out = format!("{}\n", open.trim());
        for item in items {
            out.push_str(&format!("{pad}{item},\n"));
        }
        out.push_str(&INDENT.repeat(depth));
        out.push_str(close.trim());
        out
    }
}

fn stmt_body_span(stmt: &Stmt) -> Option<Span> {
    match stmt {
        Stmt::Block(b) => Some(b.body.span),
        _ => None,
    }
}

/// A string literal with canonical escapes.
fn string(lit: &StringLit) -> String {
    let mut out = String::from("\"");
    for part in &lit.parts {
        match part {
            StrPart::Text(text) => out.push_str(&escape(text)),
            StrPart::Interp(e) => {
                out.push_str("${");
                out.push_str(&Formatter::inline().expr(e, 0));
                out.push('}');
            }
        }
    }
    out.push('"');
    out
}

fn plain(text: &str) -> String {
    format!("\"{}\"", escape(text))
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '$' if chars.peek() == Some(&'{') => out.push_str("\\$"),
            c => out.push(c),
        }
    }
    out
}

impl Formatter<'static> {
    /// A formatter with no source: interpolations are printed on one line.
    fn inline() -> Formatter<'static> {
        Formatter {
            src: "",
            comments: Vec::new(),
            next: 0,
            out: String::new(),
            prev_end: 0,
            at_block_start: true,
        }
    }
}
