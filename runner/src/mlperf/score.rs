//! The official score of one benchmark folder: compliance per run, time to train, olympic
//! mean with non-compliant runs counted as dropped, and the RCP scaling factor.

use std::path::{Path, PathBuf};

use super::compliance::{check_compliance, Compliance};
use super::error::MlperfError;
use super::mllog::{LogLine, MlLog, ParseFailure};
use super::rcp::{self, RcpCheck, RcpRun, RcpTable};
use super::rulebook::RuleBook;
use crate::stats::mean;

/// Minutes, the unit of MLPerf Training scores.
pub type Minutes = f64;

/// What happened to one run in the olympic mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RunUse {
    /// Averaged.
    Used,
    /// Dropped as the fastest compliant run.
    DroppedFastest,
    /// Dropped as the slowest compliant run.
    DroppedSlowest,
    /// Not compliant: not scored, counts as the dropped slowest run.
    NonCompliant,
}

/// One result file, checked.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RunResult {
    /// The file.
    pub path: PathBuf,
    /// Its compliance verdict.
    pub compliance: Compliance,
    /// Lines that failed to parse.
    pub parse_failures: Vec<ParseFailure>,
    /// `(run_stop - run_start) / 60000` when compliant.
    pub ttt: Option<Minutes>,
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
}

impl RunResult {
    /// Reads and checks one result file.
    pub fn check(path: &Path, book: &RuleBook) -> Result<Self, MlperfError> {
        Ok(Self::from_log(path, &MlLog::read(path)?, book))
    }

    /// Checks an already parsed log.
    pub fn from_log(path: &Path, log: &MlLog, book: &RuleBook) -> Self {
        let compliance = check_compliance(log, book);
        let ttt = compliance
            .passed
            .then(|| time_to_train(&log.lines))
            .flatten();
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
        RunResult {
            path: path.to_owned(),
            used: if ttt.is_some() {
                RunUse::Used
            } else {
                RunUse::NonCompliant
            },
            compliance,
            parse_failures: log.failures.clone(),
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

/// `_query_run_start_stop`: scan until both a `run_start` and a `run_stop` have been seen.
fn time_to_train(lines: &[LogLine]) -> Option<Minutes> {
    let (mut start, mut stop) = (None, None);
    for l in lines {
        if l.key == "run_start" {
            start = Some(l.time_ms);
        }
        if l.key == "run_stop" {
            stop = Some(l.time_ms);
        }
        if let (Some(a), Some(b)) = (start, stop) {
            return Some((b - a) / 60.0 / 1000.0);
        }
    }
    None
}

/// The score of one benchmark folder.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BenchmarkScore {
    /// The runs, sorted by file name, with their role in the mean.
    pub runs: Vec<RunResult>,
    /// Non-compliant runs.
    pub dropped: usize,
    /// Olympic mean of the compliant TTTs; `None` with too many dropped runs.
    pub olympic_mean: Option<Minutes>,
    /// The RCP check (closed division only).
    pub rcp: Option<RcpCheck>,
    /// Olympic mean × RCP scaling factor: the official score.
    pub score: Option<Minutes>,
    /// Why there is no score, when there is none.
    pub no_score_reason: Option<String>,
}

/// Scores checked runs: `_compute_strong_score_standalone` plus the RCP factor.
pub fn score_benchmark(
    mut runs: Vec<RunResult>,
    rcp_table: Option<&RcpTable>,
    dropped_allowed: usize,
) -> BenchmarkScore {
    runs.sort_by(|a, b| a.path.cmp(&b.path));
    let dropped = runs.iter().filter(|r| r.ttt.is_none()).count();
    let mut order: Vec<usize> = (0..runs.len()).filter(|&i| runs[i].ttt.is_some()).collect();
    order.sort_by(|&a, &b| {
        runs[a]
            .ttt
            .unwrap_or(0.0)
            .total_cmp(&runs[b].ttt.unwrap_or(0.0))
    });
    let (mut olympic_mean, mut no_score_reason) = (None, None);
    if dropped > dropped_allowed {
        no_score_reason = Some(format!("too many non-converging runs: {dropped} failed compliance, at most {dropped_allowed} may"));
    } else {
        let high = dropped_allowed - dropped;
        let counted = order.len().saturating_sub(high);
        let kept = order.get(dropped_allowed..counted).unwrap_or_default();
        for (rank, &i) in order.iter().enumerate() {
            runs[i].used = if rank < dropped_allowed {
                RunUse::DroppedFastest
            } else if rank >= counted {
                RunUse::DroppedSlowest
            } else {
                RunUse::Used
            };
        }
        let ttts: Vec<f64> = kept.iter().filter_map(|&i| runs[i].ttt).collect();
        if ttts.is_empty() {
            no_score_reason = Some("no run left to average after olympic dropping".to_owned());
        } else {
            olympic_mean = Some(ttts.iter().sum::<f64>() / ttts.len() as f64);
            debug_assert!(olympic_mean == Some(mean(&ttts)));
        }
    }
    let rcp = rcp_table.map(|t| {
        let rr: Vec<RcpRun> = runs.iter().map(|r| r.rcp.clone()).collect();
        rcp::check_runs(&rr, t)
    });
    let factor = rcp.as_ref().map_or(1.0, |c| c.scaling_factor);
    BenchmarkScore {
        score: olympic_mean.map(|m| m * factor),
        runs,
        dropped,
        olympic_mean,
        rcp,
        no_score_reason,
    }
}
