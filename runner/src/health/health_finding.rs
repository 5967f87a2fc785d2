use serde::{Deserialize, Serialize};

use super::HealthCheck;
use crate::probe::Drift;

/// One refused health check: on which node and GPU, what the envelope or threshold asks and
/// what was measured.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HealthFinding {
    pub node: String,
    /// NVML index; `None` for a node-wide finding (NVML missing).
    pub gpu: Option<u32>,
    pub check: HealthCheck,
    pub envelope: String,
    pub measured: String,
}

impl HealthFinding {
    /// The finding as a row of the drift table (`field`, `pinned`, `found`): the field names
    /// the GPU and the check; the Slurm session adds the node as it does for identity drift.
    pub fn to_drift(&self) -> Drift {
        let field = match self.gpu {
            Some(gpu) => format!("health gpu {gpu} `{}`", self.check),
            None => format!("health `{}`", self.check),
        };
        Drift {
            field,
            pinned: self.envelope.clone(),
            found: self.measured.clone(),
        }
    }
}
