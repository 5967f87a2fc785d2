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
            })
            .collect();
        RunState {
            plan: plan.to_string(),
            job_id: job_id.to_string(),
            runs,
        }
    }

    pub fn load(folder: &RunFolder) -> Result<RunState, SlurmError> {
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
