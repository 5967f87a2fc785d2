//! `smoke-sgd`: the reference workload of `specs/smoke-local.run`.
//!
//! Logistic regression trained with minibatch SGD on a seeded synthetic dataset, on the CPU,
//! until the eval accuracy reaches a target (a few hundred milliseconds). It follows the
//! torch.distributed launch contract: `RANK`/`WORLD_SIZE` shard the training data (rank `r`
//! takes samples `i` with `i % WORLD_SIZE == r`), gradients are averaged over all ranks each
//! step through `MASTER_ADDR:MASTER_PORT` (data parallelism, [`comm`]), `SEED` seeds
//! initialisation and shuffling, and only rank 0 prints the MLPerf `:::MLLOG` log.
//!
//! Exit codes: 0 converged, 1 did not converge, 2 bad configuration, 3 the ranks could not
//! exchange gradients (a peer died or never came).
//!
//! Deterministic: for a given (seed, world size, flags) every number in the log except
//! `time_ms` is identical between runs; the dataset itself depends only on `--data-seed`.

mod comm;
mod config;
mod data;
mod mllog;
mod model;
mod rng;
mod train;

use std::process::ExitCode;

fn main() -> ExitCode {
    let config = match config::Config::from_env_and_args(std::env::args().skip(1)) {
        Ok(config) => config,
        Err(message) => {
            eprintln!("smoke-sgd: error: {message}");
            return ExitCode::from(2);
        }
    };
    match train::run(&config, &mut mllog::Logger::stdout(config.rank == 0)) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(message) => {
            eprintln!("smoke-sgd: error (rank {}): {message}", config.rank);
            ExitCode::from(3)
        }
    }
}
