//! `repro status RUN`: where the Slurm jobs of a run folder stand (one `squeue` call).

use repro_runner::slurm::{RunFolder, StatusReport, SystemSlurm};

use crate::exit::Exit;

#[derive(clap::Args)]
pub struct Args {
    /// The run folder written by `repro run --executor slurm`
    pub run: std::path::PathBuf,
}

pub fn run(args: Args) -> anyhow::Result<Exit> {
    let report = StatusReport::read(&RunFolder::new(args.run), &SystemSlurm::default())?;
    print!("{report}");
    Ok(Exit::Pass)
}
