//! The auditor's domain, kept apart from execution: MLPerf `:::MLLOG` parsing
//! ([`mlperf`]), rule rounds, compliance, package checks, olympic scoring and RCP, and the
//! `repro verify` / `repro compare` reports ([`verify`]). The runner uses it to score the logs
//! its own runs write; nothing here spawns a process or writes into the tree it reads.
//!
//! [`stats`] holds the small pure statistics functions both sides share (olympic mean,
//! bootstrap intervals, Student's t), each with its source cited.

pub mod import;
pub mod mlperf;
pub mod stats;
pub mod verify;
