use super::{JobState, SlurmCli, SlurmError};

/// The queued tasks of array job `job_id`, from one `squeue` call. A job the controller no
/// longer knows (`Invalid job id`, after `MinJobAge`) has no queued tasks.
pub fn queued(cli: &dyn SlurmCli, job_id: &str) -> Result<Vec<(String, JobState)>, SlurmError> {
    match cli.squeue(&[job_id.to_string()]) {
        Ok(out) => Ok(parse_squeue(&out)),
        Err(SlurmError::Command { stderr, .. }) if stderr.contains("Invalid job id") => {
            Ok(Vec::new())
        }
        Err(e) => Err(e),
    }
}

/// Parses `squeue -h -r -o '%i %T'`: one `ID STATE` per line, array tasks as `JOB_TASK`.
/// Lines that do not have two words are skipped: squeue prints nothing else with `-h`.
pub fn parse_squeue(output: &str) -> Vec<(String, JobState)> {
    output
        .lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let id = words.next()?;
            let state = words.next()?;
            Some((id.to_string(), JobState::parse(state)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_array_tasks() {
        let rows = parse_squeue("17_0 RUNNING\n17_1 PENDING\n\n");
        assert_eq!(
            rows,
            vec![
                ("17_0".to_string(), JobState::Running),
                ("17_1".to_string(), JobState::Pending)
            ]
        );
    }
}
