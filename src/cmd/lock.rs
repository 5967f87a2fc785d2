//! `repro lock SPEC...`: write or update locks and print what changed, per group;
//! `--check` (or `--locked`) refuses instead, naming what drifted; `--diff A.run B.run`
//! compares two specs' plans per group instead.

use std::path::PathBuf;

use repro_compiler::locker::{self, LockUpdate};

use super::compile_flags::{CompileFlags, Format};
use crate::exit::Exit;

#[derive(clap::Args)]
pub struct Args {
    /// Spec files
    #[arg(required_unless_present = "diff")]
    pub specs: Vec<PathBuf>,
    /// Compare the plans of two specs per group (hardware, software, hparams, ...) instead of
    /// locking; writes nothing
    #[arg(long, num_args = 2, value_names = ["A", "B"], conflicts_with_all = ["check", "fetch"])]
    pub diff: Option<Vec<PathBuf>>,
    /// Check that every lock is up to date instead of writing (same as `--locked`)
    #[arg(long)]
    pub check: bool,
    /// Fetch every source pinned to a full commit id from its remote (depth 1) to prove the
    /// commit exists; the lock then says `fetched = true`
    #[arg(long, conflicts_with_all = ["offline", "frozen", "check"])]
    pub fetch: bool,
    #[command(flatten)]
    pub flags: CompileFlags,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

pub fn run(args: Args) -> anyhow::Result<Exit> {
    if let Some(pair) = &args.diff {
        let (Some(a), Some(b)) = (pair.first(), pair.get(1)) else {
            return Ok(Exit::Invalid);
        };
        return super::lock_diff::run(a, b, &args.flags.options(), args.format);
    }
    let mut opts = args.flags.options();
    opts.locked |= args.check;
    opts.fetch = args.fetch;
    let mut exit = Exit::Pass;
    let mut report = Vec::new();
    for spec in &args.specs {
        match locker::lock(spec, &opts) {
            Ok((compiled, updates)) => {
                eprint!("{}", compiled.render_warnings());
                if args.format == Format::Text {
                    updates.iter().for_each(print_update);
                }
                report.extend(updates);
            }
            Err(failed) => {
                eprint!("{}", failed.render());
                exit = Exit::Invalid;
            }
        }
    }
    if args.format == Format::Json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    }
    Ok(exit)
}

fn print_update(u: &LockUpdate) {
    print!("{}", u.render());
}
