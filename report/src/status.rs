//! `repro status`: where a Slurm submission's runs stand.

use std::fmt::Write;

use repro_runner::slurm::StatusReport;

use crate::html::{esc, page, table};
use crate::{Format, ReportError};

/// Version of the JSON schema (`docs/formats.md`).
pub const SCHEMA_VERSION: u32 = 1;

/// Renders `report` in `format`; JUnit has one case per run, failed when its outcome is a
/// failure, skipped while it is still queued or running.
pub fn render(report: &StatusReport, format: Format) -> Result<String, ReportError> {
    Ok(match format {
        Format::Human => report.to_string(),
        Format::Json => {
            let mut v = serde_json::json!({ "schema_version": SCHEMA_VERSION });
            if let (Some(obj), serde_json::Value::Object(rest)) =
                (v.as_object_mut(), serde_json::to_value(report)?)
            {
                obj.extend(rest);
            }
            serde_json::to_string_pretty(&v)? + "\n"
        }
        Format::Markdown => {
            let mut s = format!(
                "## plan `{}`, Slurm array job {}\n\n| run | task | status |\n| ---: | --- | --- |\n",
                report.plan, report.job_id
            );
            for row in &report.rows {
                let _ = writeln!(
                    s,
                    "| {} | {} | {} |",
                    row.index,
                    row.task,
                    row.status.replace('|', "\\|")
                );
            }
            s
        }
        Format::Html => {
            let rows: Vec<Vec<String>> = report
                .rows
                .iter()
                .map(|r| vec![r.index.to_string(), esc(&r.task), esc(&r.status)])
                .collect();
            page(
                &format!("repro status {}", report.plan),
                &format!(
                    "<p>Slurm array job <code>{}</code></p>\n{}",
                    esc(&report.job_id),
                    table(&["run", "task", "status"], &rows)
                ),
            )
        }
        Format::Junit => {
            let cases = report
                .rows
                .iter()
                .map(|r| {
                    let s = r.status.to_lowercase();
                    let done = s.starts_with("succeeded") || s.starts_with("success");
                    let waiting = [
                        "pending",
                        "running",
                        "configuring",
                        "completing",
                        "ended, not collected",
                    ]
                    .iter()
                    .any(|w| s.starts_with(w));
                    crate::junit::Case {
                        name: format!("run {}", r.index),
                        classname: format!("status.{}", report.plan),
                        failure: (!done && !waiting).then(|| (r.status.clone(), r.task.clone())),
                        skipped: waiting.then(|| r.status.clone()),
                        output: r.task.clone(),
                    }
                })
                .collect();
            crate::junit::render(&format!("repro status {}", report.plan), "status", cases)?
        }
    })
}
