use serde::Serialize;

use crate::ast::{Ident, IntList, Lexeme, Path, StringLit};
use crate::quantity::Quantity;
use crate::span::Span;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum ExprKind {
    /// An integer without unit; `lexeme` is the text as written.
    Int {
        value: i64,
        lexeme: Lexeme,
    },
    /// A number with a fraction or exponent (`2e-5`, `0.5`).
    Float {
        value: f64,
        lexeme: Lexeme,
    },
    /// A number with a unit: `3h`, `141GB`, `400Gb/s`, `5%`. Boxed: a quantity is four
    /// times the size of any other literal, and every expression pays for the largest
    /// variant (#14).
    Quantity(Box<Quantity>),
    Bool(bool),
    /// Boxed, as is a path: every expression pays for the largest variant, and a list of
    /// a million numbers should not pay for a string's parts and span (#14).
    Str(Box<StringLit>),
    List(Vec<Expr>),
    /// A list of plain integer literals, packed (see [`IntList`]); it means, prints and
    /// serializes exactly as the `List` of the same items.
    #[serde(rename = "List", serialize_with = "IntList::serialize_as_list")]
    Ints(Box<IntList>),
    /// `{ bert = 10, gpt3 = 3 }`: a table of named values, in source order (the
    /// compiler rejects duplicate names).
    Record(Vec<RecordField>),
    /// A (possibly dotted) name: `closed`, `mlperf.training.gpt3`, `value.FID`.
    Path(Box<Path>),
    /// `callee(args)`: `git(url, ref = "main")`, `seen(init_start)`, `zip([..], [..])`.
    Call {
        /// Boxed, as is the field name of `Field` and `Has`: every expression pays for the
        /// largest variant (#14).
        callee: Box<Path>,
        args: Box<[Arg]>,
    },
    /// `EXPR.NAME` where EXPR is not a plain name, e.g. `last(k).value`.
    Field {
        base: Box<Expr>,
        field: Box<Ident>,
    },
    Unary {
        op: UnaryOp,
        operand: Box<Expr>,
    },
    Binary {
        op: BinaryOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    /// `EXPR has NAME`: presence of a metadata field.
    Has {
        base: Box<Expr>,
        field: Box<Ident>,
    },
    /// `if A then B else C`; `else if` chains nest in `otherwise`.
    If {
        cond: Box<Expr>,
        then: Box<Expr>,
        otherwise: Box<Expr>,
    },
    /// `( EXPR )`, kept so that formatting prints what was written.
    Paren(Box<Expr>),
}

/// One `name = value` of a record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordField {
    pub name: Ident,
    pub value: Expr,
}

/// A call argument; `name` is set for `ref = "main"`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Arg {
    pub name: Option<Ident>,
    pub value: Expr,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum UnaryOp {
    Neg,
    Not,
}

/// Binary operators. Precedence, loosest first: `or`; `and`; comparisons and `in`/`not in`
/// (non-associative); `+ -`; `* /`. `not` binds looser than comparisons
/// (`not a == b` is `not (a == b)`), unary `-` tighter than `*`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum BinaryOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    NotIn,
    Add,
    Sub,
    Mul,
    Div,
}

impl BinaryOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Or => "or",
            BinaryOp::And => "and",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::In => "in",
            BinaryOp::NotIn => "not in",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
        }
    }

    pub(crate) fn from_symbol(text: &str) -> Option<BinaryOp> {
        let op = match text {
            "==" => BinaryOp::Eq,
            "!=" => BinaryOp::Ne,
            "<" => BinaryOp::Lt,
            "<=" => BinaryOp::Le,
            ">" => BinaryOp::Gt,
            ">=" => BinaryOp::Ge,
            "+" => BinaryOp::Add,
            "-" => BinaryOp::Sub,
            "*" => BinaryOp::Mul,
            "/" => BinaryOp::Div,
            _ => return None,
        };
        Some(op)
    }
}

impl UnaryOp {
    pub fn symbol(self) -> &'static str {
        match self {
            UnaryOp::Neg => "-",
            UnaryOp::Not => "not",
        }
    }
}

impl Expr {
    pub fn new(kind: ExprKind, span: Span) -> Expr {
        Expr { kind, span }
    }

    /// A list literal of `items`: packed (see [`IntList`]) when they allow it.
    pub fn list(items: Vec<Expr>, span: Span) -> Expr {
        match IntList::pack(&items) {
            Some(ints) => Expr::new(ExprKind::Ints(Box::new(ints)), span),
            None => Expr::new(ExprKind::List(items), span),
        }
    }

    /// The path if this expression is a plain (possibly dotted) name.
    pub fn as_path(&self) -> Option<&Path> {
        match &self.kind {
            ExprKind::Path(p) => Some(p),
            _ => None,
        }
    }
}
