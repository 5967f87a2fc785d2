//! The repro compiler.

// Spec errors are `Diagnostic`s returned by value: they are the rare path and boxing each
// one would make every evaluator signature noisier without a measurable gain.
#![allow(clippy::result_large_err)]
pub mod arith;
pub mod checker;
pub mod compile;
pub mod compiled;
pub mod drift;
pub mod evaluator;
pub mod git_resolver;
pub mod hash;
pub mod locker;
pub mod lockfile;
pub mod options;
pub mod paths;
pub mod pins;
pub mod plan;
pub mod rule_check;
pub mod rules;
pub mod run_def;
pub mod schema;
pub mod source_resolver;
pub mod sweep;
pub mod value;
