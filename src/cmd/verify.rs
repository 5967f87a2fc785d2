//! `repro verify PATH... [--spec SPEC] [--ruleset R] [--format F] [--prices FILE]`:
//! official verdicts and scores of published MLPerf results, read-only.

use std::path::PathBuf;

use repro_audit::verify::{verify, VerifyOptions};

use super::format::Format;
use crate::exit::Exit;

#[derive(clap::Args)]
pub struct Args {
    /// Result files, benchmark folders, submitter folders or a whole round
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Hold the results against this spec's pins
    #[arg(long)]
    pub spec: Option<PathBuf>,
    /// Rule set to verify against
    #[arg(long, default_value_t = repro_audit::mlperf::RuleBook::newest().to_owned())]
    pub ruleset: String,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Price table ($ per GPU-hour per accelerator SKU) for the cost of each score
    #[arg(long, value_name = "FILE")]
    pub prices: Option<PathBuf>,
}

/// Exit 0: every verdict passed; 1: some verdict failed; 2: the input could not be read.
pub fn run(args: Args) -> anyhow::Result<Exit> {
    let pinned = match &args.spec {
        Some(spec) => match spec_pins(spec) {
            Ok(pinned) => Some(pinned),
            Err(exit) => return Ok(exit),
        },
        None => None,
    };
    let opts = VerifyOptions {
        ruleset: args.ruleset,
        spec: pinned,
    };
    let prices = match super::format::prices(args.prices.as_deref()) {
        Ok(p) => p,
        Err(exit) => return Ok(exit),
    };
    let report = verify(&args.paths, &opts)?;
    let rendered = repro_report::verify::render(&report, args.format.into(), prices.as_ref());
    if let Err(exit) = super::format::print(rendered) {
        return Ok(exit);
    }
    Ok(if report.passed() {
        Exit::Pass
    } else {
        Exit::Failed
    })
}

/// The spec's pins, compiled without resolving anything (a published result is held against
/// what the spec says, not against a fresh lock). A spec that sweeps has no single set of
/// pins and is refused.
fn spec_pins(spec: &std::path::Path) -> Result<repro_audit::verify::PinnedSpec, Exit> {
    let opts = repro_compiler::options::Options {
        validate_only: true,
        ..Default::default()
    };
    let compiled = repro_compiler::compile::compile(spec, &opts).map_err(|failed| {
        eprint!("{}", failed.render());
        Exit::Invalid
    })?;
    match compiled.plans.as_slice() {
        [plan] => Ok(repro_audit::verify::PinnedSpec::from_plan(
            plan,
            &compiled.sources,
        )),
        plans => {
            eprintln!(
                "error: `{}` compiles to {} plans; `--spec` needs exactly one\nhelp: write a spec for the one configuration the result claims",
                spec.display(),
                plans.len()
            );
            Err(Exit::Invalid)
        }
    }
}
