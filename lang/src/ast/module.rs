use serde::Serialize;

use crate::ast::Item;
use crate::span::{FileId, Span};

/// One parsed file: its top-level items in source order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Module {
    pub file: FileId,
    pub items: Vec<Item>,
    pub span: Span,
}

impl Module {
    /// The `use` declarations of this file, in order.
    pub fn uses(&self) -> impl Iterator<Item = &crate::ast::Use> {
        self.items.iter().filter_map(|item| match item {
            Item::Use(u) => Some(u),
            _ => None,
        })
    }
}
