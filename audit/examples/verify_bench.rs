//! Bench: `repro verify` on a synthetic round of ~1,300 result files (~270 MB), built from
//! copies of the published fixtures in a temporary folder.
//!
//! ```text
//! cargo run --release -p repro-runner --example verify_bench            # repro only
//! cargo run --release -p repro-runner --example verify_bench -- --official   # and the official summarizer
//! ```
//!
//! The round mixes the fixtures' sizes to match the real v4.1 round's average (104 copies of
//! Azure's llama2 folder, 35 of NVIDIA's gpt3, 15 of Oracle's 1.5 MB-per-run llama2 folder),
//! each copy a submitter of its own. `--official` also times
//! `python3 -m mlperf_logging.result_summarizer '<round>/{*}' training 4.1.0` (which does the
//! same compliance, scoring and RCP work) on a second copy, since it writes into the tree.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use repro_audit::verify::{verify, VerifyOptions};

fn fixtures() -> PathBuf {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    std::env::var_os("REPRO_SHARED")
        .map(PathBuf::from)
        .into_iter()
        .chain([repo.join("../shared"), PathBuf::from("/work/shared")])
        .map(|s| s.join("fixtures/mlperf-training-4.1"))
        .find(|p| p.is_dir())
        .unwrap_or_else(|| {
            eprintln!("fixtures not found: set REPRO_SHARED");
            std::process::exit(2)
        })
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<u64> {
    std::fs::create_dir_all(to)?;
    let mut bytes = 0;
    for e in std::fs::read_dir(from)? {
        let p = e?.path();
        let target = to.join(p.file_name().unwrap_or_default());
        bytes += if p.is_dir() {
            copy_dir(&p, &target)?
        } else {
            std::fs::copy(&p, &target)?
        };
    }
    Ok(bytes)
}

fn build_round(root: &Path) -> std::io::Result<(usize, u64)> {
    let f = fixtures();
    let (mut files, mut bytes) = (0, 0);
    for (org, copies, runs) in [("Azure", 104, 10), ("NVIDIA", 35, 3), ("Oracle", 15, 10)] {
        for i in 0..copies {
            bytes += copy_dir(&f.join(org), &root.join(format!("{org}{i:03}")))?;
            files += runs;
        }
    }
    Ok((files, bytes))
}

fn main() -> std::io::Result<()> {
    let official = std::env::args().any(|a| a == "--official");
    let dir = tempfile::tempdir()?;
    let round = dir.path().join("round");
    let t = Instant::now();
    let (files, bytes) = build_round(&round)?;
    println!(
        "built round: {files} result files, {:.0} MB in {:.1}s",
        bytes as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );
    let opts = VerifyOptions {
        ruleset: "mlperf-training-4.1".into(),
        spec: None,
    };
    let mut best = f64::INFINITY;
    for i in 0..3 {
        let t = Instant::now();
        let report = verify(std::slice::from_ref(&round), &opts).map_err(std::io::Error::other)?;
        let s = t.elapsed().as_secs_f64();
        best = best.min(s);
        println!(
            "repro verify run {}: {s:.3}s wall, {} folders, all passed: {}",
            i + 1,
            report.benchmarks.len(),
            report.passed()
        );
    }
    println!(
        "repro verify best: {best:.3}s on {} threads",
        rayon::current_num_threads()
    );
    if official {
        let python = std::env::var("REPRO_MLPERF_PYTHON").unwrap_or_else(|_| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../target/mlperf-venv/bin/python3")
                .display()
                .to_string()
        });
        let copy = dir.path().join("official");
        copy_dir(&round, &copy)?;
        let t = Instant::now();
        let out = Command::new(&python)
            .args(["-m", "mlperf_logging.result_summarizer"])
            .arg(format!("{}/{{*}}", copy.display()))
            .args(["training", "4.1.0", "--csv"])
            .arg(dir.path().join("summary.csv"))
            .current_dir(dir.path())
            .output()?;
        let s = t.elapsed().as_secs_f64();
        println!(
            "official result_summarizer: {s:.1}s wall (exit {}), ratio {:.0}x",
            out.status,
            s / best
        );
    }
    Ok(())
}
