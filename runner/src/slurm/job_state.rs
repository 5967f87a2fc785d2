use serde::{Deserialize, Serialize};

/// A Slurm job state as `squeue %T` and `scontrol show job` print it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum JobState {
    Pending,
    Configuring,
    Running,
    Completing,
    Suspended,
    Requeued,
    Resizing,
    Completed,
    Failed,
    Cancelled,
    Timeout,
    NodeFail,
    OutOfMemory,
    Preempted,
    BootFail,
    Deadline,
    /// Not a Slurm state: neither the controller nor accounting knows the job any more.
    Forgotten,
    /// A state this version of repro does not know; kept verbatim for the report.
    Other(String),
}

impl JobState {
    /// Parses `RUNNING`, `CANCELLED+` or `CANCELLED by 0` (scontrol appends who cancelled).
    pub fn parse(text: &str) -> JobState {
        let word = text.split([' ', '+']).next().unwrap_or("");
        match word {
            "PENDING" => JobState::Pending,
            "CONFIGURING" => JobState::Configuring,
            "RUNNING" => JobState::Running,
            "COMPLETING" => JobState::Completing,
            "SUSPENDED" => JobState::Suspended,
            "REQUEUED" | "REQUEUE_FED" | "REQUEUE_HOLD" => JobState::Requeued,
            "RESIZING" => JobState::Resizing,
            "COMPLETED" => JobState::Completed,
            "FAILED" => JobState::Failed,
            "CANCELLED" => JobState::Cancelled,
            "TIMEOUT" => JobState::Timeout,
            "NODE_FAIL" => JobState::NodeFail,
            "OUT_OF_MEMORY" => JobState::OutOfMemory,
            "PREEMPTED" => JobState::Preempted,
            "BOOT_FAIL" => JobState::BootFail,
            "DEADLINE" => JobState::Deadline,
            other => JobState::Other(other.to_string()),
        }
    }

    /// The job will not run again: its exit code and logs are final. `COMPLETING` is not
    /// final (epilogs still run, the exit code may not be recorded yet).
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            JobState::Completed
                | JobState::Failed
                | JobState::Cancelled
                | JobState::Timeout
                | JobState::NodeFail
                | JobState::OutOfMemory
                | JobState::Preempted
                | JobState::BootFail
                | JobState::Deadline
                | JobState::Forgotten
        )
    }

    /// The word Slurm prints.
    pub fn as_str(&self) -> &str {
        match self {
            JobState::Pending => "PENDING",
            JobState::Configuring => "CONFIGURING",
            JobState::Running => "RUNNING",
            JobState::Completing => "COMPLETING",
            JobState::Suspended => "SUSPENDED",
            JobState::Requeued => "REQUEUED",
            JobState::Resizing => "RESIZING",
            JobState::Completed => "COMPLETED",
            JobState::Failed => "FAILED",
            JobState::Cancelled => "CANCELLED",
            JobState::Timeout => "TIMEOUT",
            JobState::NodeFail => "NODE_FAIL",
            JobState::OutOfMemory => "OUT_OF_MEMORY",
            JobState::Preempted => "PREEMPTED",
            JobState::BootFail => "BOOT_FAIL",
            JobState::Deadline => "DEADLINE",
            JobState::Forgotten => "FORGOTTEN",
            JobState::Other(s) => s,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::JobState;

    #[test]
    fn parses_decorated_states() {
        assert_eq!(JobState::parse("CANCELLED by 0"), JobState::Cancelled);
        assert_eq!(JobState::parse("CANCELLED+"), JobState::Cancelled);
        assert_eq!(JobState::parse("OUT_OF_MEMORY"), JobState::OutOfMemory);
        assert_eq!(JobState::parse("WEIRD"), JobState::Other("WEIRD".into()));
    }

    #[test]
    fn completing_is_not_final() {
        assert!(!JobState::Completing.is_final());
        assert!(JobState::Timeout.is_final());
        assert!(!JobState::Pending.is_final());
    }
}
