//! `repro check`: one entry per spec file, its plans and its diagnostics.

use std::fmt::Write;

use repro_lang::{JsonDiagnostic, Severity};
use serde::Serialize;

use crate::html::{esc, page, table, verdict};
use crate::{Format, ReportError};

/// One checked file.
#[derive(Debug, Clone, Serialize)]
pub struct CheckedFile {
    /// The spec file as given.
    pub file: String,
    /// No error.
    pub ok: bool,
    /// The plans it compiles to.
    pub plans: Vec<String>,
    /// Errors and warnings, positioned.
    pub diagnostics: Vec<JsonDiagnostic>,
    /// The diagnostics rendered with their source excerpts (human, on stderr).
    #[serde(skip)]
    pub rendered: String,
}

/// Renders the files in `format`. JSON is a list, one object per file (`docs/formats.md`);
/// JUnit has one test case per file, failed with its first error.
pub fn render(files: &[CheckedFile], format: Format) -> Result<String, ReportError> {
    Ok(match format {
        Format::Human => files
            .iter()
            .filter(|f| f.ok)
            .map(|f| {
                let n = f.plans.len();
                format!(
                    "ok {} ({n} plan{})\n",
                    f.file,
                    if n == 1 { "" } else { "s" }
                )
            })
            .collect(),
        Format::Json => serde_json::to_string_pretty(files)? + "\n",
        Format::Markdown => {
            let mut s = String::from(
                "| spec | result | plans | diagnostics |\n| --- | --- | ---: | --- |\n",
            );
            for f in files {
                let diags = f
                    .diagnostics
                    .iter()
                    .map(|d| position(d).replace('|', "\\|"))
                    .collect::<Vec<_>>()
                    .join("<br>");
                let _ = writeln!(
                    s,
                    "| `{}` | {} | {} | {diags} |",
                    f.file,
                    if f.ok { "ok" } else { "**error**" },
                    f.plans.len()
                );
            }
            s
        }
        Format::Junit => {
            let cases = files
                .iter()
                .map(|f| {
                    let first = f.diagnostics.iter().find(|d| d.severity == Severity::Error);
                    crate::junit::Case {
                        name: f.file.clone(),
                        classname: "check".into(),
                        failure: (!f.ok).then(|| {
                            (
                                first.map_or_else(|| "does not compile".into(), position),
                                f.rendered.clone(),
                            )
                        }),
                        skipped: None,
                        output: f.plans.join("\n"),
                    }
                })
                .collect();
            crate::junit::render("repro check", "check", cases)?
        }
        Format::Html => {
            let rows: Vec<Vec<String>> = files
                .iter()
                .map(|f| {
                    vec![
                        format!("<code>{}</code>", esc(&f.file)),
                        if f.ok {
                            verdict("ok", "pass")
                        } else {
                            verdict("error", "fail")
                        },
                        esc(&f.plans.join(", ")),
                        f.diagnostics
                            .iter()
                            .map(|d| esc(&position(d)))
                            .collect::<Vec<_>>()
                            .join("<br>"),
                    ]
                })
                .collect();
            page(
                "repro check",
                &table(&["spec", "result", "plans", "diagnostics"], &rows),
            )
        }
    })
}

/// `file:line:column: error: message`.
fn position(d: &JsonDiagnostic) -> String {
    let sev = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    };
    format!("{}:{}:{}: {sev}: {}", d.file, d.line, d.column, d.message)
}
