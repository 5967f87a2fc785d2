//! The `repro` command line: parse arguments, call one library function, map the outcome to
//! an exit code. Every subcommand lives in its own file under `src/cmd/`; exit codes are
//! defined once, in `src/exit.rs`, and documented in the README.

mod cmd;
mod exit;

use clap::{CommandFactory, Parser, Subcommand};
use exit::Exit;

/// mimalloc: verifying a round is dominated by small allocations (one JSON value per MLLOG
/// field), and it cut `verify_bench`'s wall time by about a fifth against glibc malloc.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "repro",
    version,
    about = "Pin, check, rerun and audit ML benchmark results"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse and validate spec files
    Check(cmd::check::Args),
    /// Format spec files canonically (comments are kept)
    Fmt(cmd::fmt::Args),
    /// Write or update the locks of specs, printing what changed per group
    Lock(cmd::lock::Args),
    /// Print the resolved plan of a spec
    Plan(cmd::plan::Args),
    /// Run a locked plan on this machine: probe, launch, score, store
    Run(cmd::run::Args),
    /// Print this machine's environment record
    ///
    /// GPUs (model, count, memory, compute capability, driver, CUDA, NCCL), CPU, memory, OS
    /// and kernel, InfiniBand devices and container runtimes. For tests only,
    /// `REPRO_PROBE_OVERRIDE=FILE.json` replaces the probe with a recorded record (as written
    /// by `--format json`), here and in `repro run`.
    Probe(cmd::probe::Args),
    /// Compare a result with a baseline
    Diff(cmd::diff::Args),
    /// Manage committed baselines
    Baseline(cmd::baseline::Args),
    /// Check published MLPerf results: official verdicts, scores, package checks
    Verify(cmd::verify::Args),
    /// Write a spec (and its lock) from a published MLPerf benchmark folder
    Import(cmd::import::Args),
    /// Speed-up of one MLPerf result over another, with its parts and a claim verdict
    Compare(cmd::compare::Args),
    /// The MLPerf rounds this build carries (`repro rules list`)
    Rules(cmd::rules::Args),
    /// Show where the Slurm jobs of a run folder stand
    Status(cmd::status::Args),
    /// Wait for the Slurm jobs of a run folder and record their results
    Collect(cmd::collect::Args),
    /// Print a shell completion script: `repro completions bash > /etc/bash_completion.d/repro`
    Completions {
        /// The shell
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff): `repro man > repro.1; man ./repro.1`
    Man,
    /// Node side of the Slurm preflight (run by the sbatch script)
    #[command(hide = true)]
    SlurmPreflight(cmd::slurm_preflight::Args),
}

fn main() {
    exit::reset_sigpipe();
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Check(args) => cmd::check::run(args),
        Command::Fmt(args) => cmd::fmt::run(args),
        Command::Lock(args) => cmd::lock::run(args),
        Command::Plan(args) => cmd::plan::run(args),
        Command::Run(args) => cmd::run::run(args),
        Command::Probe(args) => cmd::probe::run(args),
        Command::Diff(args) => cmd::diff::run(args),
        Command::Baseline(args) => cmd::baseline::run(args),
        Command::Verify(args) => cmd::verify::run(args),
        Command::Import(args) => cmd::import::run(args),
        Command::Compare(args) => cmd::compare::run(args),
        Command::Rules(args) => cmd::rules::run(args),
        Command::Status(args) => cmd::status::run(args),
        Command::Collect(args) => cmd::collect::run(args),
        Command::SlurmPreflight(args) => cmd::slurm_preflight::run(args),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "repro", &mut std::io::stdout());
            Ok(Exit::Pass)
        }
        Command::Man => clap_mangen::Man::new(Cli::command())
            .render(&mut std::io::stdout())
            .map(|()| Exit::Pass)
            .map_err(anyhow::Error::from),
    };
    let code = match outcome {
        Ok(exit) => exit,
        Err(err) => {
            eprintln!("error: {err:#}");
            Exit::Invalid
        }
    };
    std::process::exit(code as i32);
}
