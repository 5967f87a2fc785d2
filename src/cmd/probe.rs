//! `repro probe`: print this machine's environment record.

use repro_runner::probe;

use super::format::Format;
use crate::exit::Exit;

#[derive(clap::Args)]
pub struct Args {
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

pub fn run(args: Args) -> anyhow::Result<Exit> {
    let record = match probe::probe() {
        Ok(record) => record,
        Err(e) => return Ok(super::run::fail(Exit::Invalid, &anyhow::Error::new(e))),
    };
    Ok(
        match super::format::print(repro_report::probe::render(&record, args.format.into())) {
            Ok(()) => Exit::Pass,
            Err(exit) => exit,
        },
    )
}
