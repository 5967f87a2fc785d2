//! The result store: one JSON [`ResultRecord`] per `repro run`, content-addressed and written
//! atomically.
//!
//! Layout: `<store>/<plan>/<id>.json`, where `id` is the sha256 of the record's bytes, so a
//! record's name proves its content and two identical records are one file. Writes go
//! through [`write_atomic`] (temp file in the same directory, fsync, rename, fsync the
//! directory): a process killed at any instant leaves either no record or a complete one;
//! temp files left behind start with `.` and are never read as records.

mod atomic;
mod compare_side;
mod error;
mod log_digest;
mod result_record;
mod result_store;
mod run_record;

pub use atomic::write_atomic;
pub use compare_side::{compare_side, read_side};
pub use error::StoreError;
pub use log_digest::LogDigest;
pub use result_record::{ResultRecord, RunVerdict, FORMAT};
pub use result_store::{check_plan_name, load, ResultStore, Stored};
pub use run_record::{RunMetrics, RunRecord};
