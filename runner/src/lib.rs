//! The repro runner.
