//! Speed target, measured (run with `cargo test --release --test bench_dry_run -- --ignored
//! --nocapture`): `repro run --dry-run` of a 1,000-point sweep of the flagship spec (compile,
//! offline source pin, one rendered `templates/nemo.sbatch` per point, nothing written): under
//! 1 s. The node counts are powers of two so that every point's NeMo `MINIBS` divides evenly
//! (a layout that does not is an error at lock time). Ignored by default: timings are printed,
//! never asserted.

use std::path::Path;
use std::time::Instant;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

#[test]
#[ignore]
fn bench_dry_run_of_a_1000_point_sweep() {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["specs", "templates"] {
        copy_dir(&Path::new(ROOT).join(sub), &dir.path().join(sub));
    }
    let batches: Vec<String> = (1..=50).map(|i| (i * 256).to_string()).collect();
    let spec = format!(
        "use \"gpt3-512xh200.run\"\n\nrun \"gpt3-sweep\" extends \"gpt3-512xh200\" {{\n  sweep nodes in [2, 4, 8, 16, 32, 64, 128, 256, 512, 1024]\n  sweep global_batch_size in [{}]\n  sweep opt_base_learning_rate in [2e-5, 3e-5]\n}}\n",
        batches.join(", ")
    );
    std::fs::write(dir.path().join("specs/gpt3-sweep.run"), spec).unwrap();
    let run = || {
        let start = Instant::now();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_repro"))
            .args(["run", "--offline", "--dry-run", "specs/gpt3-sweep.run"])
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let scripts = String::from_utf8_lossy(&out.stdout)
            .matches("#SBATCH --job-name=")
            .count();
        assert_eq!(scripts, 1000);
        start.elapsed().as_secs_f64()
    };
    run();
    let mut times: Vec<f64> = (0..5).map(|_| run()).collect();
    times.sort_by(f64::total_cmp);
    println!(
        "repro run --dry-run, 1,000-point sweep: {:.0} ms (median of 5; target < 1000 ms)",
        times[2] * 1000.0
    );
    assert!(!dir.path().join("lockfiles").exists() && !dir.path().join("runs").exists());
}
