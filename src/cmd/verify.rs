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
    /// Rule set to verify against (default: the spec's with `--spec`, else the newest)
    #[arg(long)]
    pub ruleset: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Price table ($ per GPU-hour per accelerator SKU) for the cost of each score
    #[arg(long, value_name = "FILE")]
    pub prices: Option<PathBuf>,
}

/// Exit 0: every verdict passed; 1: some verdict failed; 2: the input could not be read.
pub fn run(args: Args) -> anyhow::Result<Exit> {
    let (pinned, spec_ruleset) = match &args.spec {
        Some(spec) => match spec_pins(spec) {
            Ok((pinned, ruleset)) => (Some(pinned), ruleset),
            Err(exit) => return Ok(exit),
        },
        None => (None, None),
    };
    let ruleset = args
        .ruleset
        .or(spec_ruleset)
        .unwrap_or_else(|| repro_audit::mlperf::RuleBook::newest().to_owned());
    let opts = VerifyOptions {
        ruleset,
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
/// pins and is refused. Also the rule set the spec is checked with (`mlperf-training-4.1`),
/// which a result claimed against it is verified with unless `--ruleset` says otherwise.
fn spec_pins(
    spec: &std::path::Path,
) -> Result<(repro_audit::verify::PinnedSpec, Option<String>), Exit> {
    let opts = repro_compiler::options::Options {
        validate_only: true,
        ..Default::default()
    };
    // Only the first plan is kept (a large sweep is refused without holding its plans).
    let (mut first, mut count) = (None, 0usize);
    let compiled = repro_compiler::compile::compile_each(spec, &opts, |plan| {
        count += 1;
        first.get_or_insert(plan);
    })
    .map_err(|failed| {
        eprint!("{}", failed.render());
        Exit::Invalid
    })?;
    match first {
        Some(plan) if count == 1 => Ok((
            repro_audit::verify::PinnedSpec::from_plan(&plan, &compiled.sources),
            plan.settings().ruleset,
        )),
        _ => {
            eprintln!(
                "error: `{}` compiles to {count} plans; `--spec` needs exactly one\nhelp: write a spec for the one configuration the result claims",
                spec.display(),
            );
            Err(Exit::Invalid)
        }
    }
}
