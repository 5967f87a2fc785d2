use std::path::PathBuf;

/// Why a job could not be started or observed (as opposed to a job that ran and failed).
#[derive(Debug, thiserror::Error)]
pub enum ExecError {
    #[error("cannot start rank {rank} of `{script}`: {source}")]
    Spawn {
        script: PathBuf,
        rank: u32,
        source: std::io::Error,
    },
    #[error("cannot write rank log `{path}`: {source}")]
    Log {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot wait for rank {rank}: {source}")]
    Wait { rank: u32, source: std::io::Error },
    #[error("the local executor runs on one node, but the plan asks for {nodes} nodes\nhelp: use `launch slurm` for multi-node plans, or set `nodes = 1`")]
    MultiNode { nodes: u32 },
    #[error("the fake executor has no scripted outcome for run {index}\nhelp: add one entry per run to the fake executor file")]
    FakeExhausted { index: u32 },
    #[error("{0}")]
    Launch(#[from] crate::launch::LaunchError),
}
