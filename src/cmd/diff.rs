//! `repro diff RESULT [BASELINE]`: compare a stored result with a baseline.

use std::path::PathBuf;

use repro_runner::diff::{diff, DiffOptions};
use repro_runner::store::ResultStore;

use super::format::Format;
use super::run::fail;
use crate::exit::Exit;

#[derive(clap::Args)]
pub struct Args {
    /// Result id (or a unique prefix) or record file
    pub result: String,
    /// Baseline id, record or baseline file; default: the prior result of the same plan
    pub baseline: Option<String>,
    #[arg(long, default_value = "results")]
    pub store: PathBuf,
    /// Compare even when hardware or software groups differ (lists the differences)
    #[arg(long)]
    pub across_locks: bool,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

pub fn run(args: Args) -> anyhow::Result<Exit> {
    match compare(&args) {
        Ok(exit) => Ok(exit),
        Err(e) => Ok(fail(Exit::Invalid, &e)),
    }
}

fn compare(args: &Args) -> anyhow::Result<Exit> {
    let store = ResultStore::new(&args.store);
    let current = store.resolve(&args.result)?;
    let baseline = match &args.baseline {
        Some(query) => store.resolve(query)?,
        None => store.latest_before(&current)?,
    };
    let diff = diff(
        &current,
        &baseline,
        DiffOptions {
            across_locks: args.across_locks,
        },
    )?;
    if let Err(exit) = super::format::print(repro_report::diff::render(&diff, args.format.into())) {
        return Ok(exit);
    }
    Ok(Exit::for_diff(diff.verdict))
}
