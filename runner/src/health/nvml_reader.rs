//! GPU health through NVML (`nvml-wrapper`, which loads `libnvidia-ml` at run time). Every
//! read that the GPU does not support is recorded as `None`; a missing library is a note.

use nvml_wrapper::bitmasks::device::ThrottleReasons;
use nvml_wrapper::enum_wrappers::device::{
    EccCounter, MemoryError, MemoryLocation, TemperatureSensor,
};
use nvml_wrapper::error::NvmlError;
use nvml_wrapper::{Device, Nvml};

use super::{GpuHealth, HealthRecord};

/// NVML allows at most this many NVLink links per GPU (`NVML_NVLINK_MAX_LINKS`, 18 on Hopper).
const MAX_NVLINKS: u32 = 18;

/// Reads every GPU NVML lists. Never fails: without NVML the record says why.
pub fn read() -> HealthRecord {
    let nvml = match Nvml::init() {
        Ok(nvml) => nvml,
        Err(e) => return absent(e),
    };
    let mut record = HealthRecord {
        gpus: Vec::new(),
        notes: Vec::new(),
        nvml: true,
    };
    let count = match nvml.device_count() {
        Ok(count) => count,
        Err(e) => {
            record.notes.push(format!("nvmlDeviceGetCount failed: {e}"));
            return record;
        }
    };
    for index in 0..count {
        match nvml.device_by_index(index) {
            Ok(device) => record.gpus.push(gpu(index, &device)),
            Err(e) => record.notes.push(format!(
                "GPU {index}: nvmlDeviceGetHandleByIndex failed: {e}"
            )),
        }
    }
    record
}

fn absent(e: NvmlError) -> HealthRecord {
    let why = match e {
        NvmlError::LibloadingError(_) | NvmlError::LibraryNotFound => {
            "no GPU health: the NVML library (libnvidia-ml) is not installed".to_string()
        }
        NvmlError::DriverNotLoaded => "no GPU health: the NVIDIA driver is not loaded".into(),
        other => format!("no GPU health: nvmlInit failed: {other}"),
    };
    HealthRecord {
        gpus: Vec::new(),
        notes: vec![why],
        nvml: false,
    }
}

fn gpu(index: u32, d: &Device) -> GpuHealth {
    let reasons = d.current_throttle_reasons().ok();
    let active = |r: ThrottleReasons| reasons.map(|set| set.intersects(r));
    let (pending, failed) = remapped_rows(d);
    GpuHealth {
        index,
        name: d.name().unwrap_or_default(),
        pci_bus_id: d.pci_info().ok().map(|p| p.bus_id),
        ecc_uncorrectable_sram: uncorrectable(d, MemoryLocation::SRAM),
        ecc_uncorrectable_dram: uncorrectable(d, MemoryLocation::Device),
        row_remap_pending: pending,
        row_remap_failed: failed,
        hw_slowdown: active(ThrottleReasons::HW_SLOWDOWN),
        thermal_slowdown: active(
            ThrottleReasons::HW_THERMAL_SLOWDOWN | ThrottleReasons::SW_THERMAL_SLOWDOWN,
        ),
        power_brake: active(ThrottleReasons::HW_POWER_BRAKE_SLOWDOWN),
        pcie_gen: d.current_pcie_link_gen().ok(),
        pcie_gen_max: d.max_pcie_link_gen().ok(),
        pcie_width: d.current_pcie_link_width().ok(),
        pcie_width_max: d.max_pcie_link_width().ok(),
        nvlink_active: nvlinks(d),
        temperature_c: d.temperature(TemperatureSensor::Gpu).ok(),
        power_limit_w: d.enforced_power_limit().ok().map(milliwatts),
        power_limit_default_w: d.power_management_limit_default().ok().map(milliwatts),
        bandwidth: None,
    }
}

fn milliwatts(mw: u32) -> f64 {
    f64::from(mw) / 1000.0
}

fn uncorrectable(d: &Device, location: MemoryLocation) -> Option<u64> {
    d.memory_error_counter(MemoryError::Uncorrected, EccCounter::Volatile, location)
        .ok()
}

/// Links that exist answer `nvmlDeviceGetNvLinkState`; the first link that does not
/// (`InvalidArg`/`NotSupported`) ends the list.
fn nvlinks(d: &Device) -> Vec<bool> {
    (0..MAX_NVLINKS)
        .map_while(|link| d.link_wrapper_for(link).is_active().ok())
        .collect()
}

/// `nvmlDeviceGetRemappedRows` (Ampere and later), which nvml-wrapper 0.13 does not wrap:
/// (pending, failure occurred).
fn remapped_rows(d: &Device) -> (Option<bool>, Option<bool>) {
    let Ok(sym) = d.nvml().lib().nvmlDeviceGetRemappedRows.as_ref() else {
        return (None, None);
    };
    let (mut corrected, mut uncorrected, mut pending, mut failed) = (0, 0, 0, 0);
    // SAFETY: the handle comes from this NVML instance, which outlives the call; the four
    // pointers are valid `c_uint`s for the duration of the call.
    let status = unsafe {
        sym(
            d.handle(),
            &mut corrected,
            &mut uncorrected,
            &mut pending,
            &mut failed,
        )
    };
    if status != 0 {
        return (None, None);
    }
    (Some(pending != 0), Some(failed != 0))
}
