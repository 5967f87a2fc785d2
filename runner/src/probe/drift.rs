use serde::{Deserialize, Serialize};

use repro_compiler::Pins;

use super::{EnvRecord, GpuStack};

/// One pinned field whose value on this machine differs from the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Drift {
    pub field: String,
    pub pinned: String,
    pub found: String,
}

/// Memory sizes are quoted in marketing GB, `nvidia-smi` MiB or CUDA bytes, which differ by a
/// few percent for the same part (H100 80GB: 81559 MiB by nvidia-smi, 85.0e9 bytes by CUDA);
/// and "141GB" is read as 141e9 bytes by some and as GiB by others (H200: 143771 MiB); a
/// different SKU of the same model differs by more (H100 80 GB vs 94 GB: 17%).
const MEMORY_TOLERANCE: f64 = 0.10;

/// Compares the pins with what the probe found; empty means no drift.
///
/// Pure and total: every pinned field yields at most one [`Drift`], in a fixed order.
pub fn compare(pins: &Pins, found: &EnvRecord) -> Vec<Drift> {
    let gpu = &found.gpu;
    let first = gpu.devices.first();
    let mut drift: Vec<Drift> = pins
        .gpu
        .iter()
        .filter(|pinned| {
            !gpu.devices.iter().all(|d| same_gpu_model(pinned, &d.name)) || gpu.devices.is_empty()
        })
        .map(|pinned| Drift {
            field: "gpu".to_string(),
            pinned: pinned.clone(),
            found: device_summary(gpu),
        })
        .collect();
    let mut check = |field: &str,
                     pinned: &Option<String>,
                     found: Option<String>,
                     same: &dyn Fn(&str, &str) -> bool| {
        if let Some(pinned) = pinned {
            let found = found.unwrap_or_else(|| "not found".to_string());
            if !same(pinned, &found) {
                drift.push(Drift {
                    field: field.to_string(),
                    pinned: pinned.clone(),
                    found,
                });
            }
        }
    };
    let count = pins.pinned_gpus_per_node().map(|n| n.to_string());
    check(
        "gpus_per_node",
        &count,
        Some(gpu.devices.len().to_string()),
        &|a, b| a == b,
    );
    let memory = pins.gpu_memory_bytes.map(format_bytes);
    let found_memory = first.map(|g| format_bytes(g.memory_bytes));
    check("gpu_memory", &memory, found_memory, &same_memory);
    check(
        "driver",
        &pins.driver,
        gpu.driver_version
            .clone()
            .or(gpu.kernel_driver_version.clone()),
        &|a, b| a == b,
    );
    check(
        "cuda",
        &pins.cuda,
        gpu.cuda_version.clone(),
        &driver_supports,
    );
    // `hardware.cpu` is the MLPerf `host_processor_model_name`, which submitters copy from
    // the same `model name` line of /proc/cpuinfo the probe reads.
    check("cpu", &pins.cpu, found.cpu.model.clone(), &|a, b| {
        a.trim() == b.trim()
    });
    // `software.nccl` is not compared with the host's libnccl here: a container or a PyTorch
    // wheel brings its own (a real H200 host had 2.28.3, the job loaded 2.28.9). The runner
    // holds the pin against what rank 0 reports it loaded (`session::nccl_loaded`).
    drift
}

/// What the machine has, for the drift table: one name, or every distinct name with its count
/// when a node mixes models (a replaced board), or why there is no GPU.
fn device_summary(gpu: &GpuStack) -> String {
    let mut names: Vec<(&str, usize)> = Vec::new();
    for device in &gpu.devices {
        match names.iter_mut().find(|(n, _)| *n == device.name) {
            Some((_, count)) => *count += 1,
            None => names.push((&device.name, 1)),
        }
    }
    match names.as_slice() {
        [] => gpu.note.clone().unwrap_or_else(|| "no GPU".to_string()),
        [(name, _)] => name.to_string(),
        many => many
            .iter()
            .map(|(n, c)| format!("{c} x {n}"))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// The model token of a GPU name: `NVIDIA H100-SXM5-80GB` and `NVIDIA H100 80GB HBM3` are
/// both `H100`. MLPerf names and CUDA device names spell the rest differently.
fn model_token(name: &str) -> Option<String> {
    name.split([' ', '-', '_'])
        .filter(|t| !t.eq_ignore_ascii_case("nvidia") && !t.eq_ignore_ascii_case("tesla"))
        .find(|t| {
            t.chars().any(|c| c.is_ascii_digit()) && t.chars().any(|c| c.is_ascii_alphabetic())
        })
        .map(str::to_ascii_uppercase)
}

fn same_gpu_model(pinned: &str, found: &str) -> bool {
    match (model_token(pinned), model_token(found)) {
        (Some(a), Some(b)) => a == b,
        _ => pinned.eq_ignore_ascii_case(found),
    }
}

/// The pinned CUDA is the toolkit in the container, which the host cannot see; what the host
/// decides is whether its driver can run it. Since CUDA 11, a driver runs every toolkit of
/// its own major version (minor-version compatibility), so R550 (reports 12.4) runs the
/// 12.6.1 toolkit the Azure H200 result used, and a 11.x driver does not.
fn driver_supports(pinned: &str, found: &str) -> bool {
    let major = |v: &str| v.split('.').next().and_then(|m| m.parse::<u32>().ok());
    matches!((major(pinned), major(found)), (Some(p), Some(f)) if f >= p)
}

fn same_memory(pinned: &str, found: &str) -> bool {
    match (parse_gib(pinned), parse_gib(found)) {
        (Some(a), Some(b)) => ((a - b) / a).abs() <= MEMORY_TOLERANCE,
        _ => false,
    }
}

/// Renders bytes as GiB with one decimal, the unit the drift table uses.
fn format_bytes(bytes: u64) -> String {
    format!("{:.1} GiB", bytes as f64 / (1u64 << 30) as f64)
}

fn parse_gib(text: &str) -> Option<f64> {
    text.strip_suffix(" GiB")?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gpu_models_compare_by_token() {
        assert!(same_gpu_model(
            "NVIDIA H100-SXM5-80GB",
            "NVIDIA H100 80GB HBM3"
        ));
        assert!(same_gpu_model("NVIDIA H200-SXM5-141GB", "NVIDIA H200"));
        assert!(!same_gpu_model("NVIDIA H100-SXM5-80GB", "NVIDIA H200"));
        assert!(!same_gpu_model("NVIDIA H100-SXM5-80GB", "no GPU"));
    }

    #[test]
    fn versions_and_memory() {
        assert!(driver_supports("12.6.1", "12.4"));
        assert!(!driver_supports("12.6.1", "11.8"));
        assert!(!driver_supports("12.6.1", "not found"));
        assert!(same_memory(
            &format_bytes(81559 << 20),
            &format_bytes(85_029_158_912)
        ));
        assert!(!same_memory(
            &format_bytes(80 << 30),
            &format_bytes(143771 << 20)
        ));
    }
}
