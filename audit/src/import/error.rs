//! `ImportError`: why `repro import` wrote nothing. Each names the file (and line:column or
//! field) it could not use.

use std::path::PathBuf;

/// Why a benchmark folder could not be imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The folder (or a file in it) cannot be read.
    #[error("cannot read `{path}`: {cause}")]
    Io {
        /// The path.
        path: PathBuf,
        /// Why.
        cause: std::io::Error,
    },
    /// The folder holds no `result_*.txt`.
    #[error("no MLPerf logs (`result_*.txt`) in `{0}`\nhelp: give a benchmark folder, `<submitter>/results/<system>/<benchmark>`")]
    NoLogs(PathBuf),
    /// The folder does not sit in `<submitter>/results/<system>/`.
    #[error("`{0}` is not in `<submitter>/results/<system>/<benchmark>`, so its system description cannot be found\nhelp: give the benchmark folder inside a submitter's folder")]
    NotInSubmission(PathBuf),
    /// `<submitter>/systems/<system>.json` is missing.
    #[error("no system description: `{path}` is missing\nhelp: every MLPerf submission describes its system in `<submitter>/systems/<system>.json`")]
    NoSystemDescription {
        /// The path looked at.
        path: PathBuf,
    },
    /// The system description is not JSON.
    #[error("{path}:{line}:{column}: the system description is not JSON: {message}")]
    BadSystemDescription {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The parser's message.
        message: String,
    },
    /// A required field of the description is missing or not a count.
    #[error("{path}: field `{field}` {problem}; a spec needs it")]
    SystemField {
        /// The file.
        path: PathBuf,
        /// The field.
        field: String,
        /// What is wrong with it.
        problem: String,
    },
    /// A log has no MLLOG line, or lines that do not parse.
    #[error("{path}:{line}:1: unreadable MLPerf log: {problem}")]
    UnreadableLog {
        /// The file.
        path: PathBuf,
        /// 1-based line (1 when the file as a whole is the problem).
        line: usize,
        /// What is wrong.
        problem: String,
    },
    /// A log lacks `submission_benchmark` or `submission_division`.
    #[error("{path}:1:1: the log has no `{key}`, so the benchmark cannot be told")]
    LogField {
        /// The file.
        path: PathBuf,
        /// The missing key.
        key: String,
    },
    /// The round cannot be told from the folder and `--round` is not given.
    #[error("cannot tell the MLPerf round of `{0}`: no `mlperf-training-X.Y` or `training_results_vX.Y` folder above it\nhelp: pass `--round 4.1` (rounds: `repro rules list`)")]
    UntellableRound(PathBuf),
    /// The round told (or given) is not one this build carries.
    #[error("unknown round `{name}`\nhelp: the rounds this build knows are {known}")]
    UnknownRound {
        /// The round as told.
        name: String,
        /// The rounds there are.
        known: String,
    },
    /// `--commit` is not a full commit id.
    #[error("`--commit {0}` is not a full 40-hex commit id\nhelp: a spec pins a published result to one exact commit of its results repository")]
    BadCommit(String),
    /// A `--hparam` the logs already report, or one that is not `KEY=VALUE`.
    #[error("`--hparam {0}`: {1}")]
    GivenHparam(String, String),
    /// The rules of the round could not be read.
    #[error(transparent)]
    Rules(#[from] crate::mlperf::MlperfError),
}
