//! `repro probe`: this machine's environment record.

use repro_runner::probe::EnvRecord;

use crate::html::{esc, page, table};
use crate::{Format, ReportError};

/// Renders the record; JUnit does not apply (there is nothing to pass or fail).
pub fn render(r: &EnvRecord, format: Format) -> Result<String, ReportError> {
    Ok(match format {
        Format::Human => {
            rows(r)
                .iter()
                .map(|(k, v)| format!("{k:<9} {v}"))
                .collect::<Vec<_>>()
                .join("\n")
                + "\n"
        }
        // the record itself: `REPRO_PROBE_OVERRIDE` reads this back
        Format::Json => serde_json::to_string_pretty(r)? + "\n",
        Format::Markdown => {
            let mut s = String::from("| field | value |\n| --- | --- |\n");
            for (k, v) in rows(r) {
                s.push_str(&format!("| {k} | {} |\n", v.replace('|', "\\|")));
            }
            s
        }
        Format::Html => {
            let rows: Vec<Vec<String>> =
                rows(r).iter().map(|(k, v)| vec![esc(k), esc(v)]).collect();
            page("repro probe", &table(&["field", "value"], &rows))
        }
        Format::Junit => {
            return Err(ReportError::Unsupported {
                command: "probe",
                format,
                supported: &["human", "json", "markdown", "html"],
            })
        }
    })
}

fn rows(r: &EnvRecord) -> Vec<(&'static str, String)> {
    let or_none = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    let gib = |b: u64| format!("{:.1} GiB", b as f64 / f64::from(1u32 << 30));
    let gpu = match r.gpu.devices.first() {
        Some(g) => format!(
            "{} x {} ({}, compute {})",
            r.gpu.devices.len(),
            g.name,
            gib(g.memory_bytes),
            g.compute_capability
        ),
        None => or_none(&r.gpu.note),
    };
    let list = |items: &[String]| {
        if items.is_empty() {
            "none".to_owned()
        } else {
            items.join(", ")
        }
    };
    vec![
        ("gpu", gpu),
        (
            "driver",
            format!(
                "{} (kernel module {})  cuda {}  host libnccl {}",
                or_none(&r.gpu.driver_version),
                or_none(&r.gpu.kernel_driver_version),
                or_none(&r.gpu.cuda_version),
                or_none(&r.gpu.nccl_version)
            ),
        ),
        (
            "cpu",
            format!("{} ({} cores)", or_none(&r.cpu.model), r.cpu.cores),
        ),
        ("memory", or_none(&r.memory_bytes.map(gib))),
        (
            "os",
            format!("{} (kernel {})", or_none(&r.os.name), or_none(&r.os.kernel)),
        ),
        ("ib", list(&r.infiniband)),
        ("runtimes", list(&r.container_runtimes)),
    ]
}
