//! Reporters: the only consumers of [`Event`]s, and the renderers of final results.
//!
//! A reporter turns the event stream into what a person or a program sees: [`Progress`] (an
//! indicatif bar on a terminal: runs done, the current run's elapsed time, its last log
//! line), [`Plain`] (one line per event, rank output prefixed by run and rank, for logs and
//! CI) and [`Silent`] (for `--format json`, where only the final report is printed). The final
//! report is a [`ResultReport`], which the `repro-report` crate renders; nothing here runs
//! anything.
//!
//! [`Event`]: crate::events::Event

mod plain;
mod progress;
mod reporter;
mod result_report;
pub mod summary;

pub use plain::{line, Plain};
pub use progress::Progress;
pub use reporter::{Reporter, Silent};
pub use result_report::ResultReport;
