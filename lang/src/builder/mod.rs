//! Turns pest's parse tree into the [`ast`](crate::ast), collecting semantic-lexical
//! errors (unknown units, out-of-range numbers, bad escapes, interpolation where a plain
//! string is required, too-long operator chains) instead of stopping at the first.
//!
//! The grammar guarantees the shape of each pair, so the child accessors below only fail
//! on a bug in this file; they return a diagnostic rather than panicking anyway.

mod expr;
mod literal;

use std::collections::HashMap;

use pest::iterators::Pair;

use crate::ast::*;
use crate::diagnostic::Diagnostic;
use crate::parser::Rule;
use crate::scan::Comment;
use crate::span::{FileId, Span};

/// Longest chain of one precedence level (`a + b + ...`, `- - x`), which bounds the depth
/// of the tree and so the stack used by everything that walks it.
pub const MAX_CHAIN: usize = 256;

pub struct Builder<'s> {
    pub file: FileId,
    /// The whole file text (also when a piece is parsed), to trim spans.
    src: &'s str,
    /// Comment start by comment end offset, to trim spans.
    comment_ends: HashMap<usize, usize>,
    /// Added to pest offsets when parsing a slice of the file (error recovery).
    pub base: usize,
    pub errors: Vec<Diagnostic>,
}

pub(crate) type P<'i> = Pair<'i, Rule>;

