use std::io::Write;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};

use super::{ScriptFn, SlurmCli, SlurmError};

/// The real commands, found on `PATH`, with call counters (for the tracking benchmark and
/// tests that assert one `squeue` per poll).
#[derive(Debug, Default)]
pub struct SystemSlurm {
    pub squeue_calls: AtomicU32,
    pub show_job_calls: AtomicU32,
}

impl SystemSlurm {
    pub fn squeue_calls(&self) -> u32 {
        self.squeue_calls.load(Ordering::Relaxed)
    }
}

impl SlurmCli for SystemSlurm {
    fn sbatch(&self, script: ScriptFn<'_>) -> Result<String, SlurmError> {
        let mut command = Command::new("sbatch");
        command.arg("--parsable");
        let child = spawn(command, true)?;
        let output = feed(child, "sbatch --parsable", script)?;
        parse_job_id(&output)
    }

    fn squeue(&self, ids: &[String]) -> Result<String, SlurmError> {
        self.squeue_calls.fetch_add(1, Ordering::Relaxed);
        let mut command = Command::new("squeue");
        command.args(["-h", "-r", "-j", &ids.join(","), "-o", "%i %T"]);
        run(command, "squeue")
    }

    fn show_job(&self, id: &str) -> Result<String, SlurmError> {
        self.show_job_calls.fetch_add(1, Ordering::Relaxed);
        let mut command = Command::new("scontrol");
        command.args(["-o", "show", "job", id]);
        run(command, &format!("scontrol -o show job {id}"))
    }

    fn scancel(&self, ids: &[String]) -> Result<(), SlurmError> {
        let mut command = Command::new("scancel");
        command.args(ids);
        run(command, "scancel").map(drop)
    }

    fn sacct(&self, id: &str) -> Result<String, SlurmError> {
        let mut command = Command::new("sacct");
        command.args([
            "-n",
            "-P",
            "-X",
            "-j",
            id,
            "-o",
            "State,ExitCode,ElapsedRaw",
        ]);
        run(command, &format!("sacct -j {id}"))
    }
}

/// `--parsable` prints `ID` or `ID;CLUSTER`.
fn parse_job_id(output: &str) -> Result<String, SlurmError> {
    let id = output.trim().split(';').next().unwrap_or("");
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_digit()) {
        return Err(SlurmError::JobId {
            output: output.trim().to_string(),
        });
    }
    Ok(id.to_string())
}

/// Runs `command` to the end; stdout on success, a typed error otherwise.
fn run(command: Command, label: &str) -> Result<String, SlurmError> {
    let child = spawn(command, false)?;
    finish(child, label)
}

/// Starts `command` with piped output (and piped stdin when `stdin`). A missing `sbatch` is
/// [`SlurmError::NoSbatch`], so the user is told about `--dry-run` and `--executor local`.
fn spawn(mut command: Command, stdin: bool) -> Result<Child, SlurmError> {
    let program = command.get_program().to_string_lossy().into_owned();
    command
        .stdin(if stdin { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
        .spawn()
        .map_err(|source| spawn_error(&program, source))
}

/// Writes what `script` produces to the child's stdin, then waits for it. When `script`
/// fails the child is killed while it still waits for its input.
fn feed(mut child: Child, label: &str, script: ScriptFn<'_>) -> Result<String, SlurmError> {
    let text = match script() {
        Ok(text) => text,
        Err(e) => {
            let _ = child.kill();
            let _ = child.wait();
            return Err(e);
        }
    };
    if let Some(mut pipe) = child.stdin.take() {
        let written = pipe.write_all(text.as_bytes());
        drop(pipe);
        written.map_err(|source| spawn_error(label, source))?;
    }
    finish(child, label)
}

fn finish(child: Child, label: &str) -> Result<String, SlurmError> {
    let output = child
        .wait_with_output()
        .map_err(|source| spawn_error(label, source))?;
    if !output.status.success() {
        return Err(SlurmError::Command {
            command: label.to_string(),
            code: output.status.code(),
            stderr: String::from_utf8_lossy(&output.stderr).trim().to_string(),
        });
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

fn spawn_error(program: &str, source: std::io::Error) -> SlurmError {
    if program == "sbatch" && source.kind() == std::io::ErrorKind::NotFound {
        return SlurmError::NoSbatch;
    }
    SlurmError::Spawn {
        program: program.to_string(),
        error: source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_ids() {
        assert_eq!(parse_job_id("42\n").unwrap(), "42");
        assert_eq!(parse_job_id("42;cluster\n").unwrap(), "42");
        assert!(parse_job_id("Submitted batch job 42").is_err());
    }

    #[test]
    fn missing_sbatch_is_no_sbatch() {
        let mut command = Command::new("sbatch");
        command.env("PATH", "/nonexistent-repro-test");
        let err = spawn(command, true).unwrap_err();
        assert!(matches!(err, SlurmError::NoSbatch), "{err}");
        assert_eq!(
            err.to_string(),
            "`sbatch` was not found on `PATH`, so this machine cannot submit Slurm jobs\n\
             help: use `--dry-run` to print the sbatch script, or `--executor local` to run on this machine"
        );
    }
}
