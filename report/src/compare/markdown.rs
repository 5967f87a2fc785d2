//! The Markdown of `compare`.

use std::fmt::Write;

use repro_audit::verify::CompareReport;

use super::{attribution, claim_sentence, cost_sentence, costs};
use crate::verify::markdown_cell as cell;
use crate::Prices;

/// A table of the sides, a table of the parts, then the sentences.
pub fn render(r: &CompareReport, prices: Option<&Prices>) -> String {
    let c = costs(r, prices);
    let mut s = String::from("# repro compare\n\n| side | folder or record | score | cost |\n| --- | --- | ---: | --- |\n");
    for (name, path, score, cost) in [("A", &r.a, r.score_a, &c[0]), ("B", &r.b, r.score_b, &c[1])]
    {
        let _ = writeln!(
            s,
            "| {name} | `{}` | {score:.6} min | {} |",
            cell(&path.display().to_string()),
            cost.as_ref()
                .map_or("-".into(), |c| cell(c.line().trim_start_matches("cost ")))
        );
    }
    let _ = writeln!(
        s,
        "\n| part | A over B | {:.0} % interval |\n| --- | ---: | --- |",
        r.level * 100.0
    );
    for p in &r.parts {
        let _ = writeln!(
            s,
            "| {} | {:.3}x | [{:.3}x, {:.3}x] |",
            p.name, p.ci.estimate, p.ci.low, p.ci.high
        );
    }
    s.push('\n');
    let _ = writeln!(s, "- {}", cell(&attribution(r)));
    if let Some(line) = cost_sentence(r, prices) {
        let _ = writeln!(s, "- {}", cell(&line));
    }
    if let Some(line) = claim_sentence(r) {
        let _ = writeln!(s, "- **{}**", cell(&line));
    }
    s
}
