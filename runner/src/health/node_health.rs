use std::time::Instant;

use repro_compiler::HealthPolicy;
use serde::{Deserialize, Serialize};

use super::{bandwidth_probe, check, nvml_reader, EnvelopeRegistry, HealthFinding, HealthRecord};
use super::{HealthError, OVERRIDE_VAR};

/// The health preflight of one node: what was measured, against which envelope, what was
/// refused and how long it took. Kept in the result record, one per node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeHealth {
    pub node: String,
    pub record: HealthRecord,
    /// The envelope file compared with (`envelopes/nvidia-h200.toml`), if one covers the GPU.
    pub envelope: Option<String>,
    pub findings: Vec<HealthFinding>,
    /// Wall time of the whole health preflight on this node, in milliseconds.
    pub elapsed_ms: u64,
}

impl NodeHealth {
    /// Runs the health preflight on this machine (or reads the record `REPRO_HEALTH_OVERRIDE`
    /// names) and checks it against `policy` and the registry's envelope for its GPUs.
    pub fn probe(
        policy: &HealthPolicy,
        node: &str,
        registry: &EnvelopeRegistry,
    ) -> Result<NodeHealth, HealthError> {
        let started = Instant::now();
        let mut record = match std::env::var_os(OVERRIDE_VAR) {
            Some(path) => HealthRecord::read(std::path::Path::new(&path))?,
            None => live(policy.bandwidth),
        };
        let found = record.gpus.first().and_then(|g| registry.find(&g.name));
        if let (Some(gpu), None) = (record.gpus.first(), found) {
            record.notes.push(format!(
                "bandwidth not compared: no envelope for `{}` in `{}`",
                gpu.name,
                registry.dir.display()
            ));
        }
        let findings = check(policy, &record, found.map(|(_, e)| e), node);
        Ok(NodeHealth {
            node: node.to_string(),
            envelope: found.map(|(path, _)| path.display().to_string()),
            record,
            findings,
            elapsed_ms: started.elapsed().as_millis() as u64,
        })
    }
}

/// Bandwidth first, then NVML: a GPU's PCIe link may idle at a lower generation, and the
/// copies bring it up to the generation it really runs at.
fn live(bandwidth: bool) -> HealthRecord {
    let measured = bandwidth.then(bandwidth_probe::measure_all);
    let mut record = nvml_reader::read();
    if !record.nvml {
        return record;
    }
    match measured {
        Some(Ok(by_bus)) => {
            for gpu in &mut record.gpus {
                let key = gpu.pci_bus_id.as_deref().map(str::to_ascii_uppercase);
                gpu.bandwidth = key.and_then(|k| by_bus.get(&k).copied());
            }
        }
        Some(Err(why)) => record.notes.push(why),
        None => {}
    }
    record
}

impl NodeHealth {
    /// Whether the checks could run at all (NVML loaded). A machine without NVML is not
    /// refused by `repro probe --health`, only by a preflight whose plan needs GPUs.
    pub fn checked(&self) -> bool {
        self.record.nvml
    }
}
