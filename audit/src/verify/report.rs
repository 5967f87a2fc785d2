//! The data `repro verify` produces; renderers turn it into text.

use std::path::PathBuf;

use crate::mlperf::package::Finding;
use crate::mlperf::rcp::RcpCheck;
use crate::mlperf::{Minutes, RunUse};

/// Pass or fail, or not checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Every check passed.
    Pass,
    /// Some check failed.
    Fail,
    /// Not a benchmark of the ruleset: skipped, as the official package checker does.
    Skipped,
}

/// One result file in a report.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RunReport {
    /// The file.
    pub file: PathBuf,
    /// Compliance verdict.
    pub compliant: bool,
    /// Time to train, minutes (compliant runs only).
    pub ttt_minutes: Option<Minutes>,
    /// Role in the olympic mean.
    pub olympic: RunUse,
    /// Failure messages: official first line, then where.
    pub messages: Vec<String>,
    /// Epochs/samples to converge as the RCP check reads them.
    pub samples_to_converge: f64,
    /// The run's evaluations: `[epoch_num or samples_count, eval_accuracy]`.
    pub curve: Vec<[f64; 2]>,
}

/// One benchmark folder.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BenchmarkReport {
    /// The folder.
    pub path: PathBuf,
    /// Submitter (folder name), if known.
    pub submitter: Option<String>,
    /// System (folder name).
    pub system: String,
    /// Benchmark (folder name).
    pub benchmark: String,
    /// Division used for the seed and RCP checks (system description, else the logs).
    pub division: Option<String>,
    /// Overall verdict.
    pub verdict: Verdict,
    /// The official score, minutes.
    pub score: Option<Minutes>,
    /// Olympic mean before RCP scaling.
    pub olympic_mean: Option<Minutes>,
    /// Runs the round lets fail for this benchmark (`RuleBook::dropped_allowed_for`); the
    /// olympic mean drops as many at each end. Not in the JSON (it is the round's data).
    #[serde(skip)]
    pub dropped_allowed: usize,
    /// The factor the score is scaled by.
    pub scaling_factor: f64,
    /// Where it comes from: `scaling.json` (shipped in the folder, as the official summarizer
    /// reads it), `rcp` (repro's RCP check) or `none` (no RCP check: 1.0).
    pub scaling_source: &'static str,
    /// Why there is no score.
    pub no_score_reason: Option<String>,
    /// The energy score in joules, where the folder ships power logs (`<benchmark>/power/`):
    /// the olympic mean of the runs' energies, scaled like the time score, as the official
    /// summarizer's `<benchmark>:Energy`.
    pub energy_joules: Option<f64>,
    /// Why a folder with power logs has no energy score.
    pub energy_unavailable: Option<String>,
    /// Runs averaged / runs present.
    pub runs_used: usize,
    /// Runs present.
    pub runs_total: usize,
    /// The RCP check (closed division).
    pub rcp: Option<RcpCheck>,
    /// Package-check findings.
    pub findings: Vec<Finding>,
    /// The runs.
    pub runs: Vec<RunReport>,
    /// Accelerators of the system (`number_of_nodes` × `accelerators_per_node` of the
    /// system description), for the cost of the result.
    pub accelerators: Option<u32>,
    /// `accelerator_model_name` of the system description.
    pub accelerator: Option<String>,
}

/// One system description.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SystemReport {
    /// `systems/<system>.json`.
    pub path: PathBuf,
    /// Pass when no error finding.
    pub verdict: Verdict,
    /// Findings.
    pub findings: Vec<Finding>,
}

/// Everything `repro verify` found.
#[derive(Debug, Clone, serde::Serialize)]
pub struct VerifyReport {
    /// The ruleset used.
    pub ruleset: String,
    /// Benchmark folders, in path order.
    pub benchmarks: Vec<BenchmarkReport>,
    /// System descriptions, in path order.
    pub systems: Vec<SystemReport>,
}

impl VerifyReport {
    /// Whether every verdict passed (skipped folders do not fail).
    pub fn passed(&self) -> bool {
        self.benchmarks.iter().all(|b| b.verdict != Verdict::Fail)
            && self.systems.iter().all(|s| s.verdict != Verdict::Fail)
    }
}
