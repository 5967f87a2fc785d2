use std::fmt;

use super::{RunFolder, RunState, SlurmCli, SlurmError};

/// Where every run of a submission stands, for `repro status RUN`. Read-only: it never
/// records outcomes (that is `repro collect`'s job), so it can run beside a live runner.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StatusReport {
    pub plan: String,
    pub job_id: String,
    pub rows: Vec<StatusRow>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StatusRow {
    pub index: u32,
    pub task: String,
    /// Slurm's state word, or the recorded outcome.
    pub status: String,
}

impl StatusReport {
    /// Reads `state.json`; one `squeue` call for the runs without a recorded outcome.
    pub fn read(folder: &RunFolder, cli: &dyn SlurmCli) -> Result<StatusReport, SlurmError> {
        let state = RunState::load(folder)?;
        let queued = if state.unfinished() > 0 {
            super::queue::queued(cli, &state.job_id)?
        } else {
            Vec::new()
        };
        let rows = state
            .runs
            .iter()
            .map(|r| StatusRow {
                index: r.index,
                task: r.task.clone(),
                status: match (&r.outcome, queued.iter().find(|(id, _)| *id == r.task)) {
                    (Some(outcome), _) => outcome.describe(),
                    (None, Some((_, s))) => s.as_str().to_lowercase(),
                    (None, None) => "ended, not collected yet (run `repro collect`)".to_string(),
                },
            })
            .collect();
        Ok(StatusReport {
            plan: state.plan,
            job_id: state.job_id,
            rows,
        })
    }
}

impl fmt::Display for StatusReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "plan `{}`, Slurm array job {}", self.plan, self.job_id)?;
        for row in &self.rows {
            writeln!(f, "  run {:<3} {:<12} {}", row.index, row.task, row.status)?;
        }
        Ok(())
    }
}
