//! One RCP reference record.

/// One reference record with its statistics.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RcpRecord {
    /// The record's name in the JSON (`<bench>_interp_<bs>` for interpolated ones).
    pub name: String,
    /// Global batch size.
    pub bs: f64,
    /// Olympic mean of the reference runs.
    pub mean: f64,
    /// Population standard deviation of all reference runs.
    pub stdev: f64,
    /// The fastest acceptable submission mean.
    pub min_epochs: f64,
    /// `mean / min_epochs` (from round 5.0, llama31_405b's is `mean / (min_epochs - 46080)`).
    pub max_speedup: f64,
    /// The reference runs, sorted.
    pub runs: Vec<f64>,
}
