//! The machine-readable form of a [`Diagnostic`]: spans resolved to the file path and
//! 1-based `line`/`column` (end exclusive), so that tools need no source map.

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, Severity};
use crate::source_map::SourceMap;
use crate::span::Span;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JsonDiagnostic {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
    pub labels: Vec<JsonLabel>,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JsonLabel {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub message: String,
}

/// A span resolved to positions; `file` is empty for an id unknown to the map.
struct Resolved {
    file: String,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
}

fn resolve(span: Span, sources: &SourceMap) -> Resolved {
    let Some(file) = sources.get(span.file) else {
        return Resolved {
            file: String::new(),
            line: 0,
            column: 0,
            end_line: 0,
            end_column: 0,
        };
    };
    let start = file.line_col(span.start as usize);
    let end = file.line_col(span.end as usize);
    Resolved {
        file: file.path.display().to_string(),
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
    }
}

impl JsonDiagnostic {
    pub fn new(diagnostic: &Diagnostic, sources: &SourceMap) -> JsonDiagnostic {
        let at = resolve(diagnostic.span, sources);
        let labels = diagnostic
            .labels
            .iter()
            .map(|label| {
                let at = resolve(label.span, sources);
                JsonLabel {
                    file: at.file,
                    line: at.line,
                    column: at.column,
                    end_line: at.end_line,
                    end_column: at.end_column,
                    message: label.message.clone(),
                }
            })
            .collect();
        JsonDiagnostic {
            file: at.file,
            line: at.line,
            column: at.column,
            end_line: at.end_line,
            end_column: at.end_column,
            severity: diagnostic.severity,
            message: diagnostic.message.clone(),
            help: diagnostic.help.clone(),
            labels,
            notes: diagnostic.notes.clone(),
        }
    }
}
