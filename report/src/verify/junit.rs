//! JUnit: one test case per benchmark folder (and per system description), failed with the
//! first error finding as the message and every finding as the details.

use repro_audit::mlperf::package::{Finding, Severity};
use repro_audit::verify::{Verdict, VerifyReport};

use crate::junit::{render as xml, Case};
use crate::ReportError;

/// The JUnit XML of the report.
pub fn render(r: &VerifyReport) -> Result<String, ReportError> {
    let mut cases = Vec::new();
    for b in &r.benchmarks {
        let name = format!(
            "{}/{}/{}",
            b.submitter.as_deref().unwrap_or("-"),
            b.system,
            b.benchmark
        );
        let output = [
            super::score_formation(b),
            b.no_score_reason.as_ref().map(|w| format!("no score: {w}")),
            super::energy(b).map(|(label, text)| format!("{label}: {text}")),
            super::rcp_line(b),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("\n");
        cases.push(case(
            name,
            "verify.benchmark",
            b.verdict,
            &b.findings,
            output,
        ));
    }
    for sys in &r.systems {
        cases.push(case(
            sys.path.display().to_string(),
            "verify.system",
            sys.verdict,
            &sys.findings,
            String::new(),
        ));
    }
    xml(&format!("repro verify ({})", r.ruleset), "verify", cases)
}

fn case(name: String, classname: &str, v: Verdict, findings: &[Finding], output: String) -> Case {
    let details = findings
        .iter()
        .map(|f| {
            let at = f
                .location
                .as_deref()
                .map_or(String::new(), |l| format!(" at {l}"));
            format!(
                "{}: [{}] {}{at}",
                super::human::severity(f.severity),
                f.check,
                f.message
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    let first = findings
        .iter()
        .find(|f| f.severity == Severity::Error)
        .map_or_else(
            || "verdict FAIL".to_owned(),
            |f| format!("[{}] {}", f.check, f.message),
        );
    Case {
        name,
        classname: classname.to_owned(),
        failure: (v == Verdict::Fail).then_some((first, details)),
        skipped: (v == Verdict::Skipped).then(|| "not a benchmark of the ruleset".to_owned()),
        output,
    }
}
