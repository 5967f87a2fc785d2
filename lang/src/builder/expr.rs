//! Expressions: precedence levels are folded into binary trees, prefix operators and
//! `else if` chains (repetitions in the grammar) into nested nodes.

use crate::ast::*;
use crate::builder::{first, inner, placeholder, Builder, MAX_CHAIN, P};
use crate::diagnostic::Diagnostic;
use crate::parser::Rule;
use crate::span::Span;

/// Deepest expression tree accepted. Brackets are limited by
/// [`MAX_NESTING`](crate::scan::MAX_NESTING) and each operator chain by [`MAX_CHAIN`],
/// but chains inside brackets multiply; this bounds the product so that everything that
/// walks the tree recursively (formatter, compiler) has a known stack need.
pub const MAX_EXPR_DEPTH: usize = 512;

impl Builder<'_> {
    /// The expression of a statement, replaced by a placeholder (and an error) if its
    /// tree is deeper than [`MAX_EXPR_DEPTH`].
    pub(crate) fn top_expr(&mut self, pair: P<'_>) -> Expr {
        let e = self.expr(pair);
        self.bounded_depth(e)
    }

    /// `e`, or a placeholder (and an error) if its tree is deeper than [`MAX_EXPR_DEPTH`].
    pub(crate) fn bounded_depth(&mut self, e: Expr) -> Expr {
        if depth(&e) <= MAX_EXPR_DEPTH {
            return e;
        }
        let at = Span::point(e.span.file, e.span.start as usize);
        self.errors.push(
            Diagnostic::error(
                at,
                format!("expression nests too deeply (more than {MAX_EXPR_DEPTH} levels)"),
            )
            .with_help("split it with `let` bindings"),
        );
        placeholder(e.span)
    }
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
                Expr::list(items, span)
            }
            Rule::record => {
                let fields = inner(pair).map(|f| self.record_field(f)).collect();
                Expr::new(ExprKind::Record(fields), span)
            }
            Rule::path => Expr::new(ExprKind::Path(Box::new(self.path(pair))), span),
            Rule::boolean => Expr::new(ExprKind::Bool(pair.as_str() == "true"), span),
            Rule::string => Expr::new(ExprKind::Str(Box::new(self.string(pair))), span),
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

    fn record_field(&mut self, pair: P<'_>) -> RecordField {
        let mut it = inner(pair);
        let name = self.ident(it.next().expect("grammar: field name"));
        let value = self.expr(it.next().expect("grammar: field value"));
        RecordField { name, value }
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
            return Expr::new(
                ExprKind::Has {
                    base,
                    field: Box::new(field),
                },
                span,
            );
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
                    Expr::new(
                        ExprKind::Field {
                            base,
                            field: Box::new(field),
                        },
                        span,
                    )
                }
                _ => self.call(acc, p, span),
            };
        }
        acc
    }

    fn call(&mut self, callee: Expr, args: P<'_>, span: Span) -> Expr {
        let args: Vec<Arg> = inner(args).map(|a| self.arg(a)).collect();
        match callee.kind {
            ExprKind::Path(callee) => Expr::new(
                ExprKind::Call {
                    callee,
                    args: args.into(),
                },
                span,
            ),
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

/// Depth of the tree, computed without recursion (the tree may be too deep for it).
fn depth(root: &Expr) -> usize {
    let mut max = 0;
    // One iterator of the children still to visit per level, not one stack entry per
    // child: a list of 2.6 million items took 88 MB of stack and child vectors (#14).
    let mut stack: Vec<Children<'_>> = vec![Box::new(std::iter::once(root))];
    while let Some(level) = stack.last_mut() {
        match level.next() {
            Some(e) => {
                stack.push(children(e));
                // A packed list has no child expressions, but its items are one level
                // below it, as in the general list.
                let below = usize::from(matches!(&e.kind, ExprKind::Ints(l) if !l.is_empty()));
                max = max.max(stack.len() - 1 + below);
            }
            None => {
                stack.pop();
            }
        }
    }
    max
}

type Children<'e> = Box<dyn Iterator<Item = &'e Expr> + 'e>;

fn children(e: &Expr) -> Children<'_> {
    match &e.kind {
        ExprKind::Int { .. }
        | ExprKind::Float { .. }
        | ExprKind::Quantity(_)
        | ExprKind::Bool(_)
        | ExprKind::Path(_)
        | ExprKind::Ints(_) => Box::new(std::iter::empty()),
        ExprKind::Str(s) => Box::new(s.parts.iter().filter_map(|p| match p {
            StrPart::Interp(e) => Some(&**e),
            StrPart::Text(_) => None,
        })),
        ExprKind::List(items) => Box::new(items.iter()),
        ExprKind::Record(fields) => Box::new(fields.iter().map(|f| &f.value)),
        ExprKind::Call { args, .. } => Box::new(args.iter().map(|a| &a.value)),
        ExprKind::Field { base, .. } | ExprKind::Has { base, .. } => {
            Box::new(std::iter::once(&**base))
        }
        ExprKind::Unary { operand, .. } => Box::new(std::iter::once(&**operand)),
        ExprKind::Binary { lhs, rhs, .. } => Box::new([&**lhs, &**rhs].into_iter()),
        ExprKind::If {
            cond,
            then,
            otherwise,
        } => Box::new([&**cond, &**then, &**otherwise].into_iter()),
        ExprKind::Paren(inner) => Box::new(std::iter::once(&**inner)),
    }
}

#[cfg(test)]
mod tests {
    use super::depth;
    use crate::ast::{ExprKind, Item, Stmt};

    fn value(src: &str) -> crate::ast::Expr {
        let module = crate::parse(crate::span::FileId(0), src).expect("valid");
        match &module.items[0] {
            Item::Stmt(Stmt::Assign(a)) => a.value.clone(),
            other => panic!("{other:?}"),
        }
    }

    /// A packed list is as deep as the general list of the same shape.
    #[test]
    fn packed_lists_are_as_deep_as_general_lists() {
        for (packed, general) in [
            ("x = [1, 2]", "x = [\"a\", 2]"),
            ("x = [[1, 2], [3]]", "x = [[\"a\", 2], [3]]"),
            ("x = [[[7]]]", "x = [[[\"a\"]]]"),
        ] {
            let (p, g) = (value(packed), value(general));
            assert!(matches!(p.kind, ExprKind::Ints(_) | ExprKind::List(_)));
            assert_eq!(depth(&p), depth(&g), "{packed}");
        }
        assert!(matches!(value("x = [1, 2]").kind, ExprKind::Ints(_)));
    }
}
