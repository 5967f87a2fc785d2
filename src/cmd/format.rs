//! `--format` and `--prices`, shared by every command that prints a report.

use std::path::Path;

use repro_report::{Prices, ReportError};

use crate::exit::Exit;

/// `--format human|json|markdown|junit|html`: the same flag on every reporting command.
#[derive(Clone, Copy, PartialEq, Eq, Default, Debug, clap::ValueEnum)]
pub enum Format {
    /// Tables for a terminal
    #[default]
    #[value(alias = "text")]
    Human,
    /// The command's JSON schema (docs/formats.md)
    Json,
    /// Markdown (fits a CI step summary)
    Markdown,
    /// JUnit XML: one test case per plan or benchmark
    Junit,
    /// One self-contained HTML file with inline SVG plots
    Html,
}

impl From<Format> for repro_report::Format {
    fn from(f: Format) -> Self {
        match f {
            Format::Human => repro_report::Format::Human,
            Format::Json => repro_report::Format::Json,
            Format::Markdown => repro_report::Format::Markdown,
            Format::Junit => repro_report::Format::Junit,
            Format::Html => repro_report::Format::Html,
        }
    }
}

/// Reads `--prices FILE`, printing the error (file, line:column) and giving exit 2.
pub fn prices(path: Option<&Path>) -> Result<Option<Prices>, Exit> {
    path.map(Prices::read).transpose().map_err(|e| {
        eprintln!("error: {e}");
        Exit::Invalid
    })
}

/// Prints a rendered report, or the renderer's error (exit 2).
pub fn print(rendered: Result<String, ReportError>) -> Result<(), Exit> {
    match rendered {
        Ok(text) => {
            print!("{text}");
            Ok(())
        }
        Err(e) => {
            eprintln!("error: {e}");
            Err(Exit::Invalid)
        }
    }
}
