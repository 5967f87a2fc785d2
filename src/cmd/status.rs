//! `repro status RUN`: where the Slurm jobs of a run folder stand (one `squeue` call).

use repro_runner::slurm::{RunFolder, StatusReport, SystemSlurm};

use super::format::Format;
use crate::exit::Exit;

#[derive(clap::Args)]
pub struct Args {
    /// The run folder written by `repro run --executor slurm`
    pub run: std::path::PathBuf,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

pub fn run(args: Args) -> anyhow::Result<Exit> {
    let report = StatusReport::read(&RunFolder::new(args.run), &SystemSlurm::default())?;
    Ok(
        match super::format::print(repro_report::status::render(&report, args.format.into())) {
            Ok(()) => Exit::Pass,
            Err(exit) => exit,
        },
    )
}
