//! `ImportedSpec`: the spec text `repro import` writes, with what it was read from.

use std::path::PathBuf;

/// One imported result, as a spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedSpec {
    /// The run's name (`run "NAME"`), also the default file name `specs/NAME.run`.
    pub name: String,
    /// The round, e.g. `mlperf-training-4.1`.
    pub round: String,
    /// The spec, formatted as `repro fmt` would.
    pub text: String,
    /// The benchmark folder it was imported from.
    pub folder: PathBuf,
}
