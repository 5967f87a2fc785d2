//! Rule sets: the IR of the MLPerf compliance rules, read from `specs/rules/**/*.run`, and the
//! evaluator of their expressions.
//!
//! Design. A [`RuleSet`] mirrors one YAML file of the official checker, declaratively: a
//! `when` guard instead of `enqueue_config`, `key` rules with a `require` count, `check`
//! expressions (every occurrence must satisfy them) and `target` expressions (at least one
//! occurrence must). The official checker's mutable state (`s['run_started']`, …) is replaced
//! by pure history functions over earlier log lines (`seen`, `earliest`, `last`, `count`,
//! `first`), so an expression is a pure function of a [`Context`]. State the official code
//! updates conditionally (qwen35's `next_validation_samples`) is a rule set's state variable
//! instead: `let X = ...` and a key block's `X = ...` ([`Post`]). The same IR is evaluated
//! on hparams at compile time (where the context only knows `value`) and on MLLOG lines by
//! `repro_audit::mlperf`.
//!
//! Values are `serde_json::Value`s compared with Python's semantics (`1 == 1.0`, a string
//! never equals a number, ordering a string against a number is an error), because the
//! verdicts must match the official Python checker's.
//!
//! [`RuleBook`] is the one rule book: a round's rule sets and package data from the registry of
//! `specs/rules/` folders (see `build.rs`), or the sets a spec `use`s.
//!
//! [`lower`] turns rule text into the IR: `repro_lang` parses it, lowering checks the shape of
//! a rule set and builds the IR, with file:line:col on every error.

mod builtin;
mod error;
mod eval;
mod expr;
mod hparam;
pub mod lower;
mod post;
mod rule_book;
mod rule_set;

pub use error::RulesError;
pub use eval::{evaluate, py_eq, truthy, Context, EvalError, History};
pub use expr::{BinOp, Expr};
pub use hparam::{check_hparams, HparamViolation};
pub use post::Post;
pub use rule_book::RuleBook;
pub use rule_set::{Check, Derive, KeyRule, Require, RuleSet, SourcePos};
