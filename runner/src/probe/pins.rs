use serde::{Deserialize, Serialize};

/// What a plan pins about the machine; `None` means "not pinned". The integrator fills this
/// from the compiler's `Plan` (hardware and software groups).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pins {
    /// e.g. `NVIDIA H100-SXM5-80GB` (MLPerf naming).
    pub gpu: Option<String>,
    pub gpus_per_node: Option<u32>,
    pub gpu_memory_bytes: Option<u64>,
    /// User-mode driver version, e.g. `560.35.03`.
    pub driver: Option<String>,
    /// CUDA toolkit version, e.g. `12.6.1`; the driver must support its major version.
    pub cuda: Option<String>,
    pub nccl: Option<String>,
    /// The GPU health checks to run after identity (`None`: a CPU-only plan, no checks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health: Option<repro_compiler::HealthPolicy>,
}
