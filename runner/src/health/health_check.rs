use serde::{Deserialize, Serialize};

/// One health check, as named in the drift table and in the result record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HealthCheck {
    /// NVML could not be loaded, so nothing could be checked.
    Nvml,
    EccSram,
    EccDram,
    RowRemapPending,
    RowRemapFailed,
    HwSlowdown,
    ThermalSlowdown,
    PowerBrake,
    PcieGen,
    PcieWidth,
    Nvlink,
    Temperature,
    PowerLimit,
    D2d,
    H2d,
    D2h,
}

impl HealthCheck {
    pub fn name(self) -> &'static str {
        match self {
            HealthCheck::Nvml => "nvml",
            HealthCheck::EccSram => "ecc_sram",
            HealthCheck::EccDram => "ecc_dram",
            HealthCheck::RowRemapPending => "row_remap_pending",
            HealthCheck::RowRemapFailed => "row_remap_failed",
            HealthCheck::HwSlowdown => "hw_slowdown",
            HealthCheck::ThermalSlowdown => "thermal_slowdown",
            HealthCheck::PowerBrake => "power_brake",
            HealthCheck::PcieGen => "pcie_gen",
            HealthCheck::PcieWidth => "pcie_width",
            HealthCheck::Nvlink => "nvlink",
            HealthCheck::Temperature => "temperature",
            HealthCheck::PowerLimit => "power_limit",
            HealthCheck::D2d => "d2d_bandwidth",
            HealthCheck::H2d => "h2d_bandwidth",
            HealthCheck::D2h => "d2h_bandwidth",
        }
    }
}

impl std::fmt::Display for HealthCheck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
