//! The flags shared by every command that compiles a spec (`lock`, `plan`, `check`, `run`).

use std::path::PathBuf;

use repro_compiler::options::Options;

#[derive(clap::Args, Clone, Default)]
pub struct CompileFlags {
    /// Refuse when the lock would change (the spec, an input file or a rule set drifted)
    #[arg(long)]
    pub locked: bool,
    /// Do not resolve anything: sources come from the existing lock
    #[arg(long)]
    pub offline: bool,
    /// `--locked` and `--offline` together: no git access at all
    #[arg(long)]
    pub frozen: bool,
    /// Treat reproducibility warnings (a container pinned by tag) as errors
    #[arg(long)]
    pub strict: bool,
    /// Lock root: locks go to ROOT/lockfiles/ (default: the spec's folder, or its parent when
    /// that folder is named `specs`)
    #[arg(long, value_name = "ROOT")]
    pub root: Option<PathBuf>,
    /// Let `use` and `script` name files outside the lock root (the lock records
    /// `outside_root = true`)
    #[arg(long)]
    pub allow_outside_root: bool,
}

impl CompileFlags {
    pub fn options(&self) -> Options {
        Options {
            root: self.root.clone(),
            offline: self.offline,
            locked: self.locked,
            frozen: self.frozen,
            strict: self.strict,
            allow_outside_root: self.allow_outside_root,
            ..Options::default()
        }
    }
}

/// `--format human|json` (`text` is an old spelling of `human`).
#[derive(clap::ValueEnum, Clone, Copy, Default, PartialEq, Eq)]
pub enum Format {
    #[default]
    #[value(name = "human", alias = "text")]
    Text,
    Json,
}
