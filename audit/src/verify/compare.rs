//! `repro compare A B`: the speed-up of A over B under official scoring, split into
//! throughput and convergence, each with a seeded bootstrap CI over the runs.
//!
//! Decomposition. TTT = samples to converge / throughput, so
//! `speed-up = score_B / score_A = (throughput_A / throughput_B) × (samples_B / samples_A)`.
//! The speed-up is the official one (olympic means, RCP scaling). The convergence part is the
//! ratio of mean samples-to-converge over the runs the olympic mean used; the throughput part
//! is the ratio of mean per-run throughput (samples to converge / TTT) over the same runs.
//! Their product differs from the speed-up only by the averaging; the residual is shown.

use std::path::{Path, PathBuf};

use super::report::{BenchmarkReport, VerifyReport};
use super::run::{verify, VerifyError, VerifyOptions};
use crate::mlperf::RunUse;
use crate::stats::{bootstrap_ratio_ci, mean, olympic_mean, ConfidenceInterval};

/// Bootstrap replicates and seed: fixed, so `compare` is deterministic.
const REPLICATES: usize = 10_000;
const SEED: u64 = 0x5eed_2024_0411;
const LEVEL: f64 = 0.95;

/// One factor of the speed-up.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Part {
    /// `speedup`, `throughput` or `convergence`.
    pub name: &'static str,
    /// The ratio (A better than B when > 1) and its CI.
    pub ci: ConfidenceInterval,
}

/// What a claim gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimVerdict {
    /// The whole CI is at or above the claimed speed-up.
    Supported,
    /// The whole CI is below it.
    NotSupported,
    /// The CI straddles it.
    Inconclusive,
}

/// The result of `compare`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CompareReport {
    /// Folder A.
    pub a: PathBuf,
    /// Folder B.
    pub b: PathBuf,
    /// Official score of A, minutes.
    pub score_a: f64,
    /// Official score of B, minutes.
    pub score_b: f64,
    /// Speed-up, throughput and convergence parts.
    pub parts: Vec<Part>,
    /// `throughput × convergence / speed-up` (1 when the averaging agrees).
    pub residual: f64,
    /// The claimed speed-up ratio (1.28 for `--claim 28%`), if any.
    pub claim: Option<f64>,
    /// The claim's verdict.
    pub verdict: Option<ClaimVerdict>,
    /// The benchmark compared, when both sides name it.
    pub benchmark: Option<String>,
    /// Accelerators of A and B, if known (for the cost per result).
    pub accelerators: [Option<u32>; 2],
    /// Accelerator models of A and B, if known.
    pub accelerator: [Option<String>; 2],
    /// Bootstrap resamples behind every interval.
    pub resamples: usize,
    /// The intervals' confidence level (0.95).
    pub level: f64,
}

/// Why compare could not run.
#[derive(Debug, thiserror::Error)]
pub enum CompareError {
    /// A folder could not be verified.
    #[error(transparent)]
    Verify(#[from] VerifyError),
    /// A PATH is not exactly one benchmark folder.
    #[error("`{0}` holds {1} benchmark folders, compare needs exactly one\nhelp: give `results/<system>/<benchmark>/`")]
    NotOne(PathBuf, usize),
    /// A folder has no official score.
    #[error("`{0}` has no official score: {1}")]
    NoScore(PathBuf, String),
    /// A saved result record could not be read.
    #[error("cannot read result record `{0}`: {1}")]
    Record(PathBuf, String),
    /// Too few compliant runs to resample.
    #[error("too few compliant runs to compare `{0}` with `{1}`")]
    TooFewRuns(PathBuf, PathBuf),
    /// The two folders are different benchmarks.
    #[error("`{a}` is `{ba}` but `{b}` is `{bb}`: speed-ups only compare the same benchmark")]
    Mismatch {
        /// A.
        a: PathBuf,
        /// A's benchmark.
        ba: String,
        /// B.
        b: PathBuf,
        /// B's benchmark.
        bb: String,
    },
}

/// One side of a comparison, whatever it was read from: the official score (minutes), the
/// RCP factor it includes, every scored run's time to train (minutes, what the speed-up
/// resamples), and samples to converge and throughput of the runs the score used.
///
/// A benchmark folder becomes a side through [`Side::from_folder`]; the runner turns its own
/// result records into sides (the audit crate does not know the runner's store).
#[derive(Debug, Clone)]
pub struct Side {
    /// Where the side was read from.
    pub path: PathBuf,
    /// `None` for a saved result record, which does not name an MLPerf benchmark.
    pub benchmark: Option<String>,
    /// Official score, minutes.
    pub score: f64,
    /// The RCP scaling factor the score includes (1 when none).
    pub factor: f64,
    /// Every scored run's time to train, minutes.
    pub ttt: Vec<f64>,
    /// Runs the score's olympic mean may lose to failures and drops at each end: the round's
    /// count for the benchmark, or the plan's (`RunPlan::dropped_allowed`) for a result record.
    pub dropped_allowed: usize,
    /// Samples to converge of the runs the score used.
    pub samples: Vec<f64>,
    /// Samples per minute of the runs the score used.
    pub throughput: Vec<f64>,
    /// Accelerators the result ran on, if known (for its cost).
    pub accelerators: Option<u32>,
    /// Their model name, if known.
    pub accelerator: Option<String>,
}

impl Side {
    /// A benchmark folder (or anything `verify` reduces to exactly one).
    pub fn from_folder(path: &Path, ruleset: &str) -> Result<Side, CompareError> {
        let opts = VerifyOptions {
            ruleset: ruleset.to_owned(),
            spec: None,
        };
        Side::from_report(path, one(path, verify(&[path.to_owned()], &opts)?)?)
    }