/// Children that carry meaning: keywords and punctuation are dropped.
pub(crate) fn inner(pair: P<'_>) -> impl Iterator<Item = P<'_>> {
    pair.into_inner().filter(|p| {
        !matches!(
            p.as_rule(),
            Rule::lbrace
                | Rule::rbrace
                | Rule::lparen
                | Rule::rparen
                | Rule::lbracket
                | Rule::rbracket
                | Rule::comma
                | Rule::eq
                | Rule::string_close
                | Rule::interp_close
                | Rule::EOI
                | Rule::kw_use
                | Rule::kw_run
                | Rule::kw_rules
                | Rule::kw_extends
                | Rule::kw_let
                | Rule::kw_sweep
                | Rule::kw_source
                | Rule::kw_derive
                | Rule::kw_require
                | Rule::kw_check
                | Rule::kw_target
                | Rule::kw_in
                | Rule::kw_not
                | Rule::kw_if
                | Rule::kw_then
                | Rule::kw_else
                | Rule::kw_and
                | Rule::kw_or
        )
    })
}

impl<'s> Builder<'s> {
    pub fn new(file: FileId, src: &'s str, comments: &[Comment], base: usize) -> Builder<'s> {
        Builder {
            file,
            src,
            comment_ends: comments.iter().map(|c| (c.end, c.start)).collect(),
            base,
            errors: Vec::new(),
        }
    }

    /// The pair's span without trailing whitespace and comments: pest includes the
    /// implicit whitespace skipped before a repetition that then matched nothing, but a
    /// node's span should end at its last token (the formatter relies on it).
    pub(crate) fn span(&self, pair: &P<'_>) -> Span {
        let s = pair.as_span();
        self.span_at(self.base + s.start(), self.base + s.end())
    }

    /// `start..end` of the whole text, trimmed as [`Builder::span`] trims a pair's span.
    pub(crate) fn span_at(&self, start: usize, mut end: usize) -> Span {
        loop {
            let trimmed = self.src[start..end].trim_end_matches([' ', '\t', '\r', '\n']);
            end = start + trimmed.len();
            match self.comment_ends.get(&end) {
                Some(&c) if c >= start => end = c,
                _ => break,
            }
        }
        Span::new(self.file, start, end)
    }

    pub fn module(&mut self, pair: P<'_>) -> Module {
        let span = self.span(&pair);
        let items = inner(pair).map(|p| self.item(p)).collect();
        Module {
            file: self.file,
            items,
            span,
        }
    }

    pub(crate) fn item(&mut self, pair: P<'_>) -> Item {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::use_decl => {
                let path = self.plain_string(first(pair), "a `use` path");
                Item::Use(Use { path, span })
            }
            Rule::run_decl => Item::Run(Box::new(self.run(pair))),
            Rule::rules_decl => {
                let mut it = inner(pair);
                let name = self.plain_string(it.next().expect("rules name"), "a rule set name");
                let body = self.block(it.next().expect("rules body"));
                Item::Rules(Box::new(Rules { name, body, span }))
            }
            _ => Item::Stmt(self.stmt(pair)),
        }
    }

    fn run(&mut self, pair: P<'_>) -> Run {
        let span = self.span(&pair);
        let mut name = None;
        let mut extends = None;
        let mut body = None;
        for p in inner(pair) {
            match p.as_rule() {
                Rule::string => name = Some(self.string(p)),
                Rule::extends_clause => {
                    extends = Some(self.plain_string(first(p), "an `extends` target"))
                }
                _ => body = Some(self.block(p)),
            }
        }
        Run {
            name: name.expect("grammar: run name"),
            extends,
            body: body.expect("grammar: run body"),
            span,
        }
    }

    fn block(&mut self, pair: P<'_>) -> Block {
        let span = self.span(&pair);
        let stmts = inner(pair).map(|p| self.stmt(p)).collect();
        Block { stmts, span }
    }

    pub(crate) fn stmt(&mut self, pair: P<'_>) -> Stmt {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let mut it = inner(pair);
        match rule {
            Rule::let_stmt | Rule::source_stmt | Rule::derive_stmt => {
                let name = self.ident(it.next().expect("grammar: name"));
                let value = self.top_expr(it.next().expect("grammar: value"));
                let binding = Let::new(name, value, span);
                match rule {
                    Rule::let_stmt => Stmt::Let(binding),
                    Rule::source_stmt => Stmt::Source(binding),
                    _ => Stmt::Derive(binding),
                }
            }
            Rule::sweep_stmt => {
                let parts: Vec<P<'_>> = it.collect();
                let (values, names) = parts.split_last().expect("grammar: sweep");
                let names = names.iter().map(|p| self.ident(p.clone())).collect();
                let values = self.top_expr(values.clone());
                Stmt::Sweep(Sweep {
                    names,
                    values,
                    span,
                })
            }
            Rule::require_stmt | Rule::check_stmt | Rule::target_stmt => {
                let kind = match rule {
                    Rule::require_stmt => ClauseKind::Require,
                    Rule::check_stmt => ClauseKind::Check,
                    _ => ClauseKind::Target,
                };
                let expr = self.top_expr(it.next().expect("grammar: clause"));
                Stmt::Clause(Clause { kind, expr, span })
            }
            Rule::assign_stmt => {
                let target = self.path(it.next().expect("grammar: target"));
                let value = self.top_expr(it.next().expect("grammar: value"));
                Stmt::Assign(Assign::new(target, value, span))
            }
            _ => Stmt::Block(Box::new(self.named_block(it, span))),
        }
    }

    fn named_block<'i>(&mut self, mut it: impl Iterator<Item = P<'i>>, span: Span) -> NamedBlock {
        let kind = self.ident(it.next().expect("grammar: block kind"));
        let mut label = None;
        let mut body = None;
        for p in it {
            match p.as_rule() {
                Rule::string => {
                    label = Some(BlockLabel::Str(self.plain_string(p, "a block label")))
                }
                Rule::ident => label = Some(BlockLabel::Ident(self.ident(p))),
                _ => body = Some(self.block(p)),
            }
        }
        NamedBlock {
            kind,
            label,
            body: body.expect("grammar: block body"),
            span,
        }
    }

    pub(crate) fn ident(&self, pair: P<'_>) -> Ident {
        Ident {
            name: pair.as_str().into(),
            span: self.span(&pair),
        }
    }

    pub(crate) fn path(&self, pair: P<'_>) -> Path {
        let span = self.span(&pair);
        let segments = inner(pair).map(|p| self.ident(p)).collect();
        Path::new(segments, span)
    }
}

/// Stands in for an expression that was rejected; never returned from a successful parse.
pub(crate) fn placeholder(span: Span) -> Expr {
    Expr::new(ExprKind::List(Vec::new()), span)
}

pub(crate) fn first(pair: P<'_>) -> P<'_> {
    inner(pair).next().expect("grammar: rule has a child")
}
