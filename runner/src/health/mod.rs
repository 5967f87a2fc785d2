//! GPU health preflight: is every GPU of this node healthy right now?
//!
//! The identity preflight (`probe`) asks whether this is the machine the lock names; this one
//! asks whether its GPUs can deliver. Design:
//! - [`nvml_reader`] reads each GPU's health from NVML through `nvml-wrapper`, which loads
//!   `libnvidia-ml` at run time: ECC, row remapping, clock-event reasons, PCIe link, NVLink,
//!   temperature, power limit. Without the library the record says so; nothing panics.
//! - [`bandwidth_probe`] times device-to-device and pinned host copies with CUDA events
//!   through cudarc, behind `is_culib_present()`.
//! - [`EnvelopeRegistry`] reads the per-SKU envelope files (`envelopes/*.toml`, each citing
//!   its sources): a new SKU is a data file, not code.
//! - [`check`] is a pure function of (policy, record, envelope) returning [`HealthFinding`]s,
//!   tested on records derived from a real H200's `nvidia-smi -q -x`.
//! - [`NodeHealth::probe`] runs it all on one node and keeps the figures and the time taken.
//!
//! `REPRO_HEALTH_OVERRIDE` (tests only) replaces the live reading with a JSON
//! [`HealthRecord`], as `REPRO_PROBE_OVERRIDE` does for the identity probe.

mod bandwidth;
mod bandwidth_probe;
mod check;
mod envelope;
mod envelope_registry;
mod error;
mod gpu_health;
mod health_check;
mod health_finding;
mod health_record;
mod node_health;
mod nvml_reader;
mod render;

pub use bandwidth::Bandwidth;
pub use bandwidth_probe::BUFFER_BYTES;
pub use check::check;
pub use envelope::Envelope;
pub use envelope_registry::{EnvelopeRegistry, ENVELOPES_VAR};
pub use error::HealthError;
pub use gpu_health::GpuHealth;
pub use health_check::HealthCheck;
pub use health_finding::HealthFinding;
pub use health_record::HealthRecord;
pub use node_health::NodeHealth;
pub use render::render;

/// The environment variable that replaces the live health reading (tests).
pub const OVERRIDE_VAR: &str = "REPRO_HEALTH_OVERRIDE";

/// This machine's name for the drift table and the record (`/proc/sys/kernel/hostname`),
/// `localhost` when it cannot be read.
pub fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".to_string())
}
