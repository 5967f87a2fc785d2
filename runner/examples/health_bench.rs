//! Bench: the whole GPU health preflight of one node (`NodeHealth::probe` with the default
//! policy: NVML reading, copy bandwidth, envelope lookup, checks), timed end to end.
//!
//! ```sh
//! cargo run --release -p repro-runner --example health_bench [-- ROUNDS]
//! ```
//!
//! Prints the median and the maximum of ROUNDS (default 5) preflights on this machine. On a
//! machine without libnvidia-ml/libcuda only the "absent" path runs (a dlopen that fails);
//! the figure that matters (under 20 s per node) needs a GPU: three 256 MiB copies, five
//! timed repetitions each, per GPU.

use std::time::Instant;

use repro_compiler::HealthPolicy;
use repro_runner::health::{hostname, EnvelopeRegistry, NodeHealth};

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    let registry = EnvelopeRegistry::load(&EnvelopeRegistry::default_dir()).unwrap_or_else(|e| {
        eprintln!("error: {e}");
        std::process::exit(2);
    });
    let policy = HealthPolicy::default();
    let node = hostname();
    let mut seconds = Vec::new();
    let mut last = None;
    for _ in 0..rounds {
        let started = Instant::now();
        let health = NodeHealth::probe(&policy, &node, &registry).unwrap_or_else(|e| {
            eprintln!("error: {e}");
            std::process::exit(2);
        });
        seconds.push(started.elapsed().as_secs_f64());
        last = Some(health);
    }
    seconds.sort_by(f64::total_cmp);
    let last = last.expect("at least one round");
    println!(
        "node {node}: {} GPU(s), NVML {}, {} finding(s)",
        last.record.gpus.len(),
        if last.checked() { "loaded" } else { "absent" },
        last.findings.len()
    );
    for note in &last.record.notes {
        println!("note: {note}");
    }
    println!(
        "health preflight over {rounds} rounds: median {:.3} ms, max {:.3} ms",
        seconds[seconds.len() / 2] * 1e3,
        seconds[seconds.len() - 1] * 1e3
    );
}
