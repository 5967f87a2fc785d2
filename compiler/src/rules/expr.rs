//! Expressions of the rule language.

use serde_json::Value;

/// A binary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    /// `and` (short-circuit)
    And,
    /// `or` (short-circuit)
    Or,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
}

impl BinOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::And => "and",
            BinOp::Or => "or",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
        }
    }
}

/// An expression. Built by lowering (or by hand through the variants: the IR is its own
/// constructor API) and evaluated by [`crate::rules::evaluate`].
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A literal number, string or boolean.
    Lit(Value),
    /// `[a, b, ...]`
    List(Vec<Expr>),
    /// `{ name = expr, ... }`, used for package-level data.
    Record(Vec<(String, Expr)>),
    /// A name resolved by the context: `value`, `metadata`, `time_ms`, or a `let`-like name.
    Name(String),
    /// `base.field`
    Field(Box<Expr>, String),
    /// `base has field`
    Has(Box<Expr>, String),
    /// `f(args)`: the history functions `seen`, `earliest`, `last`, `count`, `first`.
    Call(String, Vec<Expr>),
    /// `not e`
    Not(Box<Expr>),
    /// `-e`
    Neg(Box<Expr>),
    /// `a op b`
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `a in b` (list membership with Python equality)
    In(Box<Expr>, Box<Expr>),
    /// `if c then a else b`
    If(Box<Expr>, Box<Expr>, Box<Expr>),
}

impl Expr {
    /// The free names the expression reads (`value`, a state variable, ...), in order; a
    /// history function's key argument is a log key, not a name.
    pub fn free_names<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Expr::Lit(_) => {}
            Expr::Name(n) => out.push(n),
            Expr::List(xs) => xs.iter().for_each(|x| x.free_names(out)),
            Expr::Record(xs) => xs.iter().for_each(|(_, e)| e.free_names(out)),
            Expr::Field(b, _) | Expr::Has(b, _) | Expr::Not(b) | Expr::Neg(b) => b.free_names(out),
            Expr::Call(f, _)
                if matches!(f.as_str(), "seen" | "earliest" | "last" | "count" | "first") => {}
            Expr::Call(_, args) => args.iter().for_each(|x| x.free_names(out)),
            Expr::Binary(_, a, b) | Expr::In(a, b) => {
                a.free_names(out);
                b.free_names(out);
            }
            Expr::If(c, a, b) => {
                c.free_names(out);
                a.free_names(out);
                b.free_names(out);
            }
        }
    }

    /// Whether the expression only reads `value` (such rules are also checked against a
    /// spec's hparams at compile time).
    pub fn only_uses_value(&self) -> bool {
        match self {
            Expr::Lit(_) => true,
            Expr::Name(n) => n == "value",
            Expr::List(xs) => xs.iter().all(Expr::only_uses_value),
            Expr::Record(xs) => xs.iter().all(|(_, e)| e.only_uses_value()),
            Expr::Field(b, _) | Expr::Has(b, _) | Expr::Not(b) | Expr::Neg(b) => {
                b.only_uses_value()
            }
            // a history function reads other lines; a builtin only its arguments
            Expr::Call(f, args) => {
                !matches!(f.as_str(), "seen" | "earliest" | "last" | "count" | "first")
                    && args.iter().all(Expr::only_uses_value)
            }
            Expr::Binary(_, a, b) | Expr::In(a, b) => a.only_uses_value() && b.only_uses_value(),
            Expr::If(c, a, b) => c.only_uses_value() && a.only_uses_value() && b.only_uses_value(),
        }
    }
}
