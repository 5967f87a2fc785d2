//! `repro run` on Slurm: submit the plan's runs as one job array, follow them, score and store
//! the result exactly as `repro collect` would (the two share the session code).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Context;
use repro_runner::events::Event;
use repro_runner::exec::CancelFlag;
use repro_runner::session::{MlperfScorer, RunPlan};
use repro_runner::slurm::{self, OnInterrupt, RunFolder, SlurmEnd, SlurmOptions, SystemSlurm};
use repro_runner::store::ResultStore;

use super::run::{fail, Args};
use crate::exit::Exit;

/// `runs/<plan>/slurm-<unix seconds>-<pid>`: one folder per submission, never reused.
pub fn run_root(args: &Args, plan: &RunPlan) -> std::path::PathBuf {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    args.runs_dir
        .join(&plan.name)
        .join(format!("slurm-{secs}-{}", std::process::id()))
}

pub fn run(args: &Args, plan: &RunPlan) -> anyhow::Result<Exit> {
    let scorer = match MlperfScorer::for_plan(plan) {
        Ok(scorer) => scorer,
        Err(e) => return Ok(fail(Exit::Invalid, &anyhow::Error::new(e))),
    };
    let folder = RunFolder::new(run_root(args, plan));
    let repro = std::env::current_exe().context("cannot find the repro binary")?;
    let cancel = CancelFlag::on_signals().context("cannot install the Ctrl-C handler")?;
    let options = SlurmOptions {
        poll: Duration::from_secs_f64(args.poll.max(0.01)),
        on_interrupt: OnInterrupt::from_flags(args.cancel_on_exit),
    };
    let store = ResultStore::new(&args.store);
    eprintln!("run folder: {}", folder.root.display());
    let end = slurm::run_session(
        plan,
        &scorer,
        &store,
        &folder,
        &repro,
        &SystemSlurm::default(),
        options,
        &cancel,
        &mut print_event,
    );
    match end {
        Ok(SlurmEnd::Stored(stored)) => {
            println!("result {} ({})", stored.id, stored.path.display());
            super::collect::print_verdict(&stored.record);
            Ok(Exit::for_result(&stored.record, None))
        }
        Ok(SlurmEnd::Detached) => {
            eprintln!(
                "the jobs go on; follow them with `repro status {0}` and record them with `repro collect {0}`",
                folder.root.display()
            );
            Ok(Exit::Execution)
        }
        Err(e) => Ok(fail(Exit::Execution, &e.into())),
    }
}

fn print_event(event: Event) {
    match event {
        Event::RunStarted { index, run_id, .. } => eprintln!("run {index} submitted as {run_id}"),
        Event::RunFinished { index, status, .. } => {
            eprintln!("run {index} finished: {}", status.label())
        }
        Event::QueueChanged { .. } => eprintln!("{}", repro_runner::report::line(&event)),
        _ => {}
    }
}
