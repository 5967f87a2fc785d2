//! A state update of a `key` block: the official checker's `POST` code.

use super::expr::Expr;
use super::rule_set::SourcePos;

/// `NAME = EXPR` inside a `key` block: after the line's checks, the rule set's state variable
/// `NAME` becomes `EXPR`, evaluated on that line (the official checker's `POST:
/// s['NAME'] = ...`, run in order, stopping at the first that raises). Checks read the
/// variable by its bare name. A `POST` that raises is a failure of the key, as the official
/// "Failed executing code POST code triggered by line".
#[derive(Debug, Clone, PartialEq)]
pub struct Post {
    /// The state variable it sets.
    pub target: String,
    /// Its new value.
    pub expr: Expr,
    /// The expression as written, for messages.
    pub text: String,
    /// Where it was written.
    pub pos: SourcePos,
}
