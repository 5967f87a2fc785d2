//! Turns pest's parse tree into the [`ast`](crate::ast), collecting semantic-lexical
//! errors (unknown units, out-of-range numbers, bad escapes, interpolation where a plain
//! string is required, too-long operator chains) instead of stopping at the first.
//!
//! The grammar guarantees the shape of each pair, so the child accessors below only fail
//! on a bug in this file; they return a diagnostic rather than panicking anyway.

use std::collections::HashMap;

use pest::iterators::Pair;

use crate::ast::*;
use crate::diagnostic::Diagnostic;
use crate::parser::Rule;
use crate::quantity::{Quantity, QuantityError};
use crate::scan::Comment;
use crate::span::{FileId, Span};
use crate::unit::{Unit, UNITS};

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

type P<'i> = Pair<'i, Rule>;

/// Children that carry meaning: keywords and punctuation are dropped.
fn inner(pair: P<'_>) -> impl Iterator<Item = P<'_>> {
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
    fn span(&self, pair: &P<'_>) -> Span {
        let s = pair.as_span();
        let start = self.base + s.start();
        let mut end = self.base + s.end();
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

    fn item(&mut self, pair: P<'_>) -> Item {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::use_decl => {
                let path = self.plain_string(first(pair), "a `use` path");
                Item::Use(Use { path, span })
            }
            Rule::run_decl => Item::Run(self.run(pair)),
            Rule::rules_decl => {
                let mut it = inner(pair);
                let name = self.plain_string(it.next().expect("rules name"), "a rule set name");
                let body = self.block(it.next().expect("rules body"));
                Item::Rules(Rules { name, body, span })
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

    fn stmt(&mut self, pair: P<'_>) -> Stmt {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let mut it = inner(pair);
        match rule {
            Rule::let_stmt | Rule::source_stmt | Rule::derive_stmt => {
                let name = self.ident(it.next().expect("grammar: name"));
                let value = self.expr(it.next().expect("grammar: value"));
                let binding = Let { name, value, span };
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
                let values = self.expr(values.clone());
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
                let expr = self.expr(it.next().expect("grammar: clause"));
                Stmt::Clause(Clause { kind, expr, span })
            }
            Rule::assign_stmt => {
                let target = self.path(it.next().expect("grammar: target"));
                let value = self.expr(it.next().expect("grammar: value"));
                Stmt::Assign(Assign {
                    target,
                    value,
                    span,
                })
            }
            _ => Stmt::Block(self.named_block(it, span)),
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

    fn ident(&self, pair: P<'_>) -> Ident {
        Ident {
            name: pair.as_str().to_string(),
            span: self.span(&pair),
        }
    }

    fn path(&self, pair: P<'_>) -> Path {
        let span = self.span(&pair);
        let segments = inner(pair).map(|p| self.ident(p)).collect();
        Path { segments, span }
    }

    // ------------------------------------------------------------ expressions

    pub fn expr(&mut self, pair: P<'_>) -> Expr {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::expr => self.expr(first(pair)),
            Rule::if_expr => self.if_expr(pair),
            Rule::or_expr | Rule::and_expr => self.logic_chain(pair),
            Rule::not_expr => self.prefixed(pair, UnaryOp::Not),
            Rule::unary => self.prefixed(pair, UnaryOp::Neg),
            Rule::cmp_expr => self.comparison(pair),
            Rule::add_expr | Rule::mul_expr => self.arith_chain(pair),
            Rule::postfix => self.postfix(pair),
            Rule::paren => Expr::new(ExprKind::Paren(Box::new(self.expr(first(pair)))), span),
            Rule::list => {
                let items = inner(pair).map(|p| self.expr(p)).collect();
                Expr::new(ExprKind::List(items), span)
            }
            Rule::path => Expr::new(ExprKind::Path(self.path(pair)), span),
            Rule::boolean => Expr::new(ExprKind::Bool(pair.as_str() == "true"), span),
            Rule::string => Expr::new(ExprKind::Str(self.string(pair)), span),
            Rule::number => self.number(pair),
            other => {
                self.errors.push(Diagnostic::error(
                    span,
                    format!("internal error: unexpected `{other:?}` in an expression"),
                ));
                Expr::new(ExprKind::Bool(false), span)
            }
        }
    }

    fn if_expr(&mut self, pair: P<'_>) -> Expr {
        let span = self.span(&pair);
        let mut parts: Vec<Expr> = inner(pair).map(|p| self.expr(p)).collect();
        let mut otherwise = parts.pop().expect("grammar: else branch");
        while parts.len() >= 2 {
            let then = parts.pop().expect("then");
            let cond = parts.pop().expect("cond");
            let s = if parts.is_empty() {
                span
            } else {
                cond.span.to(otherwise.span)
            };
            otherwise = Expr::new(
                ExprKind::If {
                    cond: Box::new(cond),
                    then: Box::new(then),
                    otherwise: Box::new(otherwise),
                },
                s,
            );
        }
        otherwise
    }

    fn logic_chain(&mut self, pair: P<'_>) -> Expr {
        let op = if pair.as_rule() == Rule::or_expr {
            BinaryOp::Or
        } else {
            BinaryOp::And
        };
        let span = self.span(&pair);
        let operands: Vec<P<'_>> = inner(pair).collect();
        if !self.check_chain(operands.len(), span) {
            return placeholder(span);
        }
        let mut it = operands.into_iter();
        let mut acc = self.expr(it.next().expect("grammar: operand"));
        for p in it {
            let rhs = self.expr(p);
            acc = binary(op, acc, rhs);
        }
        acc
    }

    fn arith_chain(&mut self, pair: P<'_>) -> Expr {
        let span = self.span(&pair);
        let parts: Vec<P<'_>> = inner(pair).collect();
        if !self.check_chain(parts.len() / 2 + 1, span) {
            return placeholder(span);
        }
        let mut it = parts.into_iter();
        let mut acc = self.expr(it.next().expect("grammar: operand"));
        while let (Some(op), Some(rhs)) = (it.next(), it.next()) {
            let op = BinaryOp::from_symbol(op.as_str()).expect("grammar: operator");
            let rhs = self.expr(rhs);
            acc = binary(op, acc, rhs);
        }
        acc
    }

    /// `not not x` and `- - x`: prefix operators are a repetition in the grammar.
    fn prefixed(&mut self, pair: P<'_>, op: UnaryOp) -> Expr {
        let span = self.span(&pair);
        let parts: Vec<P<'_>> = inner(pair).collect();
        let (operand, ops) = parts.split_last().expect("grammar: operand");
        if !self.check_chain(ops.len() + 1, span) {
            return placeholder(span);
        }
        let mut acc = self.expr(operand.clone());
        for op_pair in ops.iter().rev() {
            let s = self.span(op_pair).to(acc.span);
            acc = Expr::new(
                ExprKind::Unary {
                    op,
                    operand: Box::new(acc),
                },
                s,
            );
        }
        acc
    }

    fn comparison(&mut self, pair: P<'_>) -> Expr {
        let mut it = inner(pair);
        let lhs = self.expr(it.next().expect("grammar: operand"));
        let Some(op) = it.next() else { return lhs };
        let rhs = it.next().expect("grammar: right operand");
        if op.as_rule() == Rule::has_op {
            let field = self.ident(rhs);
            let span = lhs.span.to(field.span);
            let base = Box::new(lhs);
            return Expr::new(ExprKind::Has { base, field }, span);
        }
        let op = match op.as_rule() {
            Rule::in_op => BinaryOp::In,
            Rule::not_in_op => BinaryOp::NotIn,
            _ => BinaryOp::from_symbol(op.as_str()).expect("grammar: comparison"),
        };
        let rhs = self.expr(rhs);
        binary(op, lhs, rhs)
    }

    fn postfix(&mut self, pair: P<'_>) -> Expr {
        let mut it = inner(pair);
        let mut acc = self.expr(it.next().expect("grammar: primary"));
        for p in it {
            let span = acc.span.to(self.span(&p));
            acc = match p.as_rule() {
                Rule::field => {
                    let field = self.ident(first(p));
                    let base = Box::new(acc);
                    Expr::new(ExprKind::Field { base, field }, span)
                }
                _ => self.call(acc, p, span),
            };
        }
        acc
    }

    fn call(&mut self, callee: Expr, args: P<'_>, span: Span) -> Expr {
        let args: Vec<Arg> = inner(args).map(|a| self.arg(a)).collect();
        match callee.kind {
            ExprKind::Path(callee) => Expr::new(ExprKind::Call { callee, args }, span),
            _ => {
                self.errors.push(
                    Diagnostic::error(callee.span, "only named functions can be called")
                        .with_help("call a function by name, e.g. `seen(init_start)`"),
                );
                placeholder(span)
            }
        }
    }

    fn arg(&mut self, pair: P<'_>) -> Arg {
        let parts: Vec<P<'_>> = inner(pair).collect();
        match parts.as_slice() {
            [name, value] => Arg {
                name: Some(self.ident(name.clone())),
                value: self.expr(value.clone()),
            },
            [value] => Arg {
                name: None,
                value: self.expr(value.clone()),
            },
            _ => unreachable!("grammar: argument has one or two parts"),
        }
    }

    /// False (and an error recorded) when a chain is too long to build.
    fn check_chain(&mut self, len: usize, span: Span) -> bool {
        let ok = len <= MAX_CHAIN;
        if !ok {
            self.errors.push(
                Diagnostic::error(
                    Span::point(span.file, span.start as usize),
                    format!("expression is too long ({len} operands in a row; the limit is {MAX_CHAIN})"),
                )
                .with_help("split it with `let` bindings"),
            );
        }
        ok
    }

    // ------------------------------------------------------------ literals

    fn number(&mut self, pair: P<'_>) -> Expr {
        let span = self.span(&pair);
        let lexeme = pair.as_str().to_string();
        let mut it = inner(pair);
        let body = it.next().expect("grammar: number body");
        match it.next() {
            Some(unit) => self.quantity(body.as_str(), unit, span),
            None => self.plain_number(lexeme, span),
        }
    }

    fn plain_number(&mut self, lexeme: String, span: Span) -> Expr {
        let is_float = lexeme.contains(['.', 'e', 'E']);
        if !is_float {
            if let Ok(value) = lexeme.parse::<i64>() {
                return Expr::new(ExprKind::Int { value, lexeme }, span);
            }
            self.errors.push(Diagnostic::error(
                span,
                format!(
                    "integer `{lexeme}` is too large (the limit is {})",
                    i64::MAX
                ),
            ));
            return Expr::new(ExprKind::Int { value: 0, lexeme }, span);
        }
        let value = lexeme.parse::<f64>().unwrap_or(f64::INFINITY);
        if !value.is_finite() {
            self.errors.push(Diagnostic::error(
                span,
                format!("number `{lexeme}` is out of range"),
            ));
        }
        Expr::new(ExprKind::Float { value, lexeme }, span)
    }

    fn quantity(&mut self, number: &str, unit: P<'_>, span: Span) -> Expr {
        let suffix = unit.as_str();
        match Quantity::parse(number, suffix) {
            Ok(q) => Expr::new(ExprKind::Quantity(q), span),
            Err(QuantityError::UnknownUnit(_)) => {
                let help = match Unit::suggest(suffix) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("known units: {}", known_units()),
                };
                let diag = Diagnostic::error(self.span(&unit), format!("unknown unit `{suffix}`"))
                    .with_help(help);
                self.errors.push(diag);
                placeholder(span)
            }
            Err(e @ QuantityError::OutOfRange(_)) => {
                self.errors.push(Diagnostic::error(span, e.to_string()));
                placeholder(span)
            }
        }
    }

    pub fn string(&mut self, pair: P<'_>) -> StringLit {
        let span = self.span(&pair);
        let mut parts: Vec<StrPart> = Vec::new();
        for p in inner(pair) {
            let part = match p.as_rule() {
                Rule::string_text => StrPart::Text(p.as_str().to_string()),
                Rule::escape => StrPart::Text(self.escape(p)),
                _ => StrPart::Interp(self.expr(first(p))),
            };
            push_part(&mut parts, part);
        }
        StringLit { parts, span }
    }

    fn escape(&mut self, pair: P<'_>) -> String {
        let text = pair.as_str();
        let c = match &text[1..] {
            "n" => '\n',
            "t" => '\t',
            "r" => '\r',
            "\"" => '"',
            "\\" => '\\',
            "$" => '$',
            hex => {
                let digits = hex.trim_start_matches("u{").trim_end_matches('}');
                match u32::from_str_radix(digits, 16)
                    .ok()
                    .and_then(char::from_u32)
                {
                    Some(c) => c,
                    None => {
                        self.errors.push(
                            Diagnostic::error(
                                self.span(&pair),
                                format!("invalid unicode escape `{text}`"),
                            )
                            .with_help("use a Unicode scalar value, e.g. `\\u{e9}`"),
                        );
                        char::REPLACEMENT_CHARACTER
                    }
                }
            }
        };
        c.to_string()
    }

    fn plain_string(&mut self, pair: P<'_>, what: &str) -> Str {
        let lit = self.string(pair);
        let value = lit.as_plain().unwrap_or_else(|| {
            self.errors.push(
                Diagnostic::error(lit.span, format!("interpolation is not allowed in {what}"))
                    .with_help("write the text literally, or escape the `$` as `\\$`"),
            );
            String::new()
        });
        Str {
            value,
            span: lit.span,
        }
    }
}

/// Merge adjacent text so that equal strings have equal parts.
fn push_part(parts: &mut Vec<StrPart>, part: StrPart) {
    if let (Some(StrPart::Text(last)), StrPart::Text(text)) = (parts.last_mut(), &part) {
        last.push_str(text);
        return;
    }
    parts.push(part);
}

/// Stands in for an expression that was rejected; never returned from a successful parse.
fn placeholder(span: Span) -> Expr {
    Expr::new(ExprKind::List(Vec::new()), span)
}

fn binary(op: BinaryOp, lhs: Expr, rhs: Expr) -> Expr {
    let span = lhs.span.to(rhs.span);
    Expr::new(
        ExprKind::Binary {
            op,
            lhs: Box::new(lhs),
            rhs: Box::new(rhs),
        },
        span,
    )
}

fn first(pair: P<'_>) -> P<'_> {
    inner(pair).next().expect("grammar: rule has a child")
}

fn known_units() -> String {
    let names: Vec<String> = UNITS.iter().map(|u| format!("`{}`", u.suffix)).collect();
    names.join(", ")
}
