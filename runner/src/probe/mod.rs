//! Preflight probe: what this machine is, as a JSON [`EnvRecord`], and how it differs from the
//! plan's [`repro_compiler::Pins`] ([`Drift`]).
//!
//! Design: probing is split into small readers (GPU through cudarc with dynamic loading, CPU
//! and memory from `/proc`, kernel from `uname`, InfiniBand from `/sys/class/infiniband`,
//! container runtimes from `PATH`), each of which reports "absent" rather than failing, so a
//! laptop without a GPU gets a record saying `no GPU`, never a panic. The comparison is a pure
//! function of (pins, record), tested on recorded H100/H200 snapshots. `REPRO_PROBE_OVERRIDE`
//! (for tests only) replaces the live probe with a JSON record read from a file.

mod drift;
mod error;
mod gpu;
mod host;
mod record;

pub use drift::{compare, Drift};
pub use error::ProbeError;
pub use record::{Cpu, EnvRecord, Gpu, GpuStack, Os};

/// The environment variable that replaces the live probe (tests, per-node drift tests).
pub const OVERRIDE_VAR: &str = "REPRO_PROBE_OVERRIDE";

/// Probes this machine, or reads the record named by `REPRO_PROBE_OVERRIDE` when it is set.
pub fn probe() -> Result<EnvRecord, ProbeError> {
    match std::env::var_os(OVERRIDE_VAR) {
        Some(path) => EnvRecord::read(std::path::Path::new(&path)),
        None => Ok(probe_live()),
    }
}

/// Probes this machine. Never fails: every part that cannot be read is recorded as absent.
pub fn probe_live() -> EnvRecord {
    EnvRecord {
        gpu: gpu::probe(),
        cpu: host::cpu(),
        memory_bytes: host::memory_bytes(),
        os: host::os(),
        infiniband: host::infiniband(),
        container_runtimes: host::container_runtimes(),
    }
}
