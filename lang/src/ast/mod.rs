//! The syntax tree of one `.run` file.
//!
//! The tree mirrors the text: nothing is evaluated, `let`/`extends`/interpolation/sweeps are
//! kept as written for the compiler. Every node carries a [`Span`](crate::Span). Parentheses
//! are kept ([`ExprKind::Paren`]) so that the formatter can print exactly what was parsed,
//! and number lexemes are kept so that `2e-5` is printed as `2e-5`.
//!
//! The tree is `Serialize` so that tests can compare two trees with spans stripped.

mod expr;
pub(crate) mod int_list;
mod item;
mod lexeme;
mod module;
mod name;
mod stmt;
mod string_lit;

pub use expr::{Arg, BinaryOp, Expr, ExprKind, RecordField, UnaryOp};
pub use int_list::IntList;
pub use item::{Item, Rules, Run, Use};
pub use lexeme::Lexeme;
pub use module::Module;
pub use name::{Ident, Path};
pub use stmt::{Assign, Block, BlockLabel, Clause, ClauseKind, Let, NamedBlock, Stmt, Sweep};
pub use string_lit::{Str, StrPart, StringLit};
