//! `repro probe`: print this machine's environment record.

use repro_runner::probe::{self, EnvRecord};

use crate::exit::Exit;

#[derive(clap::Args)]
pub struct Args {
    #[arg(long, value_enum, default_value_t = super::run::Format::Human)]
    pub format: super::run::Format,
}

pub fn run(args: Args) -> anyhow::Result<Exit> {
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
