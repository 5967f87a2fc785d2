//! Exit codes, in one place. CI gates depend on them; the README documents them.
//! Every verdict-to-code mapping is here; commands call these and never match on verdicts.

use repro_runner::diff::DiffVerdict;
use repro_runner::session::SessionError;
use repro_runner::store::{ResultRecord, RunVerdict, StoreError};

/// What a `repro` invocation ended with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Everything passed.
    Pass = 0,
    /// A verdict failed or a result regressed.
    Failed = 1,
    /// The input could not be read or is invalid.
    Invalid = 2,
    /// The machine drifted from the pins in the lock, or the job ran other hparams.
    Drift = 3,
    /// The run could not be executed or measured.
    Execution = 4,
    /// Too few runs to tell.
    Inconclusive = 5,
}

impl Exit {
    /// A stored result and, when one was asked for, its comparison with a baseline.
    ///
    /// Order: a job that logged other hparams than the lock's is drift whatever it scored;
    /// a workload that never started is an execution error (nothing was measured, so not
    /// "failed"); a failed or cancelled result with machine drift is drift; then the verdict,
    /// then the comparison.
    pub fn for_result(record: &ResultRecord, diff: Option<DiffVerdict>) -> Exit {
        if record.hparams_drifted() {
            return Exit::Drift;
        }
        if record.workload_not_found() {
            return Exit::Execution;
        }
        match (record.verdict, diff) {
            (RunVerdict::Pass, None) => Exit::Pass,
            (RunVerdict::Pass, Some(d)) => Exit::for_diff(d),
            _ if !record.drift.is_empty() => Exit::Drift,
            (RunVerdict::Failed, _) => Exit::Failed,
            (RunVerdict::Cancelled, _) => Exit::Execution,
        }
    }

    /// A comparison on its own (`repro diff`).
    pub fn for_diff(verdict: DiffVerdict) -> Exit {
        match verdict {
            DiffVerdict::Pass | DiffVerdict::Improved => Exit::Pass,
            DiffVerdict::Regressed => Exit::Failed,
            DiffVerdict::Inconclusive => Exit::Inconclusive,
        }
    }

    /// A local session that produced no result.
    pub fn for_session_error(error: &SessionError) -> Exit {
        match error {
            SessionError::Drift(_) => Exit::Drift,
            SessionError::Probe(_)
            | SessionError::Health(_)
            | SessionError::Launch(_)
            | SessionError::NoRuns(_)
            | SessionError::Store(StoreError::PlanName { .. }) => Exit::Invalid,
            SessionError::Exec(_)
            | SessionError::Score(_)
            | SessionError::Store(_)
            | SessionError::RunDir { .. } => Exit::Execution,
        }
    }
}

/// Restores the default SIGPIPE action so that `repro ... | head` ends quietly instead of
/// panicking on a closed pipe (Rust ignores SIGPIPE by default).
pub fn reset_sigpipe() {
    // SAFETY: setting a signal disposition to its default at start-up, before any thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
