use repro_runner::diff::{Diff, DiffVerdict};

use super::{short, verdict_word};
use crate::junit::Case;

/// One test case for the plan's comparison: failed when regressed or inconclusive, the
/// message naming the metrics that decided it. `plan` names the case when known.
pub fn case(diff: &Diff, plan: Option<&str>) -> Case {
    let lines: Vec<String> = diff
        .metrics
        .iter()
        .map(|m| {
            let ratio = m.ratio.map_or("-".into(), |ci| {
                format!("{:.3} [{:.3}, {:.3}]", ci.estimate, ci.low, ci.high)
            });
            format!("{} ratio {ratio}: {}", m.name, verdict_word(m.verdict))
        })
        .collect();
    let bad: Vec<&str> = diff
        .metrics
        .iter()
        .filter(|m| m.verdict == diff.verdict)
        .map(|m| m.name)
        .collect();
    let failed = matches!(
        diff.verdict,
        DiffVerdict::Regressed | DiffVerdict::Inconclusive
    );
    Case {
        name: format!(
            "{} vs baseline {}",
            plan.unwrap_or(short(&diff.current)),
            short(&diff.baseline)
        ),
        classname: "diff".into(),
        failure: failed.then(|| {
            (
                format!("{}: {}", verdict_word(diff.verdict), bad.join(", ")),
                lines.join("\n"),
            )
        }),
        skipped: None,
        output: lines.join("\n"),
    }
}
