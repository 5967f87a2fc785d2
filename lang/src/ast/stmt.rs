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
///
/// The statement's span is held as its two offsets (its file is the name's): with
/// [`Assign`] this keeps a [`Stmt`] at 96 bytes, paid once by each of the 490,000 fields
/// of a 10 MB spec (#14).
#[derive(Debug, Clone, PartialEq)]
pub struct Let {
    pub name: Ident,
    pub value: Expr,
    start: u32,
    end: u32,
}

/// `PATH = EXPR`. The span is held as for [`Let`] (its file is the path's).
#[derive(Debug, Clone, PartialEq)]
pub struct Assign {
    pub target: Path,
    pub value: Expr,
    start: u32,
    end: u32,
}

impl Let {
    /// `span` is the whole statement, in the file of `name`.
    pub fn new(name: Ident, value: Expr, span: Span) -> Let {
        debug_assert_eq!(span.file, name.span.file);
        Let {
            name,
            value,
            start: span.start,
            end: span.end,
        }
    }

    /// The whole statement, from its keyword (`let`, `source`, `derive`) to its end.
    pub fn span(&self) -> Span {
        Span {
            file: self.name.span.file,
            start: self.start,
            end: self.end,
        }
    }
}

impl Assign {
    /// `span` is the whole statement, in the file of `target`.
    pub fn new(target: Path, value: Expr, span: Span) -> Assign {
        debug_assert_eq!(span.file, target.span().file);
        Assign {
            target,
            value,
            start: span.start,
            end: span.end,
        }
    }

    /// The whole statement.
    pub fn span(&self) -> Span {
        Span {
            file: self.target.span().file,
            start: self.start,
            end: self.end,
        }
    }
}

/// As the structs `{ name, value, span }` and `{ target, value, span }` they were: the
/// syntax tree's JSON does not show how a span is held.
impl Serialize for Let {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("Let", 3)?;
        s.serialize_field("name", &self.name)?;
        s.serialize_field("value", &self.value)?;
        s.serialize_field("span", &self.span())?;
        s.end()
    }
}

impl Serialize for Assign {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("Assign", 3)?;
        s.serialize_field("target", &self.target)?;
        s.serialize_field("value", &self.value)?;
        s.serialize_field("span", &self.span())?;
        s.end()
    }
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
            Stmt::Let(s) | Stmt::Source(s) | Stmt::Derive(s) => s.span(),
            Stmt::Assign(s) => s.span(),
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
