//! The resolved groups of a plan. Each one is hashed on its own so that a diff between two
//! locks says *which* part of a run changed (the hardware, the software, ...).

use serde::Serialize;

/// One hashed group of a lock, in the order they are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Group {
    /// Benchmark, division, number of runs, scoring tolerance, sweep point.
    Run,
    /// GPU model, node count, GPUs per node, memory, driver, interconnect.
    Hardware,
    /// CUDA, NCCL, container, sources (requested ref beside resolved commit).
    Software,
    /// Hyperparameters, as written after evaluation.
    Hparams,
    /// Executor and its settings (partition, time, script, env, ...).
    Launch,
    /// The GPU health checks the preflight runs (which are on, thresholds, the fraction of
    /// the SKU's bandwidth envelope); filled with the defaults for a GPU run without a
    /// `health` block, empty for a CPU-only run.
    Health,
}

impl Group {
    /// All groups, in file order.
    pub const ALL: [Group; 6] = [
        Group::Run,
        Group::Hardware,
        Group::Software,
        Group::Hparams,
        Group::Launch,
        Group::Health,
    ];

    /// The table name in the lock.
    pub fn name(self) -> &'static str {
        match self {
            Group::Run => "run",
            Group::Hardware => "hardware",
            Group::Software => "software",
            Group::Hparams => "hparams",
            Group::Launch => "launch",
            Group::Health => "health",
        }
    }
}

impl std::fmt::Display for Group {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
