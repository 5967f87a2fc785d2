//! The one rule book: the rule sets and package data of one MLPerf round, read from
//! `specs/rules/mlperf-training-X.Y/` (embedded by `build.rs`: adding a round means adding a
//! folder), or the rule sets a spec `use`s (checked against its hparams at compile time by
//! `crate::rule_check`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{evaluate, lower, Context, Expr, History, RuleSet, RulesError};

// `ROUNDS`: every `specs/rules/mlperf-training-X.Y/` folder, embedded by `build.rs`.
include!(concat!(env!("OUT_DIR"), "/rounds.rs"));

/// Everything needed to check one ruleset: compliance rule sets in order, and package data
/// (run counts, olympic drop counts, system fields, RCP tables, scoring bounds).
#[derive(Debug, Clone)]
pub struct RuleBook {
    /// The ruleset's name, e.g. `mlperf-training-4.1`.
    pub name: String,
    /// Compliance rule sets in the order they apply.
    pub sets: Vec<RuleSet>,
    /// Benchmarks of the round.
    pub benchmarks: Vec<String>,
    /// Required `result_*.txt` count per benchmark.
    pub required_runs: BTreeMap<String, usize>,
    /// Non-converged runs the olympic mean tolerates (see [`RuleBook::dropped_allowed_for`]).
    pub dropped_allowed: usize,
    /// Benchmarks whose olympic mean tolerates another count (v4.0 unet3d: 4).
    pub dropped_allowed_by_benchmark: BTreeMap<String, usize>,
    /// Fields every system description must have.
    pub system_fields: Vec<String>,
    /// Valid `status` values.
    pub statuses: Vec<String>,
    /// Raw RCP reference JSON per benchmark.
    pub rcp: BTreeMap<String, Value>,
    /// Stable diffusion convergence bounds the RCP checker uses (FID max, CLIP min).
    pub sd_bounds: (f64, f64),
}

impl RuleBook {
    /// The MLPerf Training 4.1 rules shipped in `specs/rules/mlperf-training-4.1/`.
    pub fn training_4_1() -> Result<Self, RulesError> {
        Self::by_name("mlperf-training-4.1").ok_or_else(|| RulesError::Io {
            path: PathBuf::from("specs/rules/mlperf-training-4.1"),
            cause: std::io::Error::from(std::io::ErrorKind::NotFound),
        })?
    }

    /// The names of the rounds this build carries, oldest first.
    pub fn rounds() -> Vec<&'static str> {
        ROUNDS.iter().map(|(name, _)| *name).collect()
    }

    /// The newest round this build carries (the default `--ruleset`).
    pub fn newest() -> &'static str {
        ROUNDS.last().map(|(name, _)| *name).unwrap_or_default()
    }

    /// Each round this build carries, oldest first, with its closed-division benchmarks.
    pub fn round_benchmarks() -> Result<Vec<(String, Vec<String>)>, RulesError> {
        Self::rounds()
            .into_iter()
            .filter_map(Self::by_name)
            .map(|book| book.map(|b| (b.name, b.benchmarks)))
            .collect()
    }

    /// The rules of round `name` (a folder under `specs/rules/`), if this build carries it.
    pub fn by_name(name: &str) -> Option<Result<Self, RulesError>> {
        let (_, files) = ROUNDS.iter().find(|(n, _)| *n == name)?;
        let base = Path::new("specs/rules").join(name);
        Some(Self::build(name, &base, |file| {
            files
                .iter()
                .find(|(n, _)| *n == file)
                .map(|(_, text)| (*text).to_owned())
                .ok_or_else(|| RulesError::Io {
                    path: base.join(file),
                    cause: std::io::Error::from(std::io::ErrorKind::NotFound),
                })
        }))
    }

    /// Reads a rule folder from disk (same layout as the shipped one).
    pub fn load(name: &str, dir: &Path) -> Result<Self, RulesError> {
        Self::build(name, dir, |file| {
            let path = dir.join(file);
            std::fs::read_to_string(&path).map_err(|cause| RulesError::Io { path, cause })
        })
    }

    fn build(
        name: &str,
        dir: &Path,
        read: impl Fn(&str) -> Result<String, RulesError>,
    ) -> Result<Self, RulesError> {
        let package_path = dir.join("package.run");
        let package = lower::read_str(&package_path, &read("package.run")?)?
            .into_iter()
            .next()
            .ok_or_else(|| data_error("package", "rules", "must hold one `rules` block"))?;
        let data = Data(&package);
        let mut sets = Vec::new();
        for file in data.strings("rule_files")? {
            let path: PathBuf = dir.join(&file);
            sets.extend(lower::read_str(&path, &read(&file)?)?);
        }
        let mut rcp = BTreeMap::new();
        for (bench, file) in data.record("rcp_files")? {
            let text = read(
                &as_string(&file)
                    .ok_or_else(|| data.bad("rcp_files", "values must be file names"))?,
            )?;
            let json = serde_json::from_str(&text).map_err(|e| RulesError::Rcp {
                file: dir
                    .join(as_string(&file).unwrap_or_default())
                    .display()
                    .to_string(),
                message: e.to_string(),
            })?;
            rcp.insert(bench, json);
        }
        let required_runs = data
            .record("required_runs")?
            .into_iter()
            .map(|(k, v)| {
                Ok((
                    k,
                    v.as_u64()
                        .ok_or_else(|| data.bad("required_runs", "values must be counts"))?
                        as usize,
                ))
            })
            .collect::<Result<_, RulesError>>()?;
        let dropped_allowed_by_benchmark =
            match package.attribute("olympic_dropped_allowed_by_benchmark") {
                None => BTreeMap::new(),
                Some(_) => data
                    .record("olympic_dropped_allowed_by_benchmark")?
                    .into_iter()
                    .map(|(k, v)| {
                        let n = v.as_u64().ok_or_else(|| {
                            data.bad(
                                "olympic_dropped_allowed_by_benchmark",
                                "values must be counts",
                            )
                        })?;
                        Ok((k, n as usize))
                    })
                    .collect::<Result<_, RulesError>>()?,
            };
        Ok(RuleBook {
            name: name.to_owned(),
            sets,
            benchmarks: data.strings("benchmarks")?,
            required_runs,
            dropped_allowed: data.number("olympic_dropped_allowed")? as usize,
            dropped_allowed_by_benchmark,
            system_fields: data.strings("system_fields")?,
            statuses: data.strings("statuses")?,
            rcp,
            sd_bounds: (data.number("sd_fid_max")?, data.number("sd_clip_min")?),
        })
    }
}

