//! One result of a package check.

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Fails the verdict (the official package checker reports it as an error).
    Error,
    /// Reported, does not fail (official warnings, and contradictions the official tools
    /// do not check).
    Warning,
}

/// One result of a package check.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Finding {
    /// Error or warning.
    pub severity: Severity,
    /// Which check: `run_count`, `compliance`, `power`, `seeds`, `rcp`, `system_description`,
    /// `benchmark`, `contradiction`, `spec`.
    pub check: &'static str,
    /// What is wrong, a lowercase fragment.
    pub message: String,
    /// Where: `file:line`, or `file` and a JSON field.
    pub location: Option<String>,
}

impl Finding {
    /// A finding.
    pub fn new(
        severity: Severity,
        check: &'static str,
        message: String,
        location: Option<String>,
    ) -> Self {
        Finding {
            severity,
            check,
            message,
            location,
        }
    }
}
