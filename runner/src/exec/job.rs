use std::path::PathBuf;
use std::time::Duration;

/// One run of a plan, ready to execute: the rendered script and where its files go.
#[derive(Debug, Clone)]
pub struct Job {
    pub plan: String,
    /// 0-based index of this run among the plan's runs.
    pub index: u32,
    pub run_id: String,
    /// `runs/<plan>/<run-id>/`: the script, one log per rank and nothing else.
    pub dir: PathBuf,
    /// The rendered launch script (inside `dir`), run with `bash`.
    pub script: PathBuf,
    pub nodes: u32,
    pub ranks_per_node: u32,
    pub seed: u64,
    /// Wall-clock limit for the whole run; `None` means no limit.
    pub time_limit: Option<Duration>,
}

impl Job {
    pub fn world_size(&self) -> u32 {
        self.nodes * self.ranks_per_node
    }

    /// Log file of rank `rank`; rank 0's log is the MLPerf log that gets scored.
    pub fn rank_log(&self, rank: u32) -> PathBuf {
        self.dir.join(format!("rank-{rank}.log"))
    }
}
