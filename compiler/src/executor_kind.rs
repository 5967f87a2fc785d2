//! `ExecutorKind`: where a plan runs, as the `launch LABEL { }` block says it.

use serde::Serialize;

/// The executor a plan names (`launch local { }`, `launch slurm { }`). The lock stores its
/// [`ExecutorKind::name`]; everything after the compiler matches on this enum, never on text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ExecutorKind {
    /// Ranks as processes on this machine.
    Local,
    /// One `sbatch` array job, a preflight per node, `srun` for the ranks.
    Slurm,
}

impl ExecutorKind {
    /// Every kind, in the order the schema lists them.
    pub const ALL: [ExecutorKind; 2] = [ExecutorKind::Local, ExecutorKind::Slurm];

    /// The block label and the lock's `launch.executor` value.
    pub const fn name(self) -> &'static str {
        match self {
            ExecutorKind::Local => "local",
            ExecutorKind::Slurm => "slurm",
        }
    }

    /// The kind a label names, if any.
    pub fn parse(label: &str) -> Option<ExecutorKind> {
        ExecutorKind::ALL.into_iter().find(|k| k.name() == label)
    }
}

impl std::fmt::Display for ExecutorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
