//! The repro compiler: a spec becomes one locked run plan per run and sweep point.
//!
//! # Pipeline
//! `repro_lang::load` (parse, `use` imports) -> [`run_def`] (flatten each `run`, apply
//! `extends`) -> [`sweep`] (one point per cartesian/zipped combination) -> [`checker`]
//! (evaluate with [`evaluator`], check every field against the [`schema`]: types, units,
//! unknown fields with "did you mean", required fields) -> [`rule_check`] (hparams against the
//! benchmark's rule sets, evaluated by [`rules`]) -> [`source_resolver`] (git refs to commits
//! with libgit2, or from the lock when offline) -> [`mod@compile`] (hash inputs, build the
//! [`plan::Plan`]) -> [`lockfile`] (deterministic bytes, content hashes, diff, tamper check).
//! Each stage collects all its errors as `repro_lang::Diagnostic`s before the next starts.
//!
//! # API for the CLI
//! - `repro lock SPEC`: [`locker::lock`] writes or updates the locks and returns a
//!   [`locker::LockUpdate`] per plan with a [`lockfile::LockDiff`] per group.
//! - `repro lock --locked/--check/--frozen`: the same with [`options::Options::locked`] /
//!   `frozen` set, or [`locker::check`]; drift and tampering come back as diagnostics.
//! - `repro plan SPEC`: [`compile::compile`], then [`plan::Plan::to_json`] or
//!   [`plan::Plan::render_text`].
//! - The runner reads a lock with [`lockfile::Lockfile::read`], refuses it unless
//!   [`lockfile::Lockfile::verify`] passes, and takes [`pins::Pins`], [`launch::Launch`] and
//!   [`run_settings::RunSettings`] from it.
//!
//! The compiler never spawns a process (git2 is a library).

// Spec errors are `Diagnostic`s returned by value: they are the rare path and boxing each
// one would make every evaluator signature noisier without a measurable gain.
#![allow(clippy::result_large_err)]
pub mod arith;
pub mod benchmark_names;
pub mod btree;
pub mod checker;
pub mod compile;
pub mod compiled;
pub mod convert;
pub mod drift;
pub mod evaluator;
pub mod executor_kind;
pub mod field_table;
pub mod git_resolver;
pub mod git_value;
pub mod hash;
pub mod health_policy;
pub mod inputs;
pub mod launch;
pub mod locker;
pub mod lockfile;
pub mod names;
pub mod options;
pub mod paths;
pub mod pins;
pub mod plan;
pub mod references;
pub mod rule_check;
pub mod rules;
pub mod run_def;
pub mod run_settings;
pub mod runs;
pub mod schema;
pub mod source_ref;
pub mod source_resolver;
pub mod spans;
pub mod sweep;
pub mod value;
pub mod workload;

pub use compile::compile;
pub use compiled::{Compiled, Failed};
pub use drift::{check_locked, Drift};
pub use health_policy::HealthPolicy;
pub use launch::Launch;
pub use locker::{check, lock, LockStatus, LockUpdate};
pub use lockfile::{LockDiff, Lockfile};
pub use options::Options;
pub use pins::Pins;
pub use plan::Plan;
pub use run_settings::RunSettings;
