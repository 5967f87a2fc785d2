//! Executors: where a rendered launch script becomes running processes.
//!
//! One trait ([`Executor`]) with several backends: [`Local`] (process groups on this
//! machine), [`Fake`] (scripted outcomes for exact, fast CLI tests) and Slurm (in
//! `crate::slurm`). An executor runs one [`Job`] (one run of a plan), streams rank output as
//! [`crate::events::Event::RankOutput`], enforces the time limit, honours the [`CancelFlag`]
//! and returns a [`RunOutcome`]. It never scores: scoring reads the logs afterwards.

mod cancel;
mod error;
mod fake;
mod job;
mod local;
mod outcome;
mod process_group;
mod run_status;
mod supervisor;

pub use cancel::CancelFlag;
pub use error::ExecError;
pub use fake::{Fake, FakeRun};
pub use job::Job;
pub use local::Local;
pub use outcome::RunOutcome;
pub use run_status::RunStatus;

use crate::events::Event;

/// A backend that runs one job to completion.
pub trait Executor {
    /// Short name for reports (`local`, `slurm`, `fake`).
    fn name(&self) -> &'static str;

    /// Runs `job`, emitting events as they happen. Returns `Err` only when the job could not
    /// be started or observed at all; a job that ran and failed is `Ok` with a failed status.
    fn run(
        &self,
        job: &Job,
        cancel: &CancelFlag,
        emit: &mut dyn FnMut(Event),
    ) -> Result<RunOutcome, ExecError>;
}
