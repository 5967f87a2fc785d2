use super::JobState;

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
