//! The Slurm executor: a locked plan becomes one sbatch job array, tracked to the end.
//!
//! # Design
//! - **Render** ([`Script`]): the plan's facts ([`SlurmRequest`]) fill a tera template, the
//!   spec's own or the built-in NVIDIA-style one (`templates/slurm/default.sbatch`). Tera's
//!   escape function is the runner's shell quoter ([`crate::launch::quote`]), so every
//!   value is quoted unless the template says `| safe`.
//! - **Submit** ([`submit()`]): one `sbatch --parsable` of a job array, one task per run.
//! - **Preflight** ([`preflight`]): the first step of every task runs the probe on every
//!   allocated node through `srun` and compares it with the lock; a node that drifted writes
//!   `preflight/<node>.drift.json` and the task ends before the workload starts.
//! - **Track** ([`Tracker`]): one `squeue` per poll for all runs, `scontrol show job` once
//!   per finished run; Slurm's final state becomes a [`SlurmOutcome`] with a clear message and
//!   exit code. Each run is recorded as soon as it ends.
//! - **Survive** ([`RunFolder`], [`RunState`]): everything lives in the run folder and is
//!   written atomically; the jobs do not depend on the runner, and [`collect()`] later records
//!   them through the same code path the live runner uses.
//!
//! All Slurm commands go through [`SlurmCli`], so the tracking logic is tested exactly with a
//! scripted fake, and end to end on a real (virtual, 4-node) cluster (`scripts/slurm-dev.sh`).

mod atomic;
mod collect;
mod dry_run;
mod error;
mod final_info;
mod folder;
mod from_plan;
mod interrupt;
mod job_state;
mod outcome;
pub mod preflight;
mod queue;
mod request;
mod run_state;
mod script;
mod session;
mod slurm_cli;
mod slurm_end;
mod slurm_options;
mod status;
mod submit;
mod system_slurm;
mod tracker;

pub use collect::collect;
pub use dry_run::DryRun;
pub use error::SlurmError;
pub use final_info::FinalInfo;
pub use folder::RunFolder;
pub use interrupt::OnInterrupt;
pub use job_state::JobState;
pub use outcome::{SlurmOutcome, EXIT_DRIFT, EXIT_EXECUTION};
pub use preflight::NodeDrift;
pub use queue::parse_squeue;
pub use request::{Container, SlurmRequest};
pub use run_state::{RunRecord, RunState};
pub use script::{Paths, Script, BUILTIN_TEMPLATE};
pub use session::{collect_session, run_session, ScorerFor};
pub use slurm_cli::{ScriptFn, SlurmCli};
pub use slurm_end::SlurmEnd;
pub use slurm_options::SlurmOptions;
pub use status::{StatusReport, StatusRow};
pub use submit::submit;
pub use system_slurm::SystemSlurm;
pub use tracker::{OnFinished, TrackEnd, Tracker};
