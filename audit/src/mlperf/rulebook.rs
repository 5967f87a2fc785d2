//! The rule book of a round is the compiler's one [`RuleBook`] (`repro_compiler::rules`): the
//! round registry, rule sets and package data live there, shared with the compile-time checks.

pub use repro_compiler::rules::RuleBook;
