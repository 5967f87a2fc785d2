//! MLPerf logs: parsing, compliance, package checks, scoring and RCP.
//!
//! Design. Each stage is a pure function of its input and mirrors one official tool
//! (`mlperf-logging` 4.1.68, described in `/work/shared/mlperf-training-4.1-rules.md`):
//!
//! - [`MlLog`] reads a result file the way `mlp_parser` does (only `:::MLLOG ` lines, latin-1,
//!   `lineno` counted among MLLOG lines);
//! - [`check_compliance`] runs the rule sets of a [`RuleBook`] (read from `specs/rules/`,
//!   lowered to `repro_compiler::rules`) over the log, reproducing the official messages;
//! - [`rcp`] re-implements `rcp_checker` (reference statistics, pruning, interpolation,
//!   one-sided t-test bound, scaling factor);
//! - [`score_benchmark`] combines compliance and RCP into the summarizer's olympic score;
//! - [`package`] checks a submitter folder (run counts, seeds, system descriptions).
//!
//! Nothing here writes to disk: the official tools write `scaling.json` and logs into the tree
//! they check; repro computes the same numbers read-only.

mod compliance;
pub mod energy;
mod error;
mod message;
mod mllog;
pub mod package;
mod pivot;
pub mod rcp;
mod rulebook;
mod run_result;
mod score;

pub use compliance::{check_compliance, Compliance};
pub use error::MlperfError;
pub use message::Message;
pub use mllog::{LogLine, MlLog, OversizedLine, ParseFailure, MAX_LINE};
pub use rulebook::RuleBook;
pub use run_result::RunResult;
pub use score::{score_benchmark, BenchmarkScore, Minutes, RunUse};
