//! `Inputs`: every input file of a compile and its hash, paths relative to the lock root.
//! Spec files are hashed from the text that was parsed (so the hash is of what was compiled);
//! files named by fields are read once per compile, however many sweep points name them.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use repro_lang::{Diagnostic, SourceMap, Span};

use crate::hash::sha256;
use crate::paths::relative;

/// Input hashes of one compile.
pub struct Inputs {
    root: PathBuf,
    specs: BTreeMap<String, String>,
    files: HashMap<PathBuf, String>,
}

impl Inputs {
    /// Hash every loaded spec file.
    pub fn new(sources: &SourceMap, root: &Path) -> Self {
        let specs = sources
            .ids()
            .map(|id| {
                let f = sources.file(id);
                (relative(root, &f.path), sha256(f.text.as_bytes()))
            })
            .collect();
        Inputs {
            root: root.to_path_buf(),
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

    fn file_hash(&mut self, path: &Path) -> std::io::Result<String> {
        if let Some(h) = self.files.get(path) {
            return Ok(h.clone());
        }
        let h = sha256(&std::fs::read(path)?);
        self.files.insert(path.to_path_buf(), h.clone());
        Ok(h)
    }
}
