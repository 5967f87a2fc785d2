//! The repro compiler.

pub mod rules;
