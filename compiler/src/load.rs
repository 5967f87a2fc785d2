//! Loading a spec and its `use` imports.
//!
//! Interim: `repro_lang` will own the loader (`repro_lang::load`); until it lands on the
//! `lang` branch the compiler follows `use` itself with `repro_lang::parse`. The shape
//! (`Loaded { sources, modules, root }`) is the one lang promised, so switching is one line.

use std::path::{Path, PathBuf};

use repro_lang::ast::Module;
use repro_lang::{Diagnostic, FileId, SourceMap, Span};

/// Every module reachable from the root spec, in load order (root first).
pub struct Loaded {
    pub sources: SourceMap,
    pub modules: Vec<Module>,
    pub root: FileId,
}

/// Load `path` and, recursively, every file it `use`s (relative to the importing file).
pub fn load(path: &Path) -> Result<Loaded, (SourceMap, Vec<Diagnostic>)> {
    let mut st = State {
        sources: SourceMap::new(),
        modules: Vec::new(),
        paths: Vec::new(),
        diags: Vec::new(),
    };
    let root = match std::fs::read_to_string(path) {
        Ok(text) => st.add(path, text),
        Err(e) => {
            let id = st.sources.add(path, String::new());
            let d = Diagnostic::error(
                Span::point(id, 0),
                format!("cannot read spec `{}`: {e}", path.display()),
            );
            return Err((st.sources, vec![d]));
        }
    };
    st.visit(root, &mut Vec::new());
    if st.diags.is_empty() {
        Ok(Loaded {
            sources: st.sources,
            modules: st.modules,
            root,
        })
    } else {
        Err((st.sources, st.diags))
    }
}

struct State {
    sources: SourceMap,
    modules: Vec<Module>,
    paths: Vec<(PathBuf, FileId)>,
    diags: Vec<Diagnostic>,
}

impl State {
    fn add(&mut self, path: &Path, text: String) -> FileId {
        let id = self.sources.add(path, text);
        self.paths.push((crate::paths::normalize(path), id));
        id
    }

    fn visit(&mut self, id: FileId, stack: &mut Vec<FileId>) {
        let module = match repro_lang::parse(id, self.sources.text(id)) {
            Ok(m) => m,
            Err(d) => return self.diags.extend(d),
        };
        stack.push(id);
        let dir = self
            .sources
            .path(id)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let uses: Vec<_> = module.uses().cloned().collect();
        self.modules.push(module);
        for u in uses {
            let path = crate::paths::normalize(&dir.join(&u.path.value));
            if let Some(&(_, seen)) = self.paths.iter().find(|(p, _)| *p == path) {
                if stack.contains(&seen) {
                    self.diags.push(self.cycle(stack, seen, u.path.span));
                }
                continue;
            }
            match std::fs::read_to_string(&path) {
                Ok(text) => {
                    let shown = dir.join(&u.path.value);
                    let next = self.add(&shown, text);
                    self.visit(next, stack);
                }
                Err(e) => self.diags.push(Diagnostic::error(
                    u.path.span,
                    format!("cannot read `{}`: {e}", u.path.value),
                )),
            }
        }
        stack.pop();
    }

    fn cycle(&self, stack: &[FileId], back_to: FileId, span: Span) -> Diagnostic {
        let start = stack.iter().position(|f| *f == back_to).unwrap_or(0);
        let name = |f: &FileId| {
            self.sources
                .path(*f)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        };
        let mut names: Vec<String> = stack[start..].iter().map(name).collect();
        names.push(name(&back_to));
        Diagnostic::error(span, format!("import cycle: {}", names.join(" -> ")))
            .with_help("remove one of these `use` lines")
    }
}
