//! The HTML page shell: one self-contained document, inline CSS, no scripts, nothing loaded
//! from the network (the plots are inline `<svg>` elements).

pub use crate::svg::esc;

const CSS: &str = "body{font-family:system-ui,sans-serif;margin:2em auto;max-width:60em;color:#222;line-height:1.4}\
h1{font-size:1.5em}h2{font-size:1.2em;border-bottom:1px solid #ddd;margin-top:2em}\
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left}\
td.num{text-align:right;font-variant-numeric:tabular-nums}\
.pass{color:#1a7f37;font-weight:bold}.fail{color:#cf222e;font-weight:bold}.other{color:#9a6700;font-weight:bold}\
.why{background:#f6f8fa;border-left:4px solid #0072B2;padding:.5em 1em}\
svg.plot{display:block;margin:.5em 0;max-width:100%;height:auto}\
footer{margin-top:3em;color:#777;font-size:.85em}";

/// A whole page: `title` as `<title>` and `<h1>`, then `body` (already HTML).
pub fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"generator\" content=\"repro {}\">\n<title>{t}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<h1>{t}</h1>\n{body}\n<footer>Written by repro {}. This file is self-contained: no scripts, fonts or images are loaded from elsewhere.</footer>\n</body>\n</html>\n",
        env!("CARGO_PKG_VERSION"),
        env!("CARGO_PKG_VERSION"),
        t = esc(title)
    )
}

/// A verdict word in its colour class: `pass`, `fail` or `other`.
pub fn verdict(word: &str, class: &str) -> String {
    format!("<span class=\"{class}\">{}</span>", esc(word))
}

/// A table from a header and rows of already-escaped cells; cells starting with a digit,
/// `$` or `-` followed by a digit are right-aligned.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut s = String::from("<table><thead><tr>");
    for h in header {
        s.push_str(&format!("<th>{}</th>", esc(h)));
    }
    s.push_str("</tr></thead><tbody>\n");
    for row in rows {
        s.push_str("<tr>");
        for c in row {
            let numeric = c.starts_with(|ch: char| ch.is_ascii_digit() || ch == '$');
            if numeric {
                s.push_str(&format!("<td class=\"num\">{c}</td>"));
            } else {
                s.push_str(&format!("<td>{c}</td>"));
            }
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody></table>\n");
    s
}
