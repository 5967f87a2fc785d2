//! The repro compiler.
pub mod hash;
pub mod lockfile;
pub mod git_resolver;
pub mod schema;
