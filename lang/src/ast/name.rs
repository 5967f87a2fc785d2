use serde::Serialize;

use crate::span::Span;

/// A name such as `nodes` or `opt_base_learning_rate`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ident {
    /// A boxed `str`, not a `String`: an identifier is never extended, and a field's
    /// statement holds one or two (#14).
    pub name: Box<str>,
    pub span: Span,
}

/// A dotted name such as `mlperf.training.gpt3` or `value.FID`; at least one segment.
/// A boxed slice, not a `Vec`, to keep every expression small (#14).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Path {
    pub segments: Box<[Ident]>,
    pub span: Span,
}

impl Path {
    /// The segments joined with `.`.
    pub fn dotted(&self) -> String {
        let names: Vec<&str> = self.segments.iter().map(|s| &*s.name).collect();
        names.join(".")
    }

    /// The single segment, if the path has exactly one.
    pub fn as_single(&self) -> Option<&Ident> {
        match &self.segments[..] {
            [only] => Some(only),
            _ => None,
        }
    }
}
