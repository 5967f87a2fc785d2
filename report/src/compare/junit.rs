//! JUnit of `compare`: one test case, the claim; failed when not supported, with the
//! sentence that says why. Without a claim the case passes and carries the parts.

use repro_audit::verify::{ClaimVerdict, CompareReport};

use super::{attribution, claim_sentence};
use crate::junit::{render as xml, Case};
use crate::ReportError;

/// The JUnit XML.
pub fn render(r: &CompareReport) -> Result<String, ReportError> {
    let name = format!("{} over {}", r.a.display(), r.b.display());
    let sentence = claim_sentence(r).unwrap_or_else(|| "no claim".into());
    let failed = matches!(
        r.verdict,
        Some(ClaimVerdict::NotSupported | ClaimVerdict::Inconclusive)
    );
    let parts = r
        .parts
        .iter()
        .map(|p| {
            format!(
                "{} {:.3}x [{:.3}x, {:.3}x]",
                p.name, p.ci.estimate, p.ci.low, p.ci.high
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    let case = Case {
        name,
        classname: format!("compare.{}", r.benchmark.as_deref().unwrap_or("result")),
        failure: failed.then(|| (sentence.clone(), format!("{parts}\n{}", attribution(r)))),
        skipped: None,
        output: format!("{sentence}\n{parts}\n{}", attribution(r)),
    };
    xml("repro compare", "compare", vec![case])
}
