//! Renderers of repro's reports. Every command builds one report value (plain serde data,
//! defined next to what produces it: `repro_audit::verify` for `verify` and `compare`,
//! `repro_runner` for `run`, `diff` and `status`); this crate turns it into one of five
//! [`Format`]s: `human` (a terminal), `json` (a documented, versioned schema), `markdown` (a CI
//! step summary), `junit` (one test case per plan or benchmark, for CI test views) and `html`
//! (one self-contained file: inline CSS and SVG plots, nothing loaded from the network).
//!
//! One module per command, one file per format; the shared pieces are [`svg`] (the plots),
//! `html` (page shell and escaping), `junit`, [`units`] (every number with its unit) and
//! [`cost`] (GPU-hours and the `--prices` table).

pub mod check;
pub mod compare;
pub mod cost;
pub mod diff;
mod error;
mod format;
mod html;
mod junit;
pub mod probe;
pub mod run;
pub mod status;
pub mod svg;
pub mod units;
pub mod verify;

pub use cost::{Cost, Prices, PricesError};
pub use error::ReportError;
pub use format::Format;
