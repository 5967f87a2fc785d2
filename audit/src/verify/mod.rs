//! `repro verify` and `repro compare`: audit published MLPerf results, read-only.
//!
//! Design. [`discover`] turns the PATHs into benchmark folders (a result file, a benchmark
//! folder, a submitter folder or a whole round); [`verify`] checks every result file in
//! parallel (rayon), then scores and package-checks each folder and system into a
//! [`VerifyReport`]: plain data that the renderers of the `repro-report` crate turn into text.
//! Nothing is ever written into the tree being verified.

mod claim;
mod compare;
mod discover;
mod hparams_vs_spec;
mod mismatch;
mod pinned_spec;
mod report;
mod run;
pub(crate) mod system_vs_pins;

pub use claim::{Claim, ClaimError};
pub use compare::{compare, ClaimVerdict, CompareError, CompareReport, Part, Side};
pub use discover::{discover, BenchmarkDir};
pub use hparams_vs_spec::check_hparams;
pub use pinned_spec::PinnedSpec;
pub use report::{BenchmarkReport, RunReport, SystemReport, Verdict, VerifyReport};
pub use run::{verify, VerifyError, VerifyOptions};
pub use system_vs_pins::check_system;
