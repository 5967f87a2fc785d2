//! User-facing errors with a primary span, secondary labels, `help:` and notes.
//!
//! Every stage (lang, compiler, runner) reports user errors as `Diagnostic`s so that each
//! error points at the text it is about. A diagnostic holds only spans; turning them into
//! `file:line:col` needs the [`SourceMap`] of the load, which is why rendering and the JSON
//! form take one.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::json_diagnostic::JsonDiagnostic;
use crate::source_map::SourceMap;
use crate::span::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Note,
}

/// A secondary location, e.g. "the `{` opened here" or "the rule that rejected it".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// One problem. `message` is a lowercase fragment without a trailing period; names are in
/// backticks. `help` says what to do about it, when there is a likely fix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    pub span: Span,
    /// Shown under the caret of the primary span.
    pub span_label: Option<String>,
    pub labels: Vec<Label>,
    pub help: Option<String>,
    pub notes: Vec<String>,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

impl Diagnostic {
    pub fn new(severity: Severity, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity,
            message: message.into(),
            span,
            span_label: None,
            labels: Vec::new(),
            help: None,
            notes: Vec::new(),
        }
    }

    pub fn error(span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Error, span, message)
    }

    pub fn warning(span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Warning, span, message)
    }

    pub fn with_span_label(mut self, text: impl Into<String>) -> Diagnostic {
        self.span_label = Some(text.into());
        self
    }

    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The JSON form (`file`, `line`, `column`, `end_line`, `end_column`, `severity`,
    /// `message`, `help`, `labels`, `notes`).
    pub fn to_json(&self, sources: &SourceMap) -> JsonDiagnostic {
        JsonDiagnostic::new(self, sources)
    }

    /// Render as text: the message, `--> file:line:col`, the source line with a caret
    /// under the span, then labels, `help:` and notes.
    pub fn render(&self, sources: &SourceMap) -> String {
        let mut out = format!("{}: {}\n", self.severity.as_str(), self.message);
        let gutter = self.gutter_width(sources);
        push_snippet(
            &mut out,
            sources,
            self.span,
            self.span_label.as_deref(),
            '^',
            "-->",
            gutter,
        );
        for label in &self.labels {
            push_snippet(
                &mut out,
                sources,
                label.span,
                Some(&label.message),
                '-',
                ":::",
                gutter,
            );
        }
        let pad = " ".repeat(gutter);
        if let Some(help) = &self.help {
            push_prefixed(&mut out, &pad, "help", help);
        }
        for note in &self.notes {
            push_prefixed(&mut out, &pad, "note", note);
        }
        out
    }

    /// Width of the line-number gutter, wide enough for every line shown.
    fn gutter_width(&self, sources: &SourceMap) -> usize {
        std::iter::once(self.span)
            .chain(self.labels.iter().map(|l| l.span))
            .filter_map(|span| {
                sources
                    .get(span.file)
                    .map(|f| f.line_col(span.start as usize))
            })
            .map(|pos| pos.line.to_string().len())
            .max()
            .unwrap_or(1)
    }
}

/// Render every diagnostic, separated by blank lines.
pub fn render_all(diagnostics: &[Diagnostic], sources: &SourceMap) -> String {
    diagnostics
        .iter()
        .map(|d| d.render(sources))
        .collect::<Vec<_>>()
        .join("\n")
}

fn push_prefixed(out: &mut String, pad: &str, kind: &str, text: &str) {
    let mut lines = text.lines();
    if let Some(first) = lines.next() {
        let _ = writeln!(out, "{pad} = {kind}: {first}");
    }
    for line in lines {
        let _ = writeln!(out, "{pad}   {}{line}", " ".repeat(kind.len() + 2));
    }
}

fn push_snippet(
    out: &mut String,
    sources: &SourceMap,
    span: Span,
    label: Option<&str>,
    mark: char,
    arrow: &str,
    gutter: usize,
) {
    let pad = " ".repeat(gutter);
    let Some(file) = sources.get(span.file) else {
        let _ = writeln!(out, "{pad}{arrow} <unknown file {}>", span.file.0);
        return;
    };
    let start = file.line_col(span.start as usize);
    let _ = writeln!(
        out,
        "{pad}{arrow} {}:{}:{}",
        file.path.display(),
        start.line,
        start.column
    );
    let line_index = start.line - 1;
    let line = file.line_text(line_index).replace('\t', " ");
    let end = file.line_col(span.end as usize);
    let width = if end.line == start.line {
        end.column.saturating_sub(start.column).max(1)
    } else {
        (line.chars().count() + 1)
            .saturating_sub(start.column)
            .max(1)
    };
    let marks: String = std::iter::repeat_n(mark, width).collect();
    let _ = writeln!(out, "{pad} |");
    let _ = writeln!(out, "{:>gutter$} | {line}", start.line);
    let caret_pad = " ".repeat(start.column - 1);
    match label {
        Some(text) => {
            let _ = writeln!(out, "{pad} | {caret_pad}{marks} {text}");
        }
        None => {
            let _ = writeln!(out, "{pad} | {caret_pad}{marks}");
        }
    }
}
