use serde::{Deserialize, Serialize};

use super::Bandwidth;

/// One GPU's health as NVML (and the bandwidth probe) reported it. `None` means the GPU or
/// driver does not report the field (NVML `NotSupported`); a check skips what is not reported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GpuHealth {
    /// NVML index (`nvidia-smi`'s order).
    pub index: u32,
    pub name: String,
    /// `00000000:00:06.0`; ties NVML's GPU to CUDA's ordinal for the bandwidth figures.
    pub pci_bus_id: Option<String>,
    /// Volatile (since the driver loaded) uncorrectable ECC errors in SRAM.
    pub ecc_uncorrectable_sram: Option<u64>,
    /// Volatile uncorrectable ECC errors in device memory (HBM).
    pub ecc_uncorrectable_dram: Option<u64>,
    /// A row remapping waits for a GPU reset.
    pub row_remap_pending: Option<bool>,
    /// A row remapping failed: the memory can no longer be repaired.
    pub row_remap_failed: Option<bool>,
    /// Active clock-event (throttle) reasons.
    pub hw_slowdown: Option<bool>,
    /// HW or SW thermal slowdown.
    pub thermal_slowdown: Option<bool>,
    pub power_brake: Option<bool>,
    pub pcie_gen: Option<u32>,
    pub pcie_gen_max: Option<u32>,
    pub pcie_width: Option<u32>,
    pub pcie_width_max: Option<u32>,
    /// One entry per NVLink link the GPU has: `true` when active. Empty: no NVLink.
    pub nvlink_active: Vec<bool>,
    pub temperature_c: Option<u32>,
    /// The power limit in force, in watts.
    pub power_limit_w: Option<f64>,
    /// The board's default power limit, in watts.
    pub power_limit_default_w: Option<f64>,
    /// Copy bandwidth; `None` when not measured (see the record's note).
    pub bandwidth: Option<Bandwidth>,
}
