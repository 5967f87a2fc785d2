use std::path::{Path, PathBuf};

use crate::store::RunMetrics;

/// Reads one run's MLPerf log and says what it achieved. The MLPerf implementation lives in
/// `repro_audit::mlperf` (parser, compliance with the plan's rule set); tests can plug in others.
pub trait Scorer {
    fn score(&self, log: &Path) -> Result<RunMetrics, ScoreError>;
}

/// A log that could not be scored at all (unreadable); a non-compliant log is not an error,
/// it is a [`RunMetrics`] with `converged: false` and messages.
#[derive(Debug, thiserror::Error)]
#[error("cannot score `{path}`: {message}")]
pub struct ScoreError {
    pub path: PathBuf,
    pub message: String,
}
