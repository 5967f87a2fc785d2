use serde::Serialize;

/// How a result compares with its baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DiffVerdict {
    /// No regression: the interval is clear of the bad edge of the tolerance band.
    Pass,
    /// Worse by more than the tolerance, with confidence.
    Regressed,
    /// Better by more than the tolerance, with confidence.
    Improved,
    /// Too few runs, or an interval that straddles the bad edge of the tolerance band.
    Inconclusive,
}

impl DiffVerdict {
    /// Regressed beats inconclusive beats improved beats pass: the overall verdict is the
    /// most alarming one among the metrics.
    pub fn worst(verdicts: impl IntoIterator<Item = DiffVerdict>) -> DiffVerdict {
        let rank = |v: &DiffVerdict| match v {
            DiffVerdict::Pass => 0,
            DiffVerdict::Improved => 1,
            DiffVerdict::Inconclusive => 2,
            DiffVerdict::Regressed => 3,
        };
        verdicts
            .into_iter()
            .max_by_key(rank)
            .unwrap_or(DiffVerdict::Inconclusive)
    }
}
