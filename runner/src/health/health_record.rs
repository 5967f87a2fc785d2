use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{GpuHealth, HealthError};

/// What the health probe found on one node: every GPU NVML lists, or why there is none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HealthRecord {
    pub gpus: Vec<GpuHealth>,
    /// Why the record is incomplete: NVML not installed, bandwidth not measured, ...
    pub notes: Vec<String>,
    /// False when `libnvidia-ml` could not be loaded or initialised.
    pub nvml: bool,
}

impl HealthRecord {
    /// A record written by `repro probe --health --format json` (its `record` field) or by
    /// hand for a test.
    pub fn read(path: &Path) -> Result<HealthRecord, HealthError> {
        let text = std::fs::read_to_string(path).map_err(|source| HealthError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        serde_json::from_str(&text).map_err(|e| HealthError::Parse {
            path: path.to_path_buf(),
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })
    }
}
