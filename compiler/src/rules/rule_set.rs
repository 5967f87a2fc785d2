//! The rule-set IR: one `rules "..." { ... }` block.

use std::path::PathBuf;

use super::expr::Expr;
use super::post::Post;

/// Where an item was written: file, 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SourcePos {
    /// The rule file.
    pub file: PathBuf,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub col: u32,
}

/// How many occurrences of a key a log must have (the official `REQ`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Require {
    /// `EXACTLY_ONE`: 0 fails; more than one fails only when the values differ (else a warning).
    ExactlyOne,
    /// `AT_LEAST_ONE`
    AtLeastOne,
    /// `AT_LEAST_ONE_OR(k)`: this key or `k` must occur.
    AtLeastOneOr(String),
    /// `AT_LEAST(n)`
    AtLeast(u32),
}

/// A `check` or `target` expression with its source text (the failure message names it).
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    /// The expression.
    pub expr: Expr,
    /// The expression as written, for messages.
    pub text: String,
    /// Where it was written.
    pub pos: SourcePos,
}

/// The rules for one log key.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyRule {
    /// The MLLOG key.
    pub key: String,
    /// Occurrence requirement, if any.
    pub require: Option<Require>,
    /// Every occurrence must satisfy every check.
    pub checks: Vec<Check>,
    /// At least one occurrence must satisfy each target.
    pub targets: Vec<Check>,
    /// State updates run after the checks of each occurrence, in order.
    pub posts: Vec<Post>,
    /// Where the `key` block starts.
    pub pos: SourcePos,
}

/// A virtual key computed from the log before a set's rules run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Derive {
    /// The virtual key's name.
    pub name: String,
    /// `pivot(source, by = "by", column = "column")`: for every line of `source` whose
    /// metadata has `column`, group by `metadata.by`; each group becomes one line whose value
    /// is `{by: group, <metadata.column>: value, ...}` and whose time is the group's latest.
    /// The lines go after the real lines, in order of each group's first line (stable
    /// diffusion's FID and CLIP, as the official `BEGIN` block builds them).
    pub source: String,
    /// Metadata field to group by.
    pub by: String,
    /// Metadata field naming the column.
    pub column: String,
    /// Where it was written.
    pub pos: SourcePos,
}

/// One rule set (one official YAML file), plus its attributes (`ruleset`, `version`, and
/// package-level data such as `required_runs`).
#[derive(Debug, Clone, PartialEq)]
pub struct RuleSet {
    /// The quoted name, e.g. `mlperf-training-4.1/closed_gpt3`.
    pub name: String,
    /// `name = expr` attributes other than `when`, in file order.
    pub attributes: Vec<(String, Expr)>,
    /// The set applies to a log when this holds (always when absent).
    pub when: Option<Expr>,
    /// `derive NAME = ...` virtual keys.
    pub derives: Vec<Derive>,
    /// `let NAME = EXPR`: state variables and their values before the first line (the
    /// official `BEGIN` block's `s.update({...})`); `key` blocks update them (see [`Post`]).
    pub state: Vec<(String, Expr)>,
    /// Key rules in file order.
    pub keys: Vec<KeyRule>,
    /// Where the block starts.
    pub pos: SourcePos,
}

impl RuleSet {
    /// The attribute `name`, if the set defines it.
    pub fn attribute(&self, name: &str) -> Option<&Expr> {
        self.attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, e)| e)
    }
}
