use super::{JobState, SlurmError};

/// What `scontrol -o show job ID` says about a job that ended.
#[derive(Debug, Clone, PartialEq)]
pub struct FinalInfo {
    pub state: JobState,
    /// The batch script's exit code (`ExitCode=CODE:SIGNAL`).
    pub exit_code: i32,
    pub signal: i32,
    /// `Reason=`, e.g. `NonZeroExitCode`, `TimeLimit`; `None` when Slurm says `None`.
    pub reason: Option<String>,
    /// `RunTime=` in seconds; 0 when Slurm did not say.
    pub elapsed_s: f64,
}

impl FinalInfo {
    /// Parses the one-line form. Values may contain spaces (`JobState=CANCELLED by 0` is
    /// not one, but job names are), so fields are found by their ` Key=` prefix.
    pub fn parse(line: &str) -> Result<FinalInfo, SlurmError> {
        let state = field(line, "JobState").ok_or_else(|| missing(line, "JobState"))?;
        let exit = field(line, "ExitCode").ok_or_else(|| missing(line, "ExitCode"))?;
        let (code, signal) = parse_exit(exit).ok_or_else(|| missing(line, "ExitCode"))?;
        let reason = field(line, "Reason").filter(|r| *r != "None");
        Ok(FinalInfo {
            state: JobState::parse(state),
            exit_code: code,
            signal,
            reason: reason.map(str::to_string),
            elapsed_s: field(line, "RunTime")
                .and_then(parse_duration)
                .unwrap_or(0.0),
        })
    }
}

impl FinalInfo {
    /// Parses `sacct -n -P -X -o State,ExitCode,ElapsedRaw`: `COMPLETED|0:0|12`.
    pub fn parse_sacct(text: &str) -> Result<FinalInfo, SlurmError> {
        let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        let fields: Vec<&str> = line.trim().split('|').collect();
        let [state, exit, elapsed] = fields[..] else {
            return Err(SlurmError::Command {
                command: "sacct".to_string(),
                code: Some(0),
                stderr: format!("expected `STATE|EXITCODE|ELAPSED`, found `{}`", line.trim()),
            });
        };
        let bad = || SlurmError::Command {
            command: "sacct".to_string(),
            code: Some(0),
            stderr: format!("no `CODE:SIGNAL` exit code in `{}`", line.trim()),
        };
        let (exit_code, signal) = parse_exit(exit).ok_or_else(bad)?;
        Ok(FinalInfo {
            state: JobState::parse(state),
            exit_code,
            signal,
            reason: None,
            elapsed_s: elapsed.parse().unwrap_or(0.0),
        })
    }

    /// A job neither the controller nor accounting knows any more: final, [`JobState::Forgotten`].
    pub fn forgotten() -> FinalInfo {
        FinalInfo {
            state: JobState::Forgotten,
            exit_code: 0,
            signal: 0,
            reason: Some(
                "the controller forgot the job (MinJobAge) and sacct is unavailable".to_string(),
            ),
            elapsed_s: 0.0,
        }
    }
}

/// The value of ` KEY=` up to the next space.
fn field<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let needle = format!(" {key}=");
    let start = line.find(&needle)? + needle.len();
    let rest = &line[start..];
    Some(rest.split(' ').next().unwrap_or(""))
}

fn parse_exit(text: &str) -> Option<(i32, i32)> {
    let (code, signal) = text.split_once(':')?;
    Some((code.parse().ok()?, signal.parse().ok()?))
}

/// Slurm durations: `[D-]HH:MM:SS`.
fn parse_duration(text: &str) -> Option<f64> {
    let (days, clock) = match text.split_once('-') {
        Some((d, rest)) => (d.parse::<f64>().ok()?, rest),
        None => (0.0, text),
    };
    let seconds = clock.split(':').try_fold(0.0, |acc, part| {
        Some(acc * 60.0 + part.parse::<f64>().ok()?)
    })?;
    Some(days * 86400.0 + seconds)
}

fn missing(line: &str, key: &str) -> SlurmError {
    SlurmError::Command {
        command: "scontrol -o show job".to_string(),
        code: Some(0),
        stderr: format!("no `{key}` field in `{}`", line.trim()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_timed_out_job() {
        let line = "JobId=12 ArrayJobId=12 ArrayTaskId=0 JobName=gpt 3 UserId=root(0) \
                    JobState=TIMEOUT Reason=TimeLimit Dependency=(null) ExitCode=0:15 RunTime=1-00:01:05 Foo=1";
        let info = FinalInfo::parse(line).unwrap();
        assert_eq!(info.state, JobState::Timeout);
        assert_eq!((info.exit_code, info.signal), (0, 15));
        assert_eq!(info.reason.as_deref(), Some("TimeLimit"));
        assert_eq!(info.elapsed_s, 86465.0);
    }

    #[test]
    fn parses_sacct() {
        let info = FinalInfo::parse_sacct("FAILED|3:0|17\n").unwrap();
        assert_eq!(
            (info.state, info.exit_code, info.elapsed_s),
            (JobState::Failed, 3, 17.0)
        );
        assert!(FinalInfo::parse_sacct("").is_err());
    }

    #[test]
    fn missing_state_is_an_error() {
        let err = FinalInfo::parse("JobId=1 ExitCode=0:0").unwrap_err();
        assert!(err.to_string().contains("`JobState`"), "{err}");
    }
}
