use std::path::{Path, PathBuf};

use super::SlurmError;

/// The layout of a Slurm run folder. Everything `repro status` and `repro collect` need is
/// in it, so the runner that submitted can die without losing the run:
///
/// ```text
/// RUN/request.json     what was asked (plan facts), written once
/// RUN/job.sbatch       the rendered script, exactly as submitted
/// RUN/plan.json        the plan, for `repro collect`
/// RUN/state.json       job id and each run's last known state (atomic rewrites)
/// RUN/run-I/           per run: preflight/<node>.json, rank-R.log, outcome.json,
///                      record.json (scored)
/// RUN/stored.json      the id of the stored result, once all runs are recorded
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunFolder {
    pub root: PathBuf,
}

impl RunFolder {
    pub fn new(root: impl Into<PathBuf>) -> RunFolder {
        RunFolder { root: root.into() }
    }

    pub fn request(&self) -> PathBuf {
        self.root.join("request.json")
    }

    pub fn script(&self) -> PathBuf {
        self.root.join("job.sbatch")
    }

    /// The plan as the runner received it, so `repro collect` can score and store alone.
    pub fn plan(&self) -> PathBuf {
        self.root.join("plan.json")
    }

    /// The id and path of the stored result, once every run is recorded.
    pub fn stored(&self) -> PathBuf {
        self.root.join("stored.json")
    }

    /// Run `index` as scored for the result store (`store::RunRecord`).
    pub fn record(&self, index: u32) -> PathBuf {
        self.run(index).join("record.json")
    }

    pub fn state(&self) -> PathBuf {
        self.root.join("state.json")
    }

    pub fn run(&self, index: u32) -> PathBuf {
        self.root.join(format!("run-{index}"))
    }

    pub fn preflight(&self, index: u32) -> PathBuf {
        self.run(index).join("preflight")
    }

    pub fn outcome(&self, index: u32) -> PathBuf {
        self.run(index).join("outcome.json")
    }

    /// Rank `rank`'s log of run `index`; rank 0's is the MLPerf log that gets scored.
    pub fn rank_log(&self, index: u32, rank: u32) -> PathBuf {
        self.run(index).join(format!("rank-{rank}.log"))
    }

    pub fn path(&self) -> &Path {
        &self.root
    }

    /// Fails with [`SlurmError::NotRunFolder`] when `file` (inside this folder) is missing.
    pub fn require(&self, file: &Path) -> Result<(), SlurmError> {
        if file.exists() {
            return Ok(());
        }
        let name = file.strip_prefix(&self.root).unwrap_or(file);
        Err(SlurmError::NotRunFolder {
            folder: self.root.clone(),
            file: name.display().to_string(),
        })
    }
}
