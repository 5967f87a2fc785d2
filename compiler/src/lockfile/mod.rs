//! The lock file: `lockfiles/NAME.lock`.
//!
//! # Design
//! A lock is a tree of [`LockValue`]s with sorted keys. The writer ([`Lockfile::write_bytes`])
//! renders it in a fixed layout (an `@generated` header, `version`, `repro`, `name`, `spec`,
//! then `[rulesets]`, `[inputs]`, `[hashes]`, then one section per [`Group`]); the reader
//! ([`Lockfile::read`]) parses it with the `toml` crate and converts the tree back. Hashes
//! are taken over the canonical inline form of the tree, never over file bytes, so a lock
//! that was read back hashes the same as the one that was written, and a hand edit of the
//! content is detected ([`Lockfile::verify`]) whatever the formatting.
//!
//! Nothing machine-local is written: paths are relative to the lock root with `/`
//! separators, there are no timestamps or user names, and floats use Rust's shortest
//! round-trip form. Two machines that compile the same spec write the same bytes.
//!
//! # Versions and the policy for changing them
//! - `version` is the *format* version ([`FORMAT_VERSION`]). It changes whenever the same
//!   spec would produce different bytes or a different hash: a field renamed or added to a
//!   group, a change in the canonical form, a new hash algorithm. A repro only reads its own
//!   format version and refuses others with a message that says which repro wrote it; it never
//!   rewrites an old lock silently. Bumping it is a reviewed change with a note in
//!   `docs/lockfile.md`.
//! - `repro` is the version of the tool that wrote the lock. It is informational and is not
//!   hashed, so upgrading repro without a format change keeps locks byte-stable except this
//!   line.
//! - `[rulesets]` records the name and version of each rule set that checked the plan; it is
//!   part of the plan hash, so a new rule set version makes `--locked` report drift.

mod error;
mod group;
mod lock_diff;
#[allow(clippy::module_inception)]
mod lockfile;
mod reader;
mod tamper;
mod value;
mod writer;

pub use error::LockError;
pub use group::Group;
pub use lock_diff::{Change, LockDiff};
pub use lockfile::Lockfile;
pub use tamper::Tamper;
pub use value::{flatten, format_float, LockValue, Table};
pub use writer::HEADER;

/// The lock format version this repro writes and reads.
pub const FORMAT_VERSION: i64 = 2;
