use serde::{Deserialize, Serialize};

use super::LogDigest;
use crate::exec::RunStatus;

/// What scoring found in one run's MLPerf log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunMetrics {
    /// Time to train, `run_stop - run_start`, in seconds.
    pub ttt_s: Option<f64>,
    /// The log passed the rule set and reached the accuracy target.
    pub converged: bool,
    /// Training samples processed until convergence (epochs x `train_samples`, or
    /// `samples_count`); what MLPerf's RCP check compares.
    pub samples_to_converge: Option<f64>,
    /// Training samples per second over the timed region.
    pub throughput: Option<f64>,
    /// Compliance messages (empty when the log is compliant).
    pub messages: Vec<String>,
    /// Pinned hparams the job's own log reported with another value (the run did not run
    /// what the lock says).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hparams_drift: Vec<crate::session::HparamDrift>,
    /// The NCCL rank 0 loaded, as NCCL printed it (`None`: the log does not say).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nccl_loaded: Option<crate::session::NcclLoaded>,
    /// The loaded NCCL differs from `software.nccl` (the pinned version, the loaded one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nccl_drift: Option<crate::probe::Drift>,
}

/// One run of a plan as stored in a result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunRecord {
    pub index: u32,
    pub run_id: String,
    pub seed: u64,
    pub status: RunStatus,
    pub elapsed_s: f64,
    /// `None` when the run did not produce a scorable log (failed, timed out, cancelled).
    pub metrics: Option<RunMetrics>,
    pub logs: Vec<LogDigest>,
}

impl RunRecord {
    /// The job itself ran other than the lock says: its log reported a pinned hparam with
    /// another value, or it loaded another NCCL than the pinned one.
    pub fn hparams_drifted(&self) -> bool {
        self.metrics
            .as_ref()
            .is_some_and(|m| !m.hparams_drift.is_empty() || m.nccl_drift.is_some())
    }
}
