//! Shared helpers of the MLPerf integration tests: where the published fixtures and the
//! official checker are.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The published v4.1 sample: `$REPRO_SHARED/fixtures/mlperf-training-4.1`, else `../shared`
/// beside the repository (CI) or `/work/shared`. `None` (and a visible note) when absent.
pub fn fixtures() -> Option<PathBuf> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let candidates = std::env::var_os("REPRO_SHARED")
        .map(PathBuf::from)
        .into_iter()
        .chain([
            repo.join("../shared"),
            repo.join("shared"),
            PathBuf::from("/work/shared"),
        ]);
    for shared in candidates {
        let dir = shared.join("fixtures/mlperf-training-4.1");
        if dir.is_dir() {
            return Some(dir);
        }
    }
    eprintln!(
        "SKIPPED: MLPerf fixtures not found (set REPRO_SHARED or put `shared/` beside the repo)"
    );
    None
}

/// A Python with `mlperf_logging` installed: `$REPRO_MLPERF_PYTHON`, else the venv that
/// `scripts/install-mlperf-logging.sh` makes, else `python3`. `None` (and a visible note) if
/// none can import it.
pub fn official_python() -> Option<PathBuf> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let candidates = std::env::var_os("REPRO_MLPERF_PYTHON")
        .map(PathBuf::from)
        .into_iter()
        .chain([
            repo.join("target/mlperf-venv/bin/python3"),
            PathBuf::from("python3"),
        ]);
    for py in candidates {
        let ok = std::process::Command::new(&py)
            .args(["-c", "import mlperf_logging.compliance_checker"])
            .output()
            .is_ok_and(|o| o.status.success());
        if ok {
            return Some(py);
        }
    }
    eprintln!(
        "SKIPPED: the official checker is not installed (run scripts/install-mlperf-logging.sh)"
    );
    None
}

/// The `result_*.txt` files of a folder, sorted.
pub fn result_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("result_")
        })
        .collect();
    files.sort();
    files
}

/// Copies a folder recursively (a scratch copy for tools that write into their input).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let target = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_dir(&p, &target);
        } else {
            std::fs::copy(&p, &target).unwrap();
        }
    }
}
