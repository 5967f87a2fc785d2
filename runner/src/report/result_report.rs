use std::path::PathBuf;

use serde::Serialize;

use crate::diff::Diff;
use crate::store::{ResultRecord, Stored};

/// What `repro run` reports for one plan: the stored result and, with `--compare`, its diff
/// against the baseline. The `repro-report` crate renders it (human, JSON, Markdown, JUnit,
/// HTML); the JSON schema is documented in `docs/formats.md`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResultReport {
    /// The result's content address.
    pub id: String,
    /// Where the record is stored.
    pub path: PathBuf,
    /// The record.
    pub result: ResultRecord,
    /// The comparison with the baseline, if one was asked for.
    pub diff: Option<Diff>,
}

impl ResultReport {
    /// The report of `stored`, compared or not.
    pub fn new(stored: &Stored, diff: Option<Diff>) -> ResultReport {
        ResultReport {
            id: stored.id.clone(),
            path: stored.path.clone(),
            result: stored.record.clone(),
            diff,
        }
    }
}
