use serde::Deserialize;

use super::{CancelFlag, ExecError, Executor, Job, RunOutcome, RunStatus};
use crate::events::{Event, Stream};

/// One scripted run: what rank 0 "printed", how it ended and how long it "took".
#[derive(Debug, Clone, Deserialize)]
pub struct FakeRun {
    pub status: RunStatus,
    pub elapsed_s: f64,
    /// The rank-0 log, written to the job's directory as if the workload had printed it.
    pub log: String,
}

/// An executor that plays back scripted runs: exact and instant CLI-level tests of
/// everything after execution (scoring, storing, diffing, exit codes).
///
/// Like hyperfine's hidden debug mode, it is reachable from the CLI through an environment
/// variable (`REPRO_FAKE_EXECUTOR=FILE.json`, a JSON list of [`FakeRun`]) that is meant for
/// tests only.
#[derive(Debug, Clone, Deserialize)]
#[serde(transparent)]
pub struct Fake {
    pub runs: Vec<FakeRun>,
}

impl Executor for Fake {
    fn name(&self) -> &'static str {
        "fake"
    }

    fn run(
        &self,
        job: &Job,
        _cancel: &CancelFlag,
        emit: &mut dyn FnMut(Event),
    ) -> Result<RunOutcome, ExecError> {
        let run = self
            .runs
            .get(job.index as usize)
            .ok_or(ExecError::FakeExhausted { index: job.index })?;
        let path = job.rank_log(0);
        std::fs::write(&path, &run.log).map_err(|source| ExecError::Log {
            path: path.clone(),
            source,
        })?;
        for line in run.log.lines() {
            emit(Event::RankOutput {
                index: job.index,
                rank: 0,
                stream: Stream::Stdout,
                line: line.to_string(),
            });
        }
        Ok(RunOutcome {
            status: run.status,
            elapsed: run.elapsed_s,
            logs: vec![path],
        })
    }
}
