use repro_runner::report::ResultReport;
use repro_runner::store::RunVerdict;

use crate::junit::{render as xml, Case};
use crate::ReportError;

/// One test case for the plan (failed when the run's verdict is not `pass`, with the runs
/// that failed as the message), and one for its comparison when there is one.
pub fn render(report: &ResultReport) -> Result<String, ReportError> {
    let r = &report.result;
    let lines: Vec<String> = r
        .runs
        .iter()
        .map(|run| {
            let m = run.metrics.as_ref();
            format!(
                "run {} (seed {}): {}, time to train {}, {}",
                run.index,
                run.seed,
                run.status.label(),
                m.and_then(|m| m.ttt_s)
                    .map_or("-".into(), crate::units::seconds),
                if m.is_some_and(|m| m.converged) {
                    "converged"
                } else {
                    "not converged"
                }
            )
        })
        .collect();
    let bad: Vec<String> = r
        .runs
        .iter()
        .filter(|run| !run.metrics.as_ref().is_some_and(|m| m.converged))
        .map(|run| format!("run {}", run.index))
        .collect();
    let mut cases = vec![Case {
        name: r.plan.clone(),
        classname: "run".into(),
        failure: (r.verdict != RunVerdict::Pass).then(|| {
            (
                format!(
                    "verdict {}: {} of {} runs did not converge ({})",
                    r.verdict.label(),
                    bad.len(),
                    r.runs.len(),
                    bad.join(", ")
                ),
                lines.join("\n"),
            )
        }),
        skipped: None,
        output: lines.join("\n"),
    }];
    if let Some(diff) = &report.diff {
        cases.push(crate::diff::junit_case(diff, Some(&r.plan)));
    }
    xml(&format!("repro run {}", r.plan), "run", cases)
}