impl RuleBook {
    /// A book of rule sets only, without a round's package data (its counts, lists and RCP
    /// tables are empty): the rule sets a spec `use`s, checked against hparams.
    pub fn of_sets(name: &str, sets: Vec<RuleSet>) -> Self {
        RuleBook {
            name: name.to_owned(),
            sets,
            benchmarks: Vec::new(),
            required_runs: BTreeMap::new(),
            dropped_allowed: 0,
            dropped_allowed_by_benchmark: BTreeMap::new(),
            system_fields: Vec::new(),
            statuses: Vec::new(),
            rcp: BTreeMap::new(),
            sd_bounds: (f64::NAN, f64::NAN),
        }
    }

    /// The book of a rules file that is not a shipped round (`specs/rules/smoke-local.run`):
    /// its rule sets and the one package datum scoring needs, `olympic_dropped_allowed`,
    /// which exactly one of the file's rule sets must declare (there is no default).
    pub fn of_rules_file(name: &str, sets: Vec<RuleSet>) -> Result<Self, RulesError> {
        const KEY: &str = "olympic_dropped_allowed";
        let declaring: Vec<&RuleSet> = sets.iter().filter(|s| s.attribute(KEY).is_some()).collect();
        let [set] = declaring[..] else {
            return Err(data_error(
                name,
                KEY,
                "must be declared by exactly one rule set of the file (runs the olympic mean may lose)",
            ));
        };
        let data = Data(set);
        let n = data.number(KEY)?;
        if n < 0.0 || n.fract() != 0.0 {
            return Err(data.bad(KEY, "must be a count"));
        }
        let mut book = Self::of_sets(name, sets);
        book.dropped_allowed = n as usize;
        Ok(book)
    }

    /// Non-converged runs the olympic mean of `benchmark` tolerates in this round.
    pub fn dropped_allowed_for(&self, benchmark: &str) -> usize {
        self.dropped_allowed_by_benchmark
            .get(benchmark)
            .copied()
            .unwrap_or(self.dropped_allowed)
    }
}

/// Attribute access on the package rule set, with errors that name the attribute.
struct Data<'a>(&'a RuleSet);

struct Empty;

impl Context for Empty {
    fn name(&self, _: &str) -> Option<Value> {
        None
    }
    fn history(&self, _: History, _: &str) -> Value {
        Value::Null
    }
}

impl Data<'_> {
    fn bad(&self, attribute: &str, expected: &str) -> RulesError {
        data_error(&self.0.name, attribute, expected)
    }

    fn value(&self, attribute: &str) -> Result<Value, RulesError> {
        let expr: &Expr = self
            .0
            .attribute(attribute)
            .ok_or_else(|| self.bad(attribute, "is missing"))?;
        evaluate(expr, &Empty)
            .map_err(|e| self.bad(attribute, &format!("cannot be evaluated: {e}")))
    }

    fn strings(&self, attribute: &str) -> Result<Vec<String>, RulesError> {
        match self.value(attribute)? {
            Value::Array(xs) => xs
                .iter()
                .map(|x| {
                    as_string(x).ok_or_else(|| self.bad(attribute, "must be a list of strings"))
                })
                .collect(),
            _ => Err(self.bad(attribute, "must be a list of strings")),
        }
    }

    fn record(&self, attribute: &str) -> Result<Vec<(String, Value)>, RulesError> {
        match self.value(attribute)? {
            Value::Object(m) => Ok(m.into_iter().collect()),
            _ => Err(self.bad(attribute, "must be a record `{ name = value, ... }`")),
        }
    }

    fn number(&self, attribute: &str) -> Result<f64, RulesError> {
        self.value(attribute)?
            .as_f64()
            .ok_or_else(|| self.bad(attribute, "must be a number"))
    }
}

fn as_string(v: &Value) -> Option<String> {
    v.as_str().map(str::to_owned)
}

fn data_error(set: &str, attribute: &str, expected: &str) -> RulesError {
    RulesError::RuleData {
        set: set.to_owned(),
        attribute: attribute.to_owned(),
        expected: expected.to_owned(),
    }
}
