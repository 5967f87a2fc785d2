use serde::{Deserialize, Serialize};

/// How a run ended, as far as processes go (convergence is judged later, from the log).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RunStatus {
    /// Every rank exited 0.
    Succeeded,
    /// The first rank that failed, and its exit code (or the signal that killed it).
    Failed {
        rank: u32,
        code: Option<i32>,
        signal: Option<i32>,
    },
    /// The time limit passed; every rank was stopped.
    TimedOut,
    /// The user cancelled; every rank was stopped.
    Cancelled,
}

impl RunStatus {
    pub fn succeeded(&self) -> bool {
        matches!(self, RunStatus::Succeeded)
    }

    /// The workload never started: its command was not found (exit 127) or is not
    /// executable (126), the shell's codes for both.
    pub fn workload_not_found(&self) -> bool {
        matches!(
            self,
            RunStatus::Failed {
                code: Some(126 | 127),
                ..
            }
        )
    }

    /// One word for tables and progress lines.
    pub fn label(&self) -> &'static str {
        match self {
            RunStatus::Succeeded => "succeeded",
            RunStatus::Failed { .. } => "failed",
            RunStatus::TimedOut => "timed out",
            RunStatus::Cancelled => "cancelled",
        }
    }
}
