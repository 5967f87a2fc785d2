//! The result of a compile: plans plus the sources needed to render diagnostics.

use repro_lang::{render_all, Diagnostic, SourceMap};

use crate::plan::Plan;

/// A successful compile.
#[derive(Debug)]
pub struct Compiled {
    /// One plan per run and sweep point, in spec order.
    pub plans: Vec<Plan>,
    /// Every file that was loaded, for rendering diagnostics.
    pub sources: SourceMap,
    /// Warnings (e.g. a container pinned by tag).
    pub warnings: Vec<Diagnostic>,
}

/// A failed compile: every error of the stage that failed.
#[derive(Debug)]
pub struct Failed {
    pub sources: SourceMap,
    pub diagnostics: Vec<Diagnostic>,
}

impl Failed {
    /// All diagnostics rendered as text (`file:line:col`, source line, caret, help).
    pub fn render(&self) -> String {
        render_all(&self.diagnostics, &self.sources)
    }
}

impl Compiled {
    /// The warnings rendered as text.
    pub fn render_warnings(&self) -> String {
        render_all(&self.warnings, &self.sources)
    }
}
