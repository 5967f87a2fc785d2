use serde::Serialize;

use crate::ast::{Block, Stmt, Str, StringLit};
use crate::span::Span;

/// A top-level item. Statements (`let`, assignments, blocks) are also allowed at top level.
#[derive(Debug, Clone, PartialEq, Serialize)]
/// `Run` and `Rules` are boxed: a file of 490,000 top-level `let`s would pay their size for
/// each (#14).
pub enum Item {
    Use(Use),
    Run(Box<Run>),
    Rules(Box<Rules>),
    Stmt(Stmt),
}

/// `use "rules/mlperf-training-4.1.run"`: the path is relative to the importing file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Use {
    pub path: Str,
    pub span: Span,
}

/// `run "name" [extends "parent"] { ... }`. The name may interpolate (`"gpt3-${nodes}x8"`)
/// so that each point of a sweep gets its own name; the compiler evaluates it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Run {
    pub name: StringLit,
    pub extends: Option<Str>,
    pub body: Block,
    pub span: Span,
}

/// `rules "name" { ... }`
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rules {
    pub name: Str,
    pub body: Block,
    pub span: Span,
}

impl Item {
    pub fn span(&self) -> Span {
        match self {
            Item::Use(u) => u.span,
            Item::Run(r) => r.span,
            Item::Rules(r) => r.span,
            Item::Stmt(s) => s.span(),
        }
    }
}
