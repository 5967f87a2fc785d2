//! `repro baseline accept RESULT`: promote a result to the committed baseline of its plan.

use std::path::PathBuf;

use repro_runner::store::{check_plan_name, write_atomic, ResultStore, RunVerdict};

use super::run::fail;
use crate::exit::Exit;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(clap::Subcommand)]
pub enum Action {
    /// Copy a result to `baselines/<plan>.json` (commit that file)
    Accept {
        /// Result id (or a unique prefix) or record file
        result: String,
        #[arg(long, default_value = "results")]
        store: PathBuf,
        #[arg(long, default_value = "baselines")]
        baselines: PathBuf,
    },
}

pub fn run(args: Args) -> anyhow::Result<Exit> {
    let Action::Accept {
        result,
        store,
        baselines,
    } = args.action;
    match accept(&result, &ResultStore::new(store), &baselines) {
        Ok(path) => {
            println!("baseline for this plan is now `{}`", path.display());
            Ok(Exit::Pass)
        }
        Err(e) => Ok(fail(Exit::Invalid, &e)),
    }
}

/// The baseline file holds the record's exact bytes (copied, not re-serialized: a float may
/// not survive a parse and print bit for bit), so its sha256 is still the result id.
fn accept(query: &str, store: &ResultStore, dir: &std::path::Path) -> anyhow::Result<PathBuf> {
    let stored = store.resolve(query)?;
    let record = &stored.record;
    if record.verdict != RunVerdict::Pass {
        anyhow::bail!(
            "result `{query}` has verdict `{}`; only passing results can become baselines\nhelp: rerun the plan and accept a passing result",
            record.verdict.label()
        );
    }
    if !record.reproducible {
        anyhow::bail!(
            "result `{query}` ran on a machine that drifted from the pins ({} field(s)); it cannot become a baseline\nhelp: rerun on a matching machine without `--allow-drift`",
            record.drift.len()
        );
    }
    // The record's `plan` names the file: it follows the name grammar, so that a record
    // edited by hand (`"plan": "../../x"`) cannot write outside the baselines folder.
    check_plan_name(&record.plan)?;
    let bytes = std::fs::read(&stored.path)
        .map_err(|e| anyhow::anyhow!("cannot read result `{}`: {e}", stored.path.display()))?;
    let path = dir.join(format!("{}.json", stored.record.plan));
    std::fs::create_dir_all(dir)
        .map_err(|e| anyhow::anyhow!("cannot create `{}`: {e}", dir.display()))?;
    write_atomic(&path, &bytes)
        .map_err(|e| anyhow::anyhow!("cannot write baseline `{}`: {e}", path.display()))?;
    Ok(path)
}
