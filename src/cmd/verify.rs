//! `repro verify PATH... [--spec SPEC] [--ruleset R] [--format human|json|markdown]`:
//! official verdicts and scores of published MLPerf results, read-only.

use std::path::PathBuf;

use repro_runner::verify::{render_human, render_json, render_markdown, verify, VerifyOptions};

use crate::exit::Exit;

/// Output format.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// Tables for a terminal.
    Human,
    /// The stable JSON schema of docs/verify.md.
    Json,
    /// Markdown tables.
    Markdown,
}

#[derive(clap::Args)]
pub struct Args {
    /// Result files, benchmark folders, submitter folders or a whole round
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Hold the results against this spec's pins
    #[arg(long)]
    pub spec: Option<PathBuf>,
    /// Rule set to verify against
    #[arg(long, default_value = "mlperf-training-4.1")]
    pub ruleset: String,
    /// Output format
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
}

/// Exit 0: every verdict passed; 1: some verdict failed; 2: the input could not be read.
pub fn run(args: Args) -> anyhow::Result<Exit> {
    if let Some(spec) = &args.spec {
        anyhow::bail!(
            "`--spec {}` needs the compiler's plan, which this build does not have yet\nhelp: run without `--spec`; the pin comparison (`repro_runner::verify::check_pins`) is ready for the integrator to connect",
            spec.display()
        );
    }
    let opts = VerifyOptions {
        ruleset: args.ruleset,
        pins: None,
    };
    let report = verify(&args.paths, &opts)?;
    let text = match args.format {
        Format::Human => render_human(&report),
        Format::Json => render_json(&report),
        Format::Markdown => render_markdown(&report),
    };
    print!("{text}");
    Ok(if report.passed() {
        Exit::Pass
    } else {
        Exit::Failed
    })
}
