//! A `git(...)` source found while checking, waiting to be resolved.

use std::path::PathBuf;

use repro_lang::Span;

/// A `git(...)` source to resolve.
#[derive(Debug, Clone)]
pub struct SourceRef {
    pub name: String,
    pub url: String,
    pub reference: String,
    pub span: Span,
    /// Directory of the spec that names it (base for relative local paths).
    pub base: PathBuf,
}