    fn from_report(path: &Path, r: BenchmarkReport) -> Result<Side, CompareError> {
        let score = r.score.ok_or_else(|| {
            CompareError::NoScore(
                path.to_owned(),
                r.no_score_reason.clone().unwrap_or_default(),
            )
        })?;
        let used: Vec<&super::report::RunReport> = r
            .runs
            .iter()
            .filter(|x| x.olympic == RunUse::Used)
            .collect();
        Ok(Side {
            path: path.to_owned(),
            score,
            factor: r.scaling_factor,
            ttt: r.runs.iter().filter_map(|x| x.ttt_minutes).collect(),
            dropped_allowed: r.dropped_allowed,
            samples: used.iter().map(|x| x.samples_to_converge).collect(),
            throughput: used
                .iter()
                .map(|x| x.samples_to_converge / x.ttt_minutes.unwrap_or(f64::NAN))
                .collect(),
            benchmark: Some(r.benchmark),
            accelerators: r.accelerators,
            accelerator: r.accelerator,
        })
    }
}

/// Compares `a` with `b` (benchmark folders or saved result records); `claim` is a speed-up
/// ratio (1.28 for "28 %").
pub fn compare(ra: Side, rb: Side, claim: Option<f64>) -> Result<CompareReport, CompareError> {
    let (a, b) = (ra.path.clone(), rb.path.clone());
    let (a, b) = (a.as_path(), b.as_path());
    if let (Some(ba), Some(bb)) = (&ra.benchmark, &rb.benchmark) {
        if ba != bb {
            return Err(CompareError::Mismatch {
                a: a.to_owned(),
                ba: ba.clone(),
                b: b.to_owned(),
                bb: bb.clone(),
            });
        }
    }
    let (score_a, score_b) = (ra.score, rb.score);
    let (fa, fb) = (ra.factor, rb.factor);
    // each resample is scored like its side: the round's olympic cut over the scored runs
    // (failed runs are not resampled), the plain mean when too few runs to drop any; one
    // statistic serves both sides, so sides of one benchmark from rounds that differ take
    // the larger count
    let olympic = |m: usize| {
        move |xs: &[f64]| {
            if xs.len() > 2 * m {
                olympic_mean(xs, m, m)
            } else {
                Some(mean(xs))
            }
        }
    };
    // speed-up = score_B / score_A: resample TTTs, keep each side's RCP factor
    let few = || CompareError::TooFewRuns(a.to_owned(), b.to_owned());
    let mut speedup = bootstrap_ratio_ci(
        &rb.ttt,
        &ra.ttt,
        olympic(ra.dropped_allowed.max(rb.dropped_allowed)),
        REPLICATES,
        LEVEL,
        SEED,
    )
    .ok_or_else(few)?;
    speedup.estimate = score_b / score_a;
    speedup.low *= fb / fa;
    speedup.high *= fb / fa;
    let plain = |xs: &[f64]| Some(mean(xs));
    let convergence =
        bootstrap_ratio_ci(&rb.samples, &ra.samples, plain, REPLICATES, LEVEL, SEED + 1)
            .ok_or_else(few)?;
    let thr = bootstrap_ratio_ci(
        &ra.throughput,
        &rb.throughput,
        plain,
        REPLICATES,
        LEVEL,
        SEED + 2,
    )
    .ok_or_else(few)?;
    let residual = thr.estimate * convergence.estimate / speedup.estimate;
    let verdict = claim.map(|c| {
        if speedup.low >= c {
            ClaimVerdict::Supported
        } else if speedup.high < c {
            ClaimVerdict::NotSupported
        } else {
            ClaimVerdict::Inconclusive
        }
    });
    Ok(CompareReport {
        benchmark: ra.benchmark.or(rb.benchmark),
        accelerators: [ra.accelerators, rb.accelerators],
        accelerator: [ra.accelerator, rb.accelerator],
        resamples: REPLICATES,
        level: LEVEL,
        a: ra.path,
        b: rb.path,
        score_a,
        score_b,
        parts: vec![
            Part {
                name: "speedup",
                ci: speedup,
            },
            Part {
                name: "throughput",
                ci: thr,
            },
            Part {
                name: "convergence",
                ci: convergence,
            },
        ],
        residual,
        claim,
        verdict,
    })
}

fn one(path: &Path, mut report: VerifyReport) -> Result<BenchmarkReport, CompareError> {
    match report.benchmarks.len() {
        1 => Ok(report.benchmarks.remove(0)),
        n => Err(CompareError::NotOne(path.to_owned(), n)),
    }
}
