//! The terminal rendering of `compare`.

use std::fmt::Write;

use repro_audit::verify::CompareReport;

use super::{attribution, claim_sentence, cost_sentence, costs};
use crate::Prices;

/// Scores, the three parts with their intervals, the verdict and why, the cost.
pub fn render(r: &CompareReport, prices: Option<&Prices>) -> String {
    let c = costs(r, prices);
    let mut s = String::new();
    for (name, path, score, cost) in [("A", &r.a, r.score_a, &c[0]), ("B", &r.b, r.score_b, &c[1])]
    {
        let _ = writeln!(s, "{name}: {}", path.display());
        let _ = writeln!(s, "   official score {score:.6} min");
        if let Some(cost) = cost {
            let _ = writeln!(s, "   {}", cost.line());
        }
    }
    let _ = writeln!(
        s,
        "\n{:<12} {:>9}   {:>4.0}% CI (bootstrap, {} resamples, seeded)",
        "part",
        "A over B",
        r.level * 100.0,
        r.resamples
    );
    for p in &r.parts {
        let _ = writeln!(
            s,
            "{:<12} {:>8.3}x   [{:.3}x, {:.3}x]",
            p.name, p.ci.estimate, p.ci.low, p.ci.high
        );
    }
    let _ = writeln!(
        s,
        "\nthroughput x convergence = {:.3}x (residual {:.4} from averaging)",
        r.parts[1].ci.estimate * r.parts[2].ci.estimate,
        r.residual
    );
    let _ = writeln!(s, "{}", attribution(r));
    if let Some(line) = cost_sentence(r, prices) {
        let _ = writeln!(s, "{line}");
    }
    if let Some(line) = claim_sentence(r) {
        let _ = writeln!(s, "{line}");
    }
    s
}
