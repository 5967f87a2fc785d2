use serde::{Deserialize, Serialize};

/// What a healthy GPU of one SKU reaches, read from an envelope file (`envelopes/*.toml`).
/// Figures the file does not give are not checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Envelope {
    /// The SKU, e.g. `NVIDIA H200 SXM 141GB`.
    pub sku: String,
    /// GPU names exactly as NVML and CUDA report them (compared without case): an H100 SXM
    /// (`NVIDIA H100 80GB HBM3`) and an H100 PCIe (`NVIDIA H100 PCIe`) have different
    /// envelopes, so the model alone is not enough.
    pub names: Vec<String>,
    /// Device-to-device copy, bytes read plus written, GB/s.
    pub d2d_gbps: Option<f64>,
    /// Pinned host-to-device copy, GB/s.
    pub h2d_gbps: Option<f64>,
    /// Pinned device-to-host copy, GB/s.
    pub d2h_gbps: Option<f64>,
    /// Dense bf16 matrix products (8192^3), TFLOP/s. Recorded for reference; the preflight
    /// does not measure it (that needs cuBLAS).
    pub bf16_tflops: Option<f64>,
    /// Where each figure comes from.
    pub sources: Vec<String>,
}

impl Envelope {
    /// Whether this envelope is for a GPU named `name`.
    pub fn covers(&self, name: &str) -> bool {
        self.names
            .iter()
            .any(|n| n.eq_ignore_ascii_case(name.trim()))
    }
}
