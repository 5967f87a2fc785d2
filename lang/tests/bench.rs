//! Timings, not assertions (run outside CI, in release):
//!
//! ```text
//! cargo test --release -p repro-lang --test bench -- --ignored --nocapture
//! ```
//!
//! Parses and formats a generated file of `REPRO_BENCH_RUNS` runs (default 2000, about
//! 60 000 lines) modelled on the spec in the issue, and the rule-set fixture many times.

use std::time::Instant;

use repro_lang::FileId;

fn big_spec(runs: usize) -> String {
    let one = std::fs::read_to_string(format!(
        "{}/tests/fixtures/valid/gpt3-512xh200.run",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture");
    let body = one.split_once("run \"gpt3-512xh200\"").expect("run").1;
    (0..runs)
        .map(|i| format!("# run {i}\nrun \"gpt3-{i}\"{body}\n"))
        .collect()
}

fn time<T>(label: &str, bytes: usize, f: impl Fn() -> T) {
    let reps = 5;
    let start = Instant::now();
    for _ in 0..reps {
        std::hint::black_box(f());
    }
    let per = start.elapsed().as_secs_f64() / reps as f64;
    println!(
        "{label:<28} {:>8.2} ms  {:>7.1} MB/s",
        per * 1e3,
        bytes as f64 / per / 1e6
    );
}

#[test]
#[ignore = "benchmark; run with --release --ignored --nocapture"]
fn bench_parse_and_format() {
    let runs = std::env::var("REPRO_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let src = big_spec(runs);
    println!(
        "input: {runs} runs, {} lines, {} bytes",
        src.lines().count(),
        src.len()
    );
    time("parse", src.len(), || {
        repro_lang::parse(FileId(0), &src).expect("parses")
    });
    time("format", src.len(), || {
        repro_lang::format(&src).expect("formats")
    });
    let broken = src.replacen("nodes = 64", "nodes = = 64", runs / 10);
    time("parse (10% items broken)", src.len(), || {
        repro_lang::parse(FileId(0), &broken).expect_err("broken")
    });
    let spec = big_spec(1);
    time("parse one issue spec", spec.len(), || {
        repro_lang::parse(FileId(0), &spec).expect("parses")
    });
}
