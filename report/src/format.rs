/// The output formats every command shares (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Tables for a terminal.
    Human,
    /// The command's documented JSON schema (`docs/formats.md`).
    Json,
    /// Markdown (fits a CI step summary).
    Markdown,
    /// JUnit XML: one test case per plan or benchmark.
    Junit,
    /// One self-contained HTML file with inline CSS and SVG plots.
    Html,
}

impl Format {
    /// The name the flag takes.
    pub fn name(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Json => "json",
            Format::Markdown => "markdown",
            Format::Junit => "junit",
            Format::Html => "html",
        }
    }
}
