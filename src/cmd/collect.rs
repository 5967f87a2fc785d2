//! `repro collect RUN`: wait for the Slurm jobs of a run folder and record every run that
//! has no outcome yet, exactly as the runner would have had it stayed.

use std::time::Duration;

use repro_runner::events::Event;
use repro_runner::exec::CancelFlag;
use repro_runner::slurm::{self, RunFolder, SystemSlurm, TrackEnd, EXIT_DRIFT};

use crate::exit::Exit;

#[derive(clap::Args)]
pub struct Args {
    /// The run folder written by `repro run --executor slurm`
    pub run: std::path::PathBuf,
    /// Seconds between two `squeue` polls
    #[arg(long, default_value_t = 2.0)]
    pub poll: f64,
}

pub fn run(args: Args) -> anyhow::Result<Exit> {
    let folder = RunFolder::new(&args.run);
    let cancel = CancelFlag::on_signals()?;
    let poll = Duration::from_secs_f64(args.poll.max(0.01));
    let mut emit = |event: Event| {
        if let Event::RunFinished { index, status, .. } = event {
            eprintln!("run {index}: {}", status.label());
        }
    };
    let mut on_finished = |folder: &RunFolder, record: &slurm::RunRecord| {
        if let Some(outcome) = &record.outcome {
            println!("run {}: {}", record.index, outcome.describe());
            println!("  outcome: {}", folder.outcome(record.index).display());
        }
        Ok(())
    };
    let (state, end) = slurm::collect(
        &folder,
        &SystemSlurm::default(),
        poll,
        &cancel,
        &mut emit,
        &mut on_finished,
    )?;
    if end == TrackEnd::Detached {
        return Ok(Exit::Execution);
    }
    Ok(match state.exit_code() {
        0 => Exit::Pass,
        EXIT_DRIFT => Exit::Drift,
        _ => Exit::Execution,
    })
}
