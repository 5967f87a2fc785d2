use serde::Serialize;

use crate::span::Span;

/// A name such as `nodes` or `opt_base_learning_rate`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ident {
    pub name: String,
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
        let names: Vec<&str> = self.segments.iter().map(|s| s.name.as_str()).collect();
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
