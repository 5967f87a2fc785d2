//! `repro slurm-preflight` (hidden): the node side of the Slurm preflight. The sbatch script
//! runs it once per allocated node through `srun`; it probes the node, compares it with the
//! lock's pins and exits 3 naming the node and field when they differ.

use repro_compiler::Pins;
use repro_runner::slurm::preflight;

use crate::exit::Exit;

#[derive(clap::Args)]
pub struct Args {
    /// The lock's pins as JSON (rendered into the sbatch script)
    #[arg(long)]
    pub pins_json: String,
    /// The run's `preflight/` folder, where `<node>.json` is written
    #[arg(long)]
    pub out: std::path::PathBuf,
}

pub fn run(args: Args) -> anyhow::Result<Exit> {
    let pins: Pins = serde_json::from_str(&args.pins_json)
        .map_err(|e| anyhow::anyhow!("invalid `--pins-json` at column {}: {e}", e.column()))?;
    let node = preflight::run_node(&pins, &args.out)?;
    if node.drift.is_empty() {
        return Ok(Exit::Pass);
    }
    for d in &node.drift {
        eprintln!(
            "error: node `{}` drifted from the lock: `{}` pinned `{}`, found `{}`",
            node.node, d.field, d.pinned, d.found
        );
    }
    Ok(Exit::Drift)
}
