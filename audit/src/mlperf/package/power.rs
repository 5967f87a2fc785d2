//! The official package checker's power checks (`package_checker/power_checker.py`,
//! mlperf-logging 4.1.68), for a benchmark folder with a `power/` folder:
//!
//! 1. every result `result_N.txt` has a folder `power/result_N/`;
//! 2. in it, the files whose names start with `node` (`sw`) are numbered `0..n-1` (the number
//!    after the last `_`, extension removed, with `n` the number of such files);
//! 3. every run has the same number of node (switch) files as the most common count.
//!
//! A result failing any of them counts as a non-compliant run, with the compliance failures,
//! towards the olympic limit (one run; four for unet3d). Quirks kept so that the verdict is the
//! official one: the range check does not catch repeated indices; the count check indexes the
//! result names by position among the runs that *have* a power folder, so with a run missing
//! its folder it names a neighbour; the most common count is the first seen on a tie. Where the
//! official checker stops with a Python exception (a `node`/`sw` file without a number, no run
//! with a power folder, `power/result_N` a file), this is an error finding saying so.

use std::collections::BTreeSet;
use std::path::Path;

use super::finding::{Finding, Severity};

/// The outcome of the power checks of one benchmark folder.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PowerCheck {
    /// Result names (`result_N`, the file stem) the checks reject.
    pub failed: BTreeSet<String>,
    /// One finding per official warning (and an error where the official checker crashes).
    pub findings: Vec<Finding>,
}

/// Runs the checks on `power` (the folder's `power/`) for `results`, the folder's result files.
pub fn check_power(power: &Path, results: &[std::path::PathBuf]) -> PowerCheck {
    let mut out = PowerCheck::default();
    let mut names: Vec<String> = results
        .iter()
        .map(|p| {
            p.file_stem()
                .map_or_else(String::new, |s| s.to_string_lossy().into_owned())
        })
        .collect();
    // `result_files.sort()` on full paths of one folder: the order of the names
    names.sort();
    let mut node_lens = Vec::new();
    let mut sw_lens = Vec::new();
    for name in &names {
        let dir = power.join(name);
        if !dir.exists() {
            out.warn(
                format!(
                    "the package has no power result for `{name}` (`power/{name}/` is missing)"
                ),
                &dir,
            );
            out.failed.insert(name.clone());
            continue;
        }
        let files = match list(&dir) {
            Ok(f) => f,
            Err(e) => {
                out.crash(format!("cannot list `power/{name}` ({e})"), &dir);
                return out;
            }
        };
        let nodes: Vec<&String> = files.iter().filter(|f| f.starts_with("node")).collect();
        let sws: Vec<&String> = files.iter().filter(|f| f.starts_with("sw")).collect();
        let (node_idx, sw_idx) = match (indices(&nodes), indices(&sws)) {
            (Ok(n), Ok(s)) => (n, s),
            (Err(f), _) | (_, Err(f)) => {
                out.crash(
                    format!("power file `{f}` has no number after its last `_` (ValueError)"),
                    &dir.join(f),
                );
                return out;
            }
        };
        if files.len() > nodes.len() + sws.len() {
            out.findings.push(Finding::new(
                Severity::Warning,
                "power",
                format!(
                    "{} files in `power/{name}`, some named neither `node_N` nor `sw_N`",
                    files.len()
                ),
                Some(dir.display().to_string()),
            ));
        }
        for (kind, idx) in [("node", &node_idx), ("sw", &sw_idx)] {
            if !in_range(idx) {
                out.warn(
                    format!(
                        "bad naming of the {kind} power files in `power/{name}`: expected `{kind}_x` with x in [0, {}]",
                        idx.len() as i64 - 1
                    ),
                    &dir,
                );
                out.failed.insert(name.clone());
            }
        }
        node_lens.push(nodes.len());
        sw_lens.push(sws.len());
    }
    for (kind, lens) in [("nodes", &node_lens), ("switches", &sw_lens)] {
        let Some(mode) = most_common(lens) else {
            out.crash(
                "no result has a power folder (max() of an empty sequence)".to_owned(),
                power,
            );
            return out;
        };
        for (i, _) in lens.iter().enumerate().filter(|(_, &n)| n != mode) {
            // the official checker names `result_names[i]`, i counting only the runs with a
            // power folder
            let name = &names[i];
            out.warn(
                format!("inconsistent number of {kind} in `power/{name}` (most runs have {mode})"),
                &power.join(name),
            );
            out.failed.insert(name.clone());
        }
    }
    out
}

impl PowerCheck {
    fn warn(&mut self, message: String, at: &Path) {
        self.findings.push(Finding::new(
            Severity::Warning,
            "power",
            message,
            Some(at.display().to_string()),
        ));
    }

    fn crash(&mut self, why: String, at: &Path) {
        self.findings.push(Finding::new(
            Severity::Error,
            "power",
            format!("{why}: the official package checker stops here with an exception"),
            Some(at.display().to_string()),
        ));
    }
}

/// The entry names of `dir` (files and folders, as `os.listdir`).
fn list(dir: &Path) -> std::io::Result<Vec<String>> {
    std::fs::read_dir(dir)?
        .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect()
}

/// `int(os.path.splitext(name)[0].split('_')[-1])` of each name, or the first name that has no
/// such number.
fn indices<'a>(names: &[&'a String]) -> Result<Vec<i64>, &'a str> {
    names
        .iter()
        .map(|n| {
            let stem = match n.rfind('.') {
                // a leading dot is not an extension (`splitext('.x') == ('.x', '')`)
                Some(i) if n[..i].chars().any(|c| c != '.') => &n[..i],
                _ => n.as_str(),
            };
            let last = stem.rsplit('_').next().unwrap_or(stem);
            last.trim().parse::<i64>().map_err(|_| n.as_str())
        })
        .collect()
}

/// `check_range`: every index is in `0..n` (repeats pass, as the official `seen` set is never
/// filled).
fn in_range(idx: &[i64]) -> bool {
    let n = idx.len() as i64;
    idx.iter().all(|&e| (0..n).contains(&e))
}

/// `max(counter, key=counter.get)`: the most common value, the first seen on a tie.
fn most_common(xs: &[usize]) -> Option<usize> {
    let mut counts: Vec<(usize, usize)> = Vec::new();
    for &x in xs {
        match counts.iter_mut().find(|(v, _)| *v == x) {
            Some(c) => c.1 += 1,
            None => counts.push((x, 1)),
        }
    }
    let best = counts.iter().map(|c| c.1).max()?;
    counts.iter().find(|c| c.1 == best).map(|c| c.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_index_and_mode_semantics() {
        let names = ["node_0.txt", "node_1", "nodes_x.txt"].map(String::from);
        let refs: Vec<&String> = names.iter().collect();
        assert_eq!(indices(&refs[..2]), Ok(vec![0, 1]));
        assert_eq!(indices(&refs), Err("nodes_x.txt"));
        assert!(in_range(&[1, 0]));
        assert!(in_range(&[0, 0]), "repeats pass, as officially");
        assert!(!in_range(&[1]));
        assert_eq!(most_common(&[2, 1, 1, 2]), Some(2));
        assert_eq!(most_common(&[1, 2, 2]), Some(2));
        assert_eq!(most_common(&[]), None);
    }
}
