use serde::{Deserialize, Serialize};

use super::atomic::{read_json, write_json};
use super::{JobState, RunFolder, SlurmError, SlurmOutcome};

/// What the runner knows about a submitted run, persisted as `state.json` after every
/// change so that a killed runner loses nothing. Invariant: `runs[i].index == i`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunState {
    pub plan: String,
    /// The array job id `sbatch --parsable` returned.
    pub job_id: String,
    /// When `sbatch` returned (Unix milliseconds); the result's creation time.
    #[serde(default)]
    pub submitted_unix_ms: u64,
    pub runs: Vec<RunRecord>,
}

/// One run: one array task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    pub index: u32,
    /// `JOB_TASK`, the id squeue and scontrol print.
    pub task: String,
    pub seed: u64,
    /// The last state seen.
    pub state: JobState,
    /// Set once, when the task reached a final state and was recorded.
    pub outcome: Option<SlurmOutcome>,
    /// Slurm's `RunTime` of the finished task, in seconds.
    #[serde(default)]
    pub elapsed_s: f64,
}

impl RunState {
    /// The state right after `sbatch` returned `job_id` for `seeds.len()` runs.
    pub fn submitted(plan: &str, job_id: &str, seeds: &[u64]) -> RunState {
        let runs = (0..seeds.len() as u32)
            .map(|index| RunRecord {
                index,
                task: format!("{job_id}_{index}"),
                seed: seeds[index as usize],
                state: JobState::Pending,
                outcome: None,
                elapsed_s: 0.0,
            })
            .collect();
        RunState {
            plan: plan.to_string(),
            job_id: job_id.to_string(),
            submitted_unix_ms: now_ms(),
            runs,
        }
    }

    pub fn load(folder: &RunFolder) -> Result<RunState, SlurmError> {
        folder.require(&folder.state())?;
        read_json(&folder.state())
    }

    pub fn save(&self, folder: &RunFolder) -> Result<(), SlurmError> {
        write_json(&folder.state(), self)
    }

    /// Runs without a recorded outcome yet.
    pub fn unfinished(&self) -> usize {
        self.runs.iter().filter(|r| r.outcome.is_none()).count()
    }

    /// The worst exit code over all recorded runs (0 when all completed).
    pub fn exit_code(&self) -> i32 {
        let codes = self.runs.iter().filter_map(|r| r.outcome.as_ref());
        codes.map(SlurmOutcome::exit_code).max().unwrap_or(0)
    }
}

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}
