use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::RunRecord;
use crate::probe::{Drift, EnvRecord};

/// Version of the record format. Bump it when a field changes meaning or is removed; adding
/// an optional field does not need a bump. Readers refuse formats they do not know.
pub const FORMAT: u32 = 1;

/// Everything `repro run` learned about one execution of a plan.
///
/// The bytes of a record are deterministic for its content (struct fields in declaration
/// order, maps sorted), so [`ResultRecord::id`] is a content address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResultRecord {
    pub format: u32,
    pub repro_version: String,
    pub plan: String,
    pub plan_hash: String,
    pub lock_hash: String,
    /// The plan's hardware group (pinned values by name); results compare only within one.
    pub hardware: BTreeMap<String, String>,
    /// The plan's software group (versions, container, source commits).
    pub software: BTreeMap<String, String>,
    /// Sources whose pinned commit was not fetched from the remote before the run (it ran
    /// `--offline`): nothing proved that the remote has that commit.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unverified_sources: Vec<String>,
    /// Relative tolerance for diffs, from the spec (`tolerance = 5%` is 0.05).
    pub tolerance: f64,
    /// Runs the score's olympic mean could lose to failures (`RunPlan::dropped_allowed`);
    /// `None` in records written before it was stored, which `repro compare` refuses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dropped_allowed: Option<usize>,
    pub environment: EnvRecord,
    /// Differences between the pins and the environment; non-empty only with `--allow-drift`.
    pub drift: Vec<Drift>,
    /// False when the run went ahead despite drift.
    pub reproducible: bool,
    /// The GPU health preflight of every node (per run for Slurm), with its figures.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub health: Vec<crate::health::NodeHealth>,
    pub executor: String,
    pub created_unix_ms: u64,
    pub runs: Vec<RunRecord>,
    /// Olympic mean of the converged runs' TTT in seconds; `None` with too many failures.
    pub score_s: Option<f64>,
    pub verdict: RunVerdict,
}

/// What the runs add up to, before any comparison with a baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunVerdict {
    /// Enough runs converged for a score.
    Pass,
    /// Too many runs failed or did not converge.
    Failed,
    /// The user stopped the session.
    Cancelled,
}

impl RunVerdict {
    pub fn label(&self) -> &'static str {
        match self {
            RunVerdict::Pass => "pass",
            RunVerdict::Failed => "failed",
            RunVerdict::Cancelled => "cancelled",
        }
    }
}

impl ResultRecord {
    /// The accelerators the result used: the plan's `nodes` × `gpus_per_node` when the lock
    /// pins both and they are not zero (a multi-node run's environment record describes one
    /// node only), else the GPUs the probe saw; `None` when neither names a GPU.
    pub fn accelerators(&self) -> Option<u32> {
        let pin = |key: &str| {
            self.hardware
                .get(key)?
                .trim_matches('"')
                .parse::<u32>()
                .ok()
        };
        let pinned = pin("nodes")
            .zip(pin("gpus_per_node"))
            .map(|(n, g)| n.saturating_mul(g));
        pinned
            .filter(|&n| n > 0)
            .or_else(|| u32::try_from(self.environment.gpu.devices.len()).ok())
            .filter(|&n| n > 0)
    }

    /// Every run failed because its workload could not be started (see
    /// [`crate::exec::RunStatus::workload_not_found`]): nothing was measured.
    pub fn workload_not_found(&self) -> bool {
        !self.runs.is_empty() && self.runs.iter().all(|r| r.status.workload_not_found())
    }

    /// Some run's own log reported a pinned hparam with another value than the lock's.
    pub fn hparams_drifted(&self) -> bool {
        self.runs.iter().any(RunRecord::hparams_drifted)
    }

    /// The canonical bytes: pretty JSON and a trailing newline.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).expect("a record always serializes");
        bytes.push(b'\n');
        bytes
    }

    /// sha256 of [`ResultRecord::to_bytes`], hex.
    pub fn id(&self) -> String {
        hex::encode(Sha256::digest(self.to_bytes()))
    }
}
