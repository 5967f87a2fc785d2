//! The repro runner.

pub mod mlperf;
pub mod stats;
pub mod verify;
