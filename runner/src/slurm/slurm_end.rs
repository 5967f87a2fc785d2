use crate::store::Stored;

/// How a Slurm session ended for the runner.
#[derive(Debug, Clone, PartialEq)]
pub enum SlurmEnd {
    /// Every run finished, was scored, and the result is in the store.
    Stored(Box<Stored>),
    /// Interrupted; the jobs go on and `repro collect` finishes the session later.
    Detached,
}
