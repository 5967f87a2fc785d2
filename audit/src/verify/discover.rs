//! From the PATHs given to `repro verify` to benchmark folders.

use std::path::{Path, PathBuf};

/// One folder of runs to score: `results/<system>/<benchmark>/`, or a single result file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenchmarkDir {
    /// The folder (for a single file, its parent).
    pub path: PathBuf,
    /// `result_*.txt` files, sorted (just the file, for a single file).
    pub files: Vec<PathBuf>,
    /// True when the user named one result file: no package checks apply.
    pub single_file: bool,
    /// The benchmark (folder name).
    pub benchmark: String,
    /// The system (parent folder name).
    pub system: String,
    /// `<submitter>/` when the folder sits in `<submitter>/results/<system>/<benchmark>`.
    pub submitter_root: Option<PathBuf>,
}

impl BenchmarkDir {
    /// The submitter's name (its folder name), if known.
    pub fn submitter(&self) -> Option<String> {
        Some(
            self.submitter_root
                .as_ref()?
                .file_name()?
                .to_string_lossy()
                .into_owned(),
        )
    }

    /// `<submitter>/systems/<system>.json`, if the folder sits in a submitter tree.
    pub fn system_desc_path(&self) -> Option<PathBuf> {
        Some(
            self.submitter_root
                .as_ref()?
                .join("systems")
                .join(format!("{}.json", self.system)),
        )
    }
}

/// Why a PATH gave nothing to verify.
#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    /// The path cannot be read.
    #[error("cannot read `{path}`: {cause}")]
    Io {
        /// The path.
        path: PathBuf,
        /// Why.
        cause: std::io::Error,
    },
    /// Nothing that looks like MLPerf results.
    #[error("no MLPerf results under `{0}`\nhelp: give a result file, `results/<system>/<benchmark>/`, a submitter folder (with `results/`) or a folder of submitter folders")]
    Empty(PathBuf),
}

/// Benchmark folders under `path`.
pub fn discover(path: &Path) -> Result<Vec<BenchmarkDir>, DiscoverError> {
    let meta = std::fs::metadata(path).map_err(|cause| DiscoverError::Io {
        path: path.to_owned(),
        cause,
    })?;
    if meta.is_file() {
        return Ok(vec![single_file(path)]);
    }
    let mut out = Vec::new();
    if !result_files(path)?.is_empty() {
        out.push(benchmark_dir(path)?);
    } else if path.join("results").is_dir() {
        submitter(&path.join("results"), &mut out)?;
    } else if path.file_name().is_some_and(|n| n == "results") {
        submitter(path, &mut out)?;
    } else {
        for child in subdirs(path)? {
            if child.join("results").is_dir() {
                submitter(&child.join("results"), &mut out)?;
            } else if !result_files(&child)?.is_empty() {
                out.push(benchmark_dir(&child)?);
            }
        }
    }
    if out.is_empty() {
        return Err(DiscoverError::Empty(path.to_owned()));
    }
    Ok(out)
}

fn submitter(results: &Path, out: &mut Vec<BenchmarkDir>) -> Result<(), DiscoverError> {
    for system in subdirs(results)? {
        for bench in subdirs(&system)? {
            out.push(benchmark_dir(&bench)?);
        }
    }
    Ok(())
}

fn name(p: &Path) -> String {
    p.file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
}

fn single_file(path: &Path) -> BenchmarkDir {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut b = names(dir);
    b.files = vec![path.to_owned()];
    b.single_file = true;
    b
}

fn benchmark_dir(dir: &Path) -> Result<BenchmarkDir, DiscoverError> {
    let mut b = names(dir);
    b.files = result_files(dir)?;
    Ok(b)
}

fn names(dir: &Path) -> BenchmarkDir {
    let system_dir = dir.parent();
    let results = system_dir.and_then(Path::parent);
    let root = results
        .filter(|r| name(r) == "results")
        .and_then(Path::parent);
    BenchmarkDir {
        path: dir.to_owned(),
        files: Vec::new(),
        single_file: false,
        benchmark: name(dir),
        system: system_dir.map(name).unwrap_or_default(),
        submitter_root: root.map(|r| {
            if r.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                r.to_owned()
            }
        }),
    }
}

fn read_dir_sorted(dir: &Path) -> Result<Vec<PathBuf>, DiscoverError> {
    let io = |cause| DiscoverError::Io {
        path: dir.to_owned(),
        cause,
    };
    let mut entries = std::fs::read_dir(dir)
        .map_err(io)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(io)?;
    entries.sort();
    Ok(entries)
}

fn subdirs(dir: &Path) -> Result<Vec<PathBuf>, DiscoverError> {
    Ok(read_dir_sorted(dir)?
        .into_iter()
        .filter(|p| p.is_dir())
        .collect())
}

/// `result_*.txt` in `dir`, sorted (the official glob).
fn result_files(dir: &Path) -> Result<Vec<PathBuf>, DiscoverError> {
    Ok(read_dir_sorted(dir)?
        .into_iter()
        .filter(|p| {
            let n = name(p);
            p.is_file() && n.starts_with("result_") && n.ends_with(".txt")
        })
        .collect())
}
