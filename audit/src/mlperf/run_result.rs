//! One result file, checked: compliance, time to train, what the RCP and package checks read.

use std::path::{Path, PathBuf};

use super::compliance::{check_compliance, Compliance};
use super::energy;
use super::error::MlperfError;
use super::mllog::{LogLine, MlLog, OversizedLine, ParseFailure};
use super::rcp::{self, RcpRun};
use super::rulebook::RuleBook;
use super::score::{Minutes, RunUse};

/// One result file, checked.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RunResult {
    /// The file.
    pub path: PathBuf,
    /// Its compliance verdict.
    pub compliance: Compliance,
    /// Lines that failed to parse.
    pub parse_failures: Vec<ParseFailure>,
    /// Lines over [`super::mllog::MAX_LINE`], skipped unread.
    pub oversized: Vec<OversizedLine>,
    /// `(run_stop - run_start) / 60000` when compliant.
    pub ttt: Option<Minutes>,
    /// Energy to train in joules, when the folder ships power logs and the run is compliant;
    /// the reason when it cannot be computed.
    pub energy: Option<Result<f64, String>>,
    /// Role in the olympic mean (set by [`score_benchmark`]).
    pub used: RunUse,
    /// What the RCP check reads from this run.
    pub rcp: RcpRun,
    /// The first value and file line of every key logged (hparams, `submission_*`), for
    /// cross-checks and `--spec`.
    pub hparams: Vec<(String, serde_json::Value, u32)>,
    /// `run_stop` status, if logged.
    pub run_stop_status: Option<String>,
    /// The first `seed` value and its metadata source (file, lineno), for the seed check.
    pub seed: Option<(serde_json::Value, serde_json::Value, serde_json::Value)>,
    /// Whether any `seed` was logged.
    pub seed_count: usize,
    /// Every `eval_accuracy`: `(epoch_num or samples_count, value)`, in log order (the
    /// convergence curve of the HTML report).
    pub curve: Vec<(f64, f64)>,
}

impl RunResult {
    /// Reads and checks one result file.
    pub fn check(path: &Path, book: &RuleBook) -> Result<Self, MlperfError> {
        Ok(Self::from_log(path, &MlLog::read(path)?, book))
    }

    /// Checks an already parsed log.
    pub fn from_log(path: &Path, log: &MlLog, book: &RuleBook) -> Self {
        let compliance = check_compliance(log, book);
        let ttt_ms = compliance
            .passed
            .then(|| time_to_train(&log.lines))
            .flatten();
        let ttt = ttt_ms.map(|ms| ms / 60.0 / 1000.0);
        let dir = path.parent().unwrap_or(Path::new("."));
        let energy = ttt_ms
            .filter(|_| energy::has_power(dir))
            .map(|ms| energy::run_energy(dir, path, ms));
        let mut hparams: Vec<(String, serde_json::Value, u32)> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for l in &log.lines {
            if seen.insert(l.key.as_str()) {
                hparams.push((l.key.clone(), l.value.clone(), l.file_line));
            }
        }
        let run_stop_status = log
            .lines
            .iter()
            .find(|l| l.key == "run_stop")
            .and_then(|l| l.metadata.get("status"))
            .map(|s| s.as_str().map_or_else(|| s.to_string(), str::to_owned));
        let seeds: Vec<&LogLine> = log.lines.iter().filter(|l| l.key == "seed").collect();
        let seed = seeds.first().map(|l| {
            let md = |k: &str| l.metadata.get(k).cloned().unwrap_or_default();
            (l.value.clone(), md("file"), md("lineno"))
        });
        let curve = log
            .lines
            .iter()
            .filter(|l| l.key == "eval_accuracy")
            .filter_map(|l| {
                let md = |k: &str| l.metadata.get(k).and_then(serde_json::Value::as_f64);
                Some((
                    md("samples_count").or_else(|| md("epoch_num"))?,
                    l.value.as_f64()?,
                ))
            })
            .collect();
        RunResult {
            curve,
            path: path.to_owned(),
            used: if ttt.is_some() {
                RunUse::Used
            } else {
                RunUse::NonCompliant
            },
            compliance,
            energy,
            parse_failures: log.failures.clone(),
            oversized: log.oversized.clone(),
            ttt,
            rcp: rcp::read_run(log, book.sd_bounds),
            hparams,
            run_stop_status,
            seed,
            seed_count: seeds.len(),
        }
    }

    /// The first logged value of `submission_<name>`.
    pub fn submission(&self, name: &str) -> Option<&serde_json::Value> {
        let key = format!("submission_{name}");
        self.hparams
            .iter()
            .find(|(k, _, _)| *k == key)
            .map(|(_, v, _)| v)
    }
}

/// `_query_run_start_stop`: scan until both a `run_start` and a `run_stop` have been seen;
/// milliseconds.
fn time_to_train(lines: &[LogLine]) -> Option<f64> {
    let (mut start, mut stop) = (None, None);
    for l in lines {
        if l.key == "run_start" {
            start = Some(l.time_ms);
        }
        if l.key == "run_stop" {
            stop = Some(l.time_ms);
        }
        if let (Some(a), Some(b)) = (start, stop) {
            return Some(b - a);
        }
    }
    None
}
