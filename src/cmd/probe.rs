//! `repro probe`: print this machine's environment record; `--health` runs the GPU health
//! checks by hand (default policy, envelope from `envelopes/` or `REPRO_ENVELOPES`).

use repro_compiler::HealthPolicy;
use repro_runner::health::{self, EnvelopeRegistry, NodeHealth};
use repro_runner::probe;

use super::format::Format;
use crate::exit::Exit;

#[derive(clap::Args)]
pub struct Args {
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Run the GPU health checks (ECC, row remapping, clock events, PCIe, NVLink,
    /// temperature, power limit, copy bandwidth against the SKU's envelope); exit 3 when one
    /// is refused
    #[arg(long)]
    pub health: bool,
}

pub fn run(args: Args) -> anyhow::Result<Exit> {
    if args.health {
        return run_health(args.format);
    }
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

fn run_health(format: Format) -> anyhow::Result<Exit> {
    let node = EnvelopeRegistry::load(&EnvelopeRegistry::default_dir()).and_then(|registry| {
        NodeHealth::probe(&HealthPolicy::default(), &health::hostname(), &registry)
    });
    let node = match node {
        Ok(node) => node,
        Err(e) => return Ok(super::run::fail(Exit::Invalid, &anyhow::Error::new(e))),
    };
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&node)?),
        Format::Human => print!("{}", health::render(&node)),
        other => {
            let other = format!("{other:?}").to_lowercase();
            eprintln!("error: `probe --health` prints `human` or `json`, not `{other}`");
            return Ok(Exit::Invalid);
        }
    }
    if node.checked() && !node.findings.is_empty() {
        return Ok(Exit::Drift);
    }
    Ok(Exit::Pass)
}
