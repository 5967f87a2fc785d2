use std::path::PathBuf;

use super::RunStatus;

/// Seconds of wall-clock time.
pub type Seconds = f64;

/// What an executor observed about one run.
#[derive(Debug, Clone, PartialEq)]
pub struct RunOutcome {
    pub status: RunStatus,
    pub elapsed: Seconds,
    /// One log per rank, index = rank; rank 0's is the scored MLPerf log.
    pub logs: Vec<PathBuf>,
}
