//! The repro spec language: text to a syntax tree with spans, diagnostics, the loader
//! for `use` imports, the formatter, and units.
//!
//! Pipeline: `scan` (comments, nesting limit) → pest grammar (`grammar.pest`) →
//! `builder` (pest pairs to [`ast`], lexical checks such as units) → [`Module`].
//! [`load`] follows `use` from a root file and returns every module and a
//! [`SourceMap`]; [`format()`] prints a module canonically, keeping comments.
//!
//! This crate does not evaluate anything (no `let`, `extends`, sweeps): the compiler does.
//! It never spawns processes; the loader only reads files.

pub mod ast;
mod builder;
mod chunked;
mod decimal;
mod diagnostic;
mod formatter;
mod json_diagnostic;
mod loader;
mod parser;
mod quantity;
mod scan;
mod source_map;
mod span;
mod syntax_error;
mod unit;

pub use ast::Module;
pub use decimal::Decimal;
pub use diagnostic::{render_all, Diagnostic, Label, Severity};
pub use formatter::{format, format_file};
pub use json_diagnostic::{JsonDiagnostic, JsonLabel};
pub use loader::{
    load, load_with, read_bounded, read_spec, Import, LoadError, LoadOptions, Loaded,
    MAX_SPEC_BYTES,
};
pub use parser::parse;
pub use quantity::{Dimension, Quantity, QuantityError};
pub use source_map::{LineCol, SourceFile, SourceMap};
pub use span::{FileId, Span};
pub use unit::{Unit, UNITS};
