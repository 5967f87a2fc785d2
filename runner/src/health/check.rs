//! The health checks: pure functions of (policy, record, envelope), one per field group.

use repro_compiler::HealthPolicy;

use super::{Envelope, GpuHealth, HealthCheck, HealthFinding, HealthRecord};

/// Every refused check of one node, in GPU order, then check order. Empty: healthy.
///
/// A field the GPU does not report (`None`) is not checked. A record without NVML is one
/// node-wide `nvml` finding: the policy asks for checks that could not run.
pub fn check(
    policy: &HealthPolicy,
    record: &HealthRecord,
    envelope: Option<&Envelope>,
    node: &str,
) -> Vec<HealthFinding> {
    if !record.nvml {
        let why = record.notes.first().cloned().unwrap_or_default();
        return vec![finding(
            node,
            None,
            HealthCheck::Nvml,
            "libnvidia-ml loaded",
            why,
        )];
    }
    let mut out = Vec::new();
    for gpu in &record.gpus {
        let mut push = |check, envelope: String, measured: String| {
            out.push(finding(node, Some(gpu.index), check, &envelope, measured));
        };
        if policy.ecc {
            ecc(gpu, &mut push);
        }
        if policy.row_remap {
            row_remap(gpu, &mut push);
        }
        if policy.clock_events {
            clock_events(gpu, &mut push);
        }
        if policy.pcie {
            pcie(gpu, &mut push);
        }
        if policy.nvlink {
            nvlink(gpu, &mut push);
        }
        if policy.temperature {
            temperature(gpu, policy.max_temperature_c, &mut push);
        }
        if policy.power_limit {
            power_limit(gpu, &mut push);
        }
        if policy.bandwidth {
            if let Some(envelope) = envelope {
                bandwidth(gpu, envelope, policy.fraction, &mut push);
            }
        }
    }
    out
}

type Push<'a> = dyn FnMut(HealthCheck, String, String) + 'a;

fn finding(
    node: &str,
    gpu: Option<u32>,
    check: HealthCheck,
    envelope: &str,
    measured: String,
) -> HealthFinding {
    HealthFinding {
        node: node.to_string(),
        gpu,
        check,
        envelope: envelope.to_string(),
        measured,
    }
}

fn ecc(gpu: &GpuHealth, push: &mut Push) {
    for (check, count) in [
        (HealthCheck::EccSram, gpu.ecc_uncorrectable_sram),
        (HealthCheck::EccDram, gpu.ecc_uncorrectable_dram),
    ] {
        if let Some(n) = count.filter(|n| *n > 0) {
            push(
                check,
                "0 uncorrectable".into(),
                format!("{n} uncorrectable"),
            );
        }
    }
}

fn row_remap(gpu: &GpuHealth, push: &mut Push) {
    if gpu.row_remap_pending == Some(true) {
        push(
            HealthCheck::RowRemapPending,
            "none pending".into(),
            "pending (reset the GPU)".into(),
        );
    }
    if gpu.row_remap_failed == Some(true) {
        push(
            HealthCheck::RowRemapFailed,
            "no failure".into(),
            "remapping failed".into(),
        );
    }
}

fn clock_events(gpu: &GpuHealth, push: &mut Push) {
    for (check, active) in [
        (HealthCheck::HwSlowdown, gpu.hw_slowdown),
        (HealthCheck::ThermalSlowdown, gpu.thermal_slowdown),
        (HealthCheck::PowerBrake, gpu.power_brake),
    ] {
        if active == Some(true) {
            push(check, "not active".into(), "active".into());
        }
    }
}

fn pcie(gpu: &GpuHealth, push: &mut Push) {
    if let (Some(now), Some(max)) = (gpu.pcie_gen, gpu.pcie_gen_max) {
        if now < max {
            push(
                HealthCheck::PcieGen,
                format!("gen {max}"),
                format!("gen {now}"),
            );
        }
    }
    if let (Some(now), Some(max)) = (gpu.pcie_width, gpu.pcie_width_max) {
        if now < max {
            push(HealthCheck::PcieWidth, format!("x{max}"), format!("x{now}"));
        }
    }
}

fn nvlink(gpu: &GpuHealth, push: &mut Push) {
    let down: Vec<String> = (0..)
        .zip(&gpu.nvlink_active)
        .filter(|(_, active)| !**active)
        .map(|(link, _): (u32, _)| link.to_string())
        .collect();
    if !down.is_empty() {
        let total = gpu.nvlink_active.len();
        push(
            HealthCheck::Nvlink,
            format!("{total} of {total} links active"),
            format!("link {} down", down.join(", ")),
        );
    }
}

fn temperature(gpu: &GpuHealth, max_c: u32, push: &mut Push) {
    if let Some(t) = gpu.temperature_c.filter(|t| *t > max_c) {
        push(
            HealthCheck::Temperature,
            format!("at most {max_c} C"),
            format!("{t} C"),
        );
    }
}

fn power_limit(gpu: &GpuHealth, push: &mut Push) {
    if let (Some(now), Some(default)) = (gpu.power_limit_w, gpu.power_limit_default_w) {
        if now < default {
            push(
                HealthCheck::PowerLimit,
                format!("{default:.0} W (board default)"),
                format!("{now:.0} W"),
            );
        }
    }
}

fn bandwidth(gpu: &GpuHealth, envelope: &Envelope, fraction: f64, push: &mut Push) {
    let Some(measured) = gpu.bandwidth else {
        if let Some(want) = envelope.d2d_gbps {
            push(
                HealthCheck::D2d,
                format!("{:.0}% of {} GB/s", fraction * 100.0, gbps(want)),
                "not measured (see the record's notes)".into(),
            );
        }
        return;
    };
    for (check, want, got) in [
        (HealthCheck::D2d, envelope.d2d_gbps, measured.d2d_gbps),
        (HealthCheck::H2d, envelope.h2d_gbps, measured.h2d_gbps),
        (HealthCheck::D2h, envelope.d2h_gbps, measured.d2h_gbps),
    ] {
        let Some(want) = want else { continue };
        if got < fraction * want {
            push(
                check,
                format!(
                    "{:.0}% of {} = {} GB/s",
                    fraction * 100.0,
                    gbps(want),
                    gbps(fraction * want)
                ),
                format!("{} GB/s ({:.0}%)", gbps(got), 100.0 * got / want),
            );
        }
    }
}

/// GB/s with one decimal below 100 and none above (`55.3`, `4264`).
fn gbps(v: f64) -> String {
    if v < 100.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.0}")
    }
}
