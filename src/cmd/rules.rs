//! `repro rules list`: the MLPerf rounds this build carries and their benchmarks.

use clap::{Args as ClapArgs, Subcommand};
use repro_audit::mlperf::RuleBook;

use crate::exit::Exit;

#[derive(Debug, ClapArgs)]
pub struct Args {
    #[command(subcommand)]
    pub command: RulesCommand,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List each round and its benchmarks (newest last; the newest is the default `--ruleset`)
    List {
        /// Only show which rounds have this benchmark
        #[arg(long)]
        benchmark: Option<String>,
    },
}

pub fn run(args: Args) -> anyhow::Result<Exit> {
    let RulesCommand::List { benchmark } = args.command;
    let rounds = RuleBook::round_benchmarks()?;
    match benchmark {
        None => {
            for (name, benches) in &rounds {
                println!("{name}: {}", benches.join(", "));
            }
            Ok(Exit::Pass)
        }
        Some(b) => {
            let have: Vec<&str> = rounds
                .iter()
                .filter(|(_, benches)| benches.contains(&b))
                .map(|(name, _)| name.as_str())
                .collect();
            if have.is_empty() {
                eprintln!("error: no round has the benchmark `{b}`\nhelp: `repro rules list` shows every round's benchmarks");
                return Ok(Exit::Failed);
            }
            println!("{b}: {}", have.join(", "));
            Ok(Exit::Pass)
        }
    }
}
