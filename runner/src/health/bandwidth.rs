use serde::{Deserialize, Serialize};

/// Copy bandwidth of one GPU in GB/s (1e9 bytes per second), timed with CUDA events.
/// Device-to-device counts the bytes read plus the bytes written (`2 x size / time`), the
/// convention of the envelope files and of PyTorch-based memory bandwidth tests.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bandwidth {
    pub d2d_gbps: f64,
    /// Pinned host memory to the device.
    pub h2d_gbps: f64,
    /// The device to pinned host memory.
    pub d2h_gbps: f64,
    /// The buffer size each copy moved, in bytes.
    pub buffer_bytes: u64,
}
