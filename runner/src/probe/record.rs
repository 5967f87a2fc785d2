use std::path::Path;

use serde::{Deserialize, Serialize};

use super::ProbeError;

/// What the preflight probe found on one machine. Stored in every result record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvRecord {
    pub gpu: GpuStack,
    pub cpu: Cpu,
    pub memory_bytes: Option<u64>,
    pub os: Os,
    /// InfiniBand device names (`mlx5_0`, ...), sorted.
    pub infiniband: Vec<String>,
    /// Container runtimes found on `PATH`, sorted.
    pub container_runtimes: Vec<String>,
}

/// The GPU software and hardware stack. `devices` is empty when there is no GPU; `note` says
/// why (no driver library, no device, an error code).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GpuStack {
    pub devices: Vec<Gpu>,
    /// User-mode driver (`libcuda.so.X`) version; with a forward-compatibility package it
    /// differs from the kernel module's (NVIDIA Eos: 560.35.03 over 535.129.03).
    pub driver_version: Option<String>,
    /// Kernel module version from `/proc/driver/nvidia/version`.
    pub kernel_driver_version: Option<String>,
    /// Highest CUDA version the driver supports (`cuDriverGetVersion`), `major.minor`.
    pub cuda_version: Option<String>,
    pub nccl_version: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gpu {
    pub name: String,
    pub memory_bytes: u64,
    /// `major.minor`, e.g. `9.0` for Hopper.
    pub compute_capability: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cpu {
    pub model: Option<String>,
    /// Logical CPUs available to this process.
    pub cores: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Os {
    /// `PRETTY_NAME` from `/etc/os-release`.
    pub name: Option<String>,
    /// `uname -r`.
    pub kernel: Option<String>,
}

impl EnvRecord {
    /// Reads a record written by `repro probe --format json`.
    pub fn read(path: &Path) -> Result<EnvRecord, ProbeError> {
        let text = std::fs::read_to_string(path).map_err(|source| ProbeError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        serde_json::from_str(&text).map_err(|e| ProbeError::Parse {
            path: path.to_path_buf(),
            line: e.line(),
            column: e.column(),
            message: json_message(&e),
        })
    }
}

/// serde_json's message without its own " at line L column C" suffix (we print those).
fn json_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    text.strip_suffix(&suffix).unwrap_or(&text).to_string()
}
