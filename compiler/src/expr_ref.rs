//! `ExprRef`: a field's expression, borrowed from the syntax tree or (for the few the
//! compiler writes itself) owned.
//!
//! Unlike `Cow<Expr>`, which is as large as an `Expr`, this is two words: a run's field
//! table holds one per field, and a 10 MB spec has 420,000 fields (#14).

use std::ops::Deref;

use repro_lang::ast::Expr;

/// See the module doc.
#[derive(Debug, Clone)]
pub enum ExprRef<'a> {
    Borrowed(&'a Expr),
    Owned(Box<Expr>),
}

impl Deref for ExprRef<'_> {
    type Target = Expr;

    fn deref(&self) -> &Expr {
        match self {
            ExprRef::Borrowed(e) => e,
            ExprRef::Owned(e) => e,
        }
    }
}
