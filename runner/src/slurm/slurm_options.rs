use std::time::Duration;

use super::OnInterrupt;

/// How a Slurm session is followed.
#[derive(Debug, Clone, Copy)]
pub struct SlurmOptions {
    /// Time between two `squeue` polls.
    pub poll: Duration,
    pub on_interrupt: OnInterrupt,
}
