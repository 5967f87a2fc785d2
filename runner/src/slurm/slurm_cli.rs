use super::SlurmError;

/// The Slurm commands the executor uses. A trait so that tracking logic is tested
/// exactly and fast against a scripted fake, and the real cluster in integration tests.
pub trait SlurmCli {
    /// `sbatch --parsable`, script on stdin; returns the job id. The job's working directory
    /// is the runner's (as for local runs, plan commands are relative to it). `script` is
    /// called once to produce the script (and write what the job reads), *after* sbatch was
    /// started, so that rendering overlaps sbatch's own start-up; when it fails, sbatch is
    /// killed before it has read a script, and nothing is submitted.
    fn sbatch(&self, script: ScriptFn<'_>) -> Result<String, SlurmError>;
    /// `squeue -h -r -j IDS -o '%i %T'` for all `ids` at once.
    fn squeue(&self, ids: &[String]) -> Result<String, SlurmError>;
    /// `scontrol -o show job ID`.
    fn show_job(&self, id: &str) -> Result<String, SlurmError>;
    /// `scancel IDS`.
    fn scancel(&self, ids: &[String]) -> Result<(), SlurmError>;
    /// `sacct -n -P -X -j ID -o State,ExitCode,ElapsedRaw`: needs slurmdbd, which many test
    /// clusters lack; the default says it is unavailable.
    fn sacct(&self, id: &str) -> Result<String, SlurmError> {
        Err(SlurmError::Command {
            command: format!("sacct -j {id}"),
            code: None,
            stderr: "job accounting is not available".to_string(),
        })
    }
}

/// Produces the script to submit; see [`SlurmCli::sbatch`].
pub type ScriptFn<'a> = &'a mut dyn FnMut() -> Result<String, SlurmError>;
