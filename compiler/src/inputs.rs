//! `Inputs`: every input file of a compile and its hash, paths relative to the lock root.
//! Spec files are hashed from the text that was parsed (so the hash is of what was compiled);
//! files named by fields are read once per compile, however many sweep points name them.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use repro_lang::{Diagnostic, SourceMap, Span};

use crate::hash::sha256;
use crate::paths::relative;

/// The largest file a field may name (templates are a few KiB).
pub const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// Input hashes of one compile.
pub struct Inputs {
    root: PathBuf,
    /// The canonical root, and whether files may lie outside it (`--allow-outside-root`).
    real_root: PathBuf,
    allow_outside: bool,
    specs: BTreeMap<String, String>,
    files: HashMap<PathBuf, String>,
}

impl Inputs {
    /// Hash every loaded spec file.
    pub fn new(sources: &SourceMap, root: &Path, allow_outside: bool) -> Self {
        let specs = sources
            .ids()
            .map(|id| {
                let f = sources.file(id);
                (relative(root, &f.path), sha256(f.text.as_bytes()))
            })
            .collect();
        Inputs {
            root: root.to_path_buf(),
            real_root: std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf()),
            allow_outside,
            specs,
            files: HashMap::new(),
        }
    }

    /// The spec hashes plus those of `files` (named by fields), for one plan.
    pub fn for_plan(
        &mut self,
        files: &[(PathBuf, Span)],
    ) -> Result<BTreeMap<String, String>, Vec<Diagnostic>> {
        let mut out = self.specs.clone();
        let mut diags = Vec::new();
        for (path, span) in files {
            if let Some(d) = self.outside(path, *span) {
                diags.push(d);
                continue;
            }
            match self.file_hash(path) {
                Ok(h) => {
                    out.insert(relative(&self.root, path), h);
                }
                Err(e) => diags.push(Diagnostic::error(
                    *span,
                    format!("cannot read `{}`: {e}", path.display()),
                )),
            }
        }
        if diags.is_empty() {
            Ok(out)
        } else {
            Err(diags)
        }
    }

    /// A file outside the root (after following symlinks) is refused unless allowed: it
    /// would be hashed as `../../../etc/shadow` and, for a `script`, run.
    fn outside(&self, path: &Path, span: Span) -> Option<Diagnostic> {
        let real = std::fs::canonicalize(path).ok()?;
        if self.allow_outside || real.starts_with(&self.real_root) {
            return None;
        }
        Some(
            Diagnostic::error(
                span,
                format!(
                    "`{}` is outside the project root `{}`",
                    relative(&self.root, path),
                    self.root.display()
                ),
            )
            .with_help("move the file into the project, or pass `--allow-outside-root` (the lock records it as `outside_root = true`)"),
        )
    }

    fn file_hash(&mut self, path: &Path) -> std::io::Result<String> {
        if let Some(h) = self.files.get(path) {
            return Ok(h.clone());
        }
        let h = sha256(&repro_lang::read_bounded(path, MAX_INPUT_BYTES)?);
        self.files.insert(path.to_path_buf(), h.clone());
        Ok(h)
    }
}
