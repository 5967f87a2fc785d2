//! Speed targets, measured (run with `cargo test -p repro-runner --test local_bench --
//! --ignored --nocapture`; add `--release` for release numbers). Ignored by default: timings
//! are printed, never asserted in the normal test run.
//!
//! - repro's overhead per run on top of a workload that exits at once: under 50 ms;
//! - the probe on a machine without a GPU: under 200 ms.

use std::path::Path;
use std::time::Instant;

use repro_runner::exec::{CancelFlag, Local};
use repro_runner::session::{run_session, MlperfScorer, RunPlan, SessionOptions};
use repro_runner::store::ResultStore;
use serde_json::json;

const RUNS: u32 = 30;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
}

#[test]
#[ignore]
fn bench_probe() {
    let start = Instant::now();
    let n = 20;
    for _ in 0..n {
        std::hint::black_box(repro_runner::probe::probe_live());
    }
    let per = start.elapsed().as_secs_f64() * 1000.0 / f64::from(n);
    let record = repro_runner::probe::probe_live();
    println!(
        "probe: {per:.2} ms per call (gpu: {})",
        record.gpu.note.as_deref().unwrap_or("present")
    );
}

#[test]
#[ignore]
fn bench_overhead_per_run() {
    let dir = tempfile::tempdir().unwrap();
    // What the workload costs by itself: bash running the launch script that execs `true`.
    let script = dir.path().join("raw.sh");
    std::fs::write(
        &script,
        "#!/usr/bin/env bash\nset -euo pipefail\nexec true\n",
    )
    .unwrap();
    let start = Instant::now();
    for _ in 0..RUNS {
        assert!(std::process::Command::new("bash")
            .arg(&script)
            .status()
            .unwrap()
            .success());
    }
    let raw = start.elapsed().as_secs_f64() * 1000.0 / f64::from(RUNS);

    let plan: RunPlan = serde_json::from_value(json!({
        "name": "bench", "plan_hash": "p", "lock_hash": "l",
        "launch": {"template": root().join("templates/local.sh"), "nodes": 1, "ranks_per_node": 1,
                   "values": {"command": "true", "args": [], "env": {}}},
        "ruleset": "smoke-local", "rules": root().join("specs/rules/smoke-local.run"),
        "runs": RUNS, "time_limit_s": 60, "tolerance": 0.05,
    }))
    .unwrap();
    let scorer = MlperfScorer::for_plan(&plan).unwrap();
    let store = ResultStore::new(dir.path().join("results"));
    let options = SessionOptions {
        allow_drift: false,
        runs_dir: dir.path().join("runs"),
    };
    let start = Instant::now();
    let stored = run_session(
        &plan,
        &Local::default(),
        &scorer,
        &store,
        &options,
        &CancelFlag::new(),
        &mut |_| {},
    )
    .unwrap();
    let total = start.elapsed().as_secs_f64() * 1000.0;
    assert_eq!(stored.record.runs.len(), RUNS as usize);
    let per_run = total / f64::from(RUNS);
    println!(
        "session: {total:.1} ms for {RUNS} runs = {per_run:.2} ms per run; workload alone (bash + exec true) {raw:.2} ms; overhead {:.2} ms per run (probe, rendering, scoring, hashing and storing included)",
        per_run - raw
    );
}
