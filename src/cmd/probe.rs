//! `repro probe`: print this machine's environment record; `--health` runs the GPU health
//! checks by hand (default policy, envelope from `envelopes/` or `REPRO_ENVELOPES`).

use repro_compiler::HealthPolicy;
use repro_runner::health::{self, EnvelopeRegistry, NodeHealth};
use repro_runner::probe::{self, EnvRecord};

use crate::exit::Exit;

#[derive(clap::Args)]
pub struct Args {
    #[arg(long, value_enum, default_value_t = super::run::Format::Human)]
    pub format: super::run::Format,
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
    match args.format {
        super::run::Format::Json => println!("{}", serde_json::to_string_pretty(&record)?),
        super::run::Format::Human => print!("{}", human(&record)),
    }
    Ok(Exit::Pass)
}

fn run_health(format: super::run::Format) -> anyhow::Result<Exit> {
    let node = EnvelopeRegistry::load(&EnvelopeRegistry::default_dir()).and_then(|registry| {
        NodeHealth::probe(&HealthPolicy::default(), &health::hostname(), &registry)
    });
    let node = match node {
        Ok(node) => node,
        Err(e) => return Ok(super::run::fail(Exit::Invalid, &anyhow::Error::new(e))),
    };
    match format {
        super::run::Format::Json => println!("{}", serde_json::to_string_pretty(&node)?),
        super::run::Format::Human => print!("{}", health::render(&node)),
    }
    if node.checked() && !node.findings.is_empty() {
        return Ok(Exit::Drift);
    }
    Ok(Exit::Pass)
}

fn human(r: &EnvRecord) -> String {
    let or_none = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    let mut lines = Vec::new();
    match r.gpu.devices.first() {
        Some(g) => lines.push(format!(
            "gpu       {} x {} ({:.1} GiB, compute {})",
            r.gpu.devices.len(),
            g.name,
            g.memory_bytes as f64 / f64::from(1u32 << 30),
            g.compute_capability
        )),
        None => lines.push(format!("gpu       {}", or_none(&r.gpu.note))),
    }
    lines.push(format!(
        "driver    {} (kernel module {})  cuda {}  host libnccl {}",
        or_none(&r.gpu.driver_version),
        or_none(&r.gpu.kernel_driver_version),
        or_none(&r.gpu.cuda_version),
        or_none(&r.gpu.nccl_version)
    ));
    lines.push(format!(
        "cpu       {} ({} cores)",
        or_none(&r.cpu.model),
        r.cpu.cores
    ));
    let memory = r
        .memory_bytes
        .map(|b| format!("{:.1} GiB", b as f64 / f64::from(1u32 << 30)));
    lines.push(format!("memory    {}", or_none(&memory)));
    lines.push(format!(
        "os        {} (kernel {})",
        or_none(&r.os.name),
        or_none(&r.os.kernel)
    ));
    lines.push(format!("ib        {}", list(&r.infiniband)));
    lines.push(format!("runtimes  {}", list(&r.container_runtimes)));
    lines.join("\n") + "\n"
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}
