//! `repro compare A B [--claim 28%]`: speed-up of A over B under official scoring, split into
//! throughput and convergence with bootstrap CIs, and a verdict on a claimed speed-up.

use std::path::PathBuf;

use repro_audit::verify::compare;

use super::format::Format;
use crate::exit::Exit;

#[derive(clap::Args)]
pub struct Args {
    /// Benchmark folder A (`results/<system>/<benchmark>/`) or a saved result record (`.json`)
    pub a: PathBuf,
    /// Benchmark folder B, or a saved result record
    pub b: PathBuf,
    /// Claimed speed-up of A over B: `28%` (= 1.28x) or `1.28x`
    #[arg(long, value_parser = parse_claim)]
    pub claim: Option<f64>,
    /// Rule set to score with
    #[arg(long, default_value_t = repro_audit::mlperf::RuleBook::newest().to_owned())]
    pub ruleset: String,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Price table ($ per GPU-hour per accelerator SKU): the cost-per-result ratio in dollars
    #[arg(long, value_name = "FILE")]
    pub prices: Option<PathBuf>,
}

fn parse_claim(s: &str) -> Result<f64, String> {
    s.parse::<repro_audit::verify::Claim>()
        .map(|c| c.ratio())
        .map_err(|e| e.to_string())
}

/// Exit 0: claim supported (or no claim); 1: not supported; 5: inconclusive; 2: bad input.
pub fn run(args: Args) -> anyhow::Result<Exit> {
    let a = repro_runner::store::read_side(&args.a, &args.ruleset)?;
    let b = repro_runner::store::read_side(&args.b, &args.ruleset)?;
    let prices = match super::format::prices(args.prices.as_deref()) {
        Ok(p) => p,
        Err(exit) => return Ok(exit),
    };
    let report = compare(a, b, args.claim)?;
    let rendered = repro_report::compare::render(&report, args.format.into(), prices.as_ref());
    if let Err(exit) = super::format::print(rendered) {
        return Ok(exit);
    }
    use repro_audit::verify::ClaimVerdict as V;
    Ok(match report.verdict {
        None | Some(V::Supported) => Exit::Pass,
        Some(V::NotSupported) => Exit::Failed,
        Some(V::Inconclusive) => Exit::Inconclusive,
    })
}
