//! A session: one `repro run` of one plan, from preflight probe to stored result.
//!
//! probe -> compare with pins (refuse on drift unless allowed) -> for each run: render the
//! launch template into `runs/<plan>/<run-id>/`, execute through an [`Executor`], score the
//! rank-0 log through a [`Scorer`] -> olympic score -> one [`ResultRecord`] in the store.
//! Everything the user sees is an [`Event`] given to the caller's sink; the session prints
//! nothing itself.
//!
//! [`Executor`]: crate::exec::Executor
//! [`ResultRecord`]: crate::store::ResultRecord
//! [`Event`]: crate::events::Event

mod error;
mod execute;
mod from_plan;
mod hparam_drift;
mod mlperf_scorer;
mod nccl_loaded;
mod run_plan;
mod score;
mod scorer;

pub use error::SessionError;
pub use execute::{dry_run_script, record_for, run_session, SessionOptions};
pub use from_plan::{PlanError, DEFAULT_LOCAL_TEMPLATE, DEFAULT_TOLERANCE};
pub use hparam_drift::{logged_hparam_drift, HparamDrift};
pub use mlperf_scorer::MlperfScorer;
pub use nccl_loaded::{nccl_loaded, NcclLoaded};
pub use run_plan::{LaunchPlan, RunPlan};
pub use score::{score_runs, Score};
pub use scorer::{ScoreError, Scorer};
