//! `repro collect RUN`: wait for the Slurm jobs of a run folder, score every run that has no
//! record yet and store the result, exactly as `repro run --executor slurm` would have had it
//! stayed. Idempotent: a second collect answers with the result already stored.

use std::time::Duration;

use anyhow::Context;
use repro_runner::events::Event;
use repro_runner::exec::CancelFlag;
use repro_runner::session::{MlperfScorer, RunPlan, Scorer};
use repro_runner::slurm::{self, RunFolder, RunState, SlurmEnd, SlurmError, SystemSlurm};
use repro_runner::store::ResultStore;

use crate::exit::Exit;

#[derive(clap::Args)]
pub struct Args {
    /// The run folder written by `repro run --executor slurm`
    pub run: std::path::PathBuf,
    /// Result store directory
    #[arg(long, default_value = "results")]
    pub store: std::path::PathBuf,
    /// Seconds between two `squeue` polls
    #[arg(long, default_value_t = 2.0)]
    pub poll: f64,
}

pub fn run(args: Args) -> anyhow::Result<Exit> {
    let folder = RunFolder::new(&args.run);
    let cancel = CancelFlag::on_signals().context("cannot install the Ctrl-C handler")?;
    let poll = Duration::from_secs_f64(args.poll.max(0.01));
    let store = ResultStore::new(&args.store);
    let end = slurm::collect_session(
        &scorer_for,
        &store,
        &folder,
        &SystemSlurm::default(),
        poll,
        &cancel,
        &mut print_event,
    )?;
    let SlurmEnd::Stored(stored) = end else {
        return Ok(Exit::Execution);
    };
    for run in RunState::load(&folder)?.runs {
        if let Some(outcome) = &run.outcome {
            println!("run {} ({}): {}", run.index, run.task, outcome.describe());
        }
    }
    println!("result {} ({})", stored.id, stored.path.display());
    print_verdict(&stored.record);
    Ok(Exit::for_result(&stored.record, None))
}

fn scorer_for(plan: &RunPlan) -> Result<Box<dyn Scorer>, SlurmError> {
    Ok(Box::new(MlperfScorer::for_plan(plan)?))
}

/// Progress on stderr as runs finish; the summary goes to stdout at the end.
fn print_event(event: Event) {
    if let Event::RunFinished { index, status, .. } = event {
        eprintln!("run {index} finished: {}", status.label());
    }
}

/// The last line of a Slurm session (shared with `repro run --executor slurm`): the verdict,
/// what drifted, or that the workload never started.
pub fn print_verdict(record: &repro_runner::store::ResultRecord) {
    print!("{}", repro_runner::report::summary::drift(record));
    print!("{}", repro_runner::report::summary::verdict_line(record));
    if record.workload_not_found() {
        eprintln!("error: the workload was not found on any run\nhelp: check `launch.command` (or the workload's `command`), the container and its workdir; the rank logs say which path was tried");
    }
}
