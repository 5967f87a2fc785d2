use serde::Serialize;

use crate::ast::{Expr, Ident, Path, Str};
use crate::span::Span;

/// `{ stmt* }`; `span` covers the braces.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Block {
    pub stmts: Vec<Stmt>,
    pub span: Span,
}

/// A statement inside a block (or at top level).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Stmt {
    /// `let NAME = EXPR`
    Let(Let),
    /// `PATH = EXPR`, e.g. `nodes = 64`, `when = ...`, `hardware.nodes = 128`.
    Assign(Assign),
    /// `source NAME = EXPR`, e.g. `source training = git("...", ref = "main")`.
    Source(Let),
    /// `derive NAME = EXPR`
    Derive(Let),
    /// `sweep a, b in EXPR`
    Sweep(Sweep),
    /// `require EXPR`, `check EXPR`, `target EXPR`
    Clause(Clause),
    /// `NAME [LABEL] { ... }`, e.g. `hardware { }`, `launch slurm { }`, `key K { }`.
    /// Boxed: a block is the largest statement, and a block of 400,000 assignments would
    /// pay its size for each of them (#14).
    Block(Box<NamedBlock>),
}

/// `let`, `source` and `derive`: a name bound to an expression.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Let {
    pub name: Ident,
    pub value: Expr,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assign {
    pub target: Path,
    pub value: Expr,
    pub span: Span,
}

/// One sweep axis. With several names the value is expected to be `zip(...)` of as many
/// lists; the compiler checks that.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sweep {
    pub names: Vec<Ident>,
    pub values: Expr,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ClauseKind {
    Require,
    Check,
    Target,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Clause {
    pub kind: ClauseKind,
    pub expr: Expr,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum BlockLabel {
    Ident(Ident),
    Str(Str),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NamedBlock {
    pub kind: Ident,
    pub label: Option<BlockLabel>,
    pub body: Block,
    pub span: Span,
}

impl ClauseKind {
    pub fn keyword(self) -> &'static str {
        match self {
            ClauseKind::Require => "require",
            ClauseKind::Check => "check",
            ClauseKind::Target => "target",
        }
    }
}

impl Stmt {
    pub fn span(&self) -> Span {
        match self {
            Stmt::Let(s) | Stmt::Source(s) | Stmt::Derive(s) => s.span,
            Stmt::Assign(s) => s.span,
            Stmt::Sweep(s) => s.span,
            Stmt::Clause(s) => s.span,
            Stmt::Block(s) => s.span,
        }
    }
}

impl BlockLabel {
    pub fn span(&self) -> Span {
        match self {
            BlockLabel::Ident(i) => i.span,
            BlockLabel::Str(s) => s.span,
        }
    }

    pub fn text(&self) -> &str {
        match self {
            BlockLabel::Ident(i) => &i.name,
            BlockLabel::Str(s) => &s.value,
        }
    }
}
