use serde::Serialize;

use crate::ast::Expr;
use crate::span::Span;

/// A string literal, possibly interpolated: `"gpt3-${nodes}x${gpus_per_node}"`.
///
/// Invariant: escapes are resolved and adjacent text parts are merged, so two texts
/// that mean the same have the same parts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StringLit {
    /// A boxed slice, not a `Vec`, to keep every expression small (#14).
    pub parts: Box<[StrPart]>,
    pub span: Span,
}

/// 24 bytes: every string value of a spec holds one or more (#14).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum StrPart {
    Text(Box<str>),
    Interp(Box<Expr>),
}

/// A string that must be plain text (no `${...}`): `use` paths, run and rule set names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Str {
    pub value: String,
    pub span: Span,
}

impl StringLit {
    /// The text when the literal has no interpolation.
    pub fn as_plain(&self) -> Option<String> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                StrPart::Text(text) => out.push_str(text),
                StrPart::Interp(_) => return None,
            }
        }
        Some(out)
    }
}
