//! The human form of a node's health preflight (`repro probe --health`).

use super::{GpuHealth, NodeHealth};

/// One block per node: a header, one line per GPU with its figures, then every refusal and
/// every note.
pub fn render(node: &NodeHealth) -> String {
    let mut lines = vec![format!(
        "health    node {}, {} GPU(s), envelope {}, {:.2} s",
        node.node,
        node.record.gpus.len(),
        node.envelope.as_deref().unwrap_or("none"),
        node.elapsed_ms as f64 / 1000.0
    )];
    if !node.checked() {
        for note in &node.record.notes {
            lines.push(format!("unchecked {note}"));
        }
        return lines.join("\n") + "\n";
    }
    for gpu in &node.record.gpus {
        lines.push(format!("gpu {:<5} {}", gpu.index, figures(gpu)));
    }
    for f in &node.findings {
        let gpu = f.gpu.map(|g| format!("gpu {g} ")).unwrap_or_default();
        lines.push(format!(
            "refused   {gpu}`{}`: envelope `{}`, measured `{}`",
            f.check, f.envelope, f.measured
        ));
    }
    for note in &node.record.notes {
        lines.push(format!("note      {note}"));
    }
    if node.findings.is_empty() {
        lines.push("verdict   healthy".to_string());
    }
    lines.join("\n") + "\n"
}

fn figures(g: &GpuHealth) -> String {
    let n = |v: Option<u64>| v.map_or("-".to_string(), |v| v.to_string());
    let flag = |v: Option<bool>, on: &str| match v {
        Some(true) => on.to_string(),
        Some(false) => "no".to_string(),
        None => "-".to_string(),
    };
    let u = |v: Option<u32>| v.map_or("-".to_string(), |v| v.to_string());
    let w = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.0}"));
    let links = if g.nvlink_active.is_empty() {
        "none".to_string()
    } else {
        let up = g.nvlink_active.iter().filter(|a| **a).count();
        format!("{up}/{} up", g.nvlink_active.len())
    };
    let mut text = format!(
        "{}  ecc sram/dram {}/{}  remap pending {} failed {}  hw slowdown {} thermal {} power brake {}  pcie gen {}/{} x{}/x{}  nvlink {}  {} C  power limit {}/{} W",
        g.name,
        n(g.ecc_uncorrectable_sram),
        n(g.ecc_uncorrectable_dram),
        flag(g.row_remap_pending, "yes"),
        flag(g.row_remap_failed, "yes"),
        flag(g.hw_slowdown, "active"),
        flag(g.thermal_slowdown, "active"),
        flag(g.power_brake, "active"),
        u(g.pcie_gen),
        u(g.pcie_gen_max),
        u(g.pcie_width),
        u(g.pcie_width_max),
        links,
        u(g.temperature_c),
        w(g.power_limit_w),
        w(g.power_limit_default_w),
    );
    if let Some(b) = g.bandwidth {
        text.push_str(&format!(
            "\n          d2d {:.0} GB/s  h2d {:.1} GB/s  d2h {:.1} GB/s ({} MiB buffers)",
            b.d2d_gbps,
            b.h2d_gbps,
            b.d2h_gbps,
            b.buffer_bytes >> 20
        ));
    }
    text
}
