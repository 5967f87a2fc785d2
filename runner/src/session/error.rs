use crate::probe::Drift;

/// Why a session stopped before producing a result.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("this machine does not match the plan's pins or failed its GPU health checks:\n{}\nhelp: run on a matching machine, or pass `--allow-drift` to run anyway (the result is then marked not reproducible)", table(.0))]
    Drift(Vec<Drift>),
    #[error("{0}")]
    Probe(#[from] crate::probe::ProbeError),
    #[error("{0}")]
    Health(#[from] crate::health::HealthError),
    #[error("{0}")]
    Launch(#[from] crate::launch::LaunchError),
    #[error("{0}")]
    Exec(#[from] crate::exec::ExecError),
    #[error("{0}")]
    Score(#[from] super::ScoreError),
    #[error("{0}")]
    Store(#[from] crate::store::StoreError),
    #[error("cannot write run directory `{path}`: {source}")]
    RunDir {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error("the plan asks for {0} runs\nhelp: set `runs` to 1 or more")]
    NoRuns(u32),
}

/// The drift table: field, pinned, found, aligned.
pub fn table(drift: &[Drift]) -> String {
    let width = |f: fn(&Drift) -> &str, head: &str| {
        drift
            .iter()
            .map(|d| f(d).len())
            .chain([head.len()])
            .max()
            .unwrap_or(0)
    };
    let (wf, wp) = (width(|d| &d.field, "field"), width(|d| &d.pinned, "pinned"));
    let mut lines = vec![format!("  {:wf$}  {:wp$}  found", "field", "pinned")];
    lines.extend(
        drift
            .iter()
            .map(|d| format!("  {:wf$}  {:wp$}  {}", d.field, d.pinned, d.found)),
    );
    lines.join("\n")
}
