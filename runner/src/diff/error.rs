use super::GroupDifference;

/// Why two results cannot be compared.
#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    #[error("results `{current}` and `{baseline}` were produced under different locks:\n{}\nhelp: pass `--across-locks` to compare them anyway", list(.differences))]
    AcrossLocks {
        current: String,
        baseline: String,
        differences: Vec<GroupDifference>,
    },
}

fn list(differences: &[GroupDifference]) -> String {
    differences
        .iter()
        .map(|d| format!("  {d}"))
        .collect::<Vec<_>>()
        .join("\n")
}
