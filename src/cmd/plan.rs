//! `repro plan SPEC`: print the resolved plan(s), as text or JSON.

use std::path::PathBuf;

use repro_compiler::compile::compile;

use super::compile_flags::{CompileFlags, Format};
use crate::exit::Exit;

#[derive(clap::Args)]
pub struct Args {
    /// Spec file
    pub spec: PathBuf,
    #[command(flatten)]
    pub flags: CompileFlags,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

pub fn run(args: Args) -> anyhow::Result<Exit> {
    let opts = args.flags.options();
    let compiled = match compile(&args.spec, &opts) {
        Ok(compiled) => compiled,
        Err(failed) => {
            eprint!("{}", failed.render());
            return Ok(Exit::Invalid);
        }
    };
    eprint!("{}", compiled.render_warnings());
    match args.format {
        Format::Json => {
            let plans: Vec<_> = compiled.plans.iter().map(|p| p.to_json()).collect();
            println!("{}", serde_json::to_string_pretty(&plans)?);
        }
        Format::Text => compiled
            .plans
            .iter()
            .for_each(|p| print!("{}", p.render_text())),
    }
    Ok(Exit::Pass)
}
