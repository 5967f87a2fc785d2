use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Map, Value};

use super::{logged_hparam_drift, nccl_loaded, ScoreError, Scorer};
use crate::probe::Drift;
use crate::store::RunMetrics;
use repro_audit::mlperf::{MlLog, MlperfError, RuleBook, RunResult};

/// Scores a run's log with the MLPerf parser and compliance engine (`repro_audit::mlperf`) and a
/// rule book: time to train as the official summarizer computes it, convergence as
/// "compliant (the rule set's accuracy `target` included) and `run_stop` status success".
pub struct MlperfScorer {
    book: RuleBook,
    /// The plan's hparams and where the spec pins them: what the job's log must report.
    hparams: Map<String, Value>,
    hparam_lines: BTreeMap<String, String>,
    /// `software.nccl`, held against what rank 0 loaded.
    nccl: Option<String>,
}

impl MlperfScorer {
    pub fn new(book: RuleBook) -> MlperfScorer {
        MlperfScorer {
            book,
            hparams: Map::new(),
            hparam_lines: BTreeMap::new(),
            nccl: None,
        }
    }

    /// Also hold each run's logged hparams against the plan's (see [`logged_hparam_drift`]).
    pub fn checking_hparams(mut self, plan: &super::RunPlan) -> MlperfScorer {
        if let Some(Value::Object(h)) = plan.launch.values.get("hparams") {
            self.hparams = h.clone();
        }
        self.hparam_lines = plan.hparam_lines.clone();
        self.nccl = plan.pins.nccl.clone();
        self
    }

    /// A rule book made of the rule sets in one file (`specs/rules/smoke-local.run`); the file
    /// declares `olympic_dropped_allowed` (see [`RuleBook::of_rules_file`]).
    pub fn from_rules_file(name: &str, path: &Path) -> Result<MlperfScorer, MlperfError> {
        let sets = repro_compiler::rules::lower::read_file(path)?;
        let mut book = RuleBook::of_rules_file(name, sets)?;
        book.sd_bounds = (90.0, 0.15);
        Ok(MlperfScorer::new(book))
    }
}

impl Scorer for MlperfScorer {
    fn score(&self, path: &Path) -> Result<RunMetrics, ScoreError> {
        let log = MlLog::read(path).map_err(|e| ScoreError {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        let run = RunResult::from_log(path, &log, &self.book);
        let nccl = std::fs::read_to_string(path)
            .ok()
            .and_then(|text| nccl_loaded(&text));
        let nccl_drift = match (&self.nccl, &nccl) {
            (Some(pinned), Some(loaded)) if *pinned != loaded.version => Some(Drift {
                field: "nccl (loaded by rank 0)".to_string(),
                pinned: pinned.clone(),
                found: loaded.version.clone(),
            }),
            _ => None,
        };
        let converged = run.compliance.passed && run.run_stop_status.as_deref() == Some("success");
        let ttt_s = run.ttt.map(seconds);
        let samples = (converged && run.rcp.converged)
            .then(|| train_samples(&log).map(|n| n * run.rcp.epochs))
            .flatten();
        Ok(RunMetrics {
            ttt_s,
            converged,
            samples_to_converge: samples,
            throughput: samples
                .zip(ttt_s)
                .filter(|(_, t)| *t > 0.0)
                .map(|(s, t)| s / t),
            messages: messages(&run),
            hparams_drift: logged_hparam_drift(&self.hparams, &self.hparam_lines, &log),
            nccl_loaded: nccl,
            nccl_drift,
        })
    }
}

/// MLPerf's minutes back to seconds, rounded to the microsecond so that a log's whole-ms
/// timestamps give whole-ms seconds (61.5, not 61.49999999999999).
fn seconds(minutes: f64) -> f64 {
    (minutes * 60e6).round() / 1e6
}

/// `train_samples` is samples per epoch; epochs x samples is what converging cost.
fn train_samples(log: &MlLog) -> Option<f64> {
    log.lines
        .iter()
        .find(|l| l.key == "train_samples")?
        .value
        .as_f64()
}

fn messages(run: &RunResult) -> Vec<String> {
    let parse = run
        .parse_failures
        .iter()
        .map(|f| format!("line {}: {}", f.file_line, f.message));
    let compliance = run.compliance.messages.iter().map(|m| {
        let line = m
            .file_line
            .map(|l| format!("line {l}: "))
            .unwrap_or_default();
        format!("{line}{} {}", m.text, m.detail)
            .trim_end()
            .to_string()
    });
    parse.chain(compliance).collect()
}

impl MlperfScorer {
    /// The scorer a plan asks for: a shipped rule book by name, or the plan's rules file.
    pub fn for_plan(plan: &super::RunPlan) -> Result<MlperfScorer, ScoreError> {
        Self::rule_book(&plan.ruleset, plan.rules.as_deref())
            .map(|b| MlperfScorer::new(b).checking_hparams(plan))
    }

    /// The rule book of a rule set: the shipped round by name, or the book of the rule sets
    /// in `rules`.
    pub fn rule_book(ruleset: &str, rules: Option<&Path>) -> Result<RuleBook, ScoreError> {
        let fail = |path: &Path, e: MlperfError| ScoreError {
            path: path.to_path_buf(),
            message: e.to_string(),
        };
        if let Some(book) = RuleBook::by_name(ruleset) {
            return book.map_err(|e| fail(Path::new(ruleset), e.into()));
        }
        let Some(rules) = rules else {
            return Err(ScoreError {
                path: ruleset.into(),
                message: format!(
                    "rule set `{ruleset}` is not shipped with repro and the plan names no rules file\nhelp: set `rules` to the file that defines it"
                ),
            });
        };
        MlperfScorer::from_rules_file(ruleset, rules)
            .map(|s| s.book)
            .map_err(|e| fail(rules, e))
    }
}

#[cfg(test)]
mod dropped_allowed_tests {
    use super::*;

    fn root() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
    }

    #[test]
    fn rules_file_declares_its_drop_count() {
        let path = root().join("specs/rules/smoke-local.run");
        let book = MlperfScorer::rule_book("smoke-local", Some(&path)).unwrap();
        assert_eq!(book.dropped_allowed_for("smoke_sgd"), 1);
    }

    #[test]
    fn rules_file_without_a_drop_count_is_an_error() {
        let text = std::fs::read_to_string(root().join("specs/rules/smoke-local.run")).unwrap();
        let without: String = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("olympic_dropped_allowed"))
            .map(|l| format!("{l}\n"))
            .collect();
        assert_ne!(without, text);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("smoke-local.run");
        std::fs::write(&path, without).unwrap();
        let err = MlperfScorer::rule_book("smoke-local", Some(&path)).unwrap_err();
        assert_eq!(err.path, path);
        assert!(
            err.message.contains("olympic_dropped_allowed")
                && err.message.contains("exactly one rule set"),
            "{}",
            err.message
        );
    }

    #[test]
    fn shipped_round_gives_per_benchmark_counts() {
        let book = MlperfScorer::rule_book("mlperf-training-4.0", None).unwrap();
        assert_eq!(book.dropped_allowed_for("unet3d"), 4);
        assert_eq!(book.dropped_allowed_for("llama2_70b_lora"), 1);
    }
}
