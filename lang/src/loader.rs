//! `load`: read a root file and every file it imports with `use`, transitively.
//!
//! `use` paths are relative to the importing file. Each file is read and parsed once even
//! if imported from several places (keyed by canonical path). An import cycle is an error
//! that names the cycle (`a.run -> b.run -> a.run`) and points at the `use` closing it.
//! Modules come back in dependency order (every file after the files it imports), which
//! is the order in which rule sets apply.
//!
//! The loader reads files and nothing else; all problems are [`Diagnostic`]s and are
//! collected across files, so one run reports every broken file.
//!
//! What it reads is bounded ([`LoadOptions`]): only regular files (a FIFO would block
//! forever, `/dev/zero` would fill memory), at most [`MAX_SPEC_BYTES`] each, an imported file
//! must be a `.run` file (so that a syntax error never quotes a file that is not a spec, such
//! as `/etc/shadow`), and with a root every import must resolve inside it. The root file
//! named on the command line is held to the same rules ([`read_spec`]) except confinement:
//! it is what defines the project.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use crate::ast::Module;
use crate::diagnostic::{render_all, Diagnostic};
use crate::parser::parse;
use crate::source_map::SourceMap;
use crate::span::{FileId, Span};

/// The largest spec file read: far beyond any real spec (the shipped ones are a few KiB),
/// small enough that a mistaken `use` of a huge file is an error, not an out-of-memory.
pub const MAX_SPEC_BYTES: u64 = 64 * 1024 * 1024;

/// Where imports may come from.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Every `use` must resolve inside this folder (after following symlinks); `None`
    /// confines nothing (the caller decided, e.g. `--allow-outside-root`).
    pub root: Option<PathBuf>,
}

/// A root file and its imports.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub sources: SourceMap,
    /// Dependency order: a module comes after every module it imports; the root is last.
    pub modules: Vec<Module>,
    pub root: FileId,
    pub imports: Vec<Import>,
}

/// One resolved `use`: `from` imports `to`; `span` is the `use` declaration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Import {
    pub from: FileId,
    pub to: FileId,
    pub span: Span,
}

/// Loading failed. `sources` holds every file read so far, so the diagnostics can be
/// rendered (the `Display` impl does that).
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}", render_all(.diagnostics, .sources))]
pub struct LoadError {
    pub sources: SourceMap,
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Visiting,
    Done,
}

struct Loader {
    sources: SourceMap,
    /// Canonical confinement root, see [`LoadOptions::root`].
    confine: Option<PathBuf>,
    root_dir: PathBuf,
    by_path: HashMap<PathBuf, FileId>,
    state: HashMap<FileId, State>,
    stack: Vec<FileId>,
    modules: Vec<Module>,
    imports: Vec<Import>,
    errors: Vec<Diagnostic>,
}

/// Load `path` and everything it imports, with no confinement root.
pub fn load(path: &Path) -> Result<Loaded, LoadError> {
    load_with(path, &LoadOptions::default())
}

/// Load `path` and everything it imports, within `options`.
pub fn load_with(path: &Path, options: &LoadOptions) -> Result<Loaded, LoadError> {
    let mut loader = Loader {
        sources: SourceMap::new(),
        confine: options
            .root
            .as_ref()
            .map(|r| std::fs::canonicalize(r).unwrap_or_else(|_| r.clone())),
        root_dir: path.parent().map(Path::to_path_buf).unwrap_or_default(),
        by_path: HashMap::new(),
        state: HashMap::new(),
        stack: Vec::new(),
        modules: Vec::new(),
        imports: Vec::new(),
        errors: Vec::new(),
    };
    let root = match loader.read_root(path) {
        Ok(id) => id,
        Err(e) => {
            let id = loader.sources.add(path, "");
            loader.errors.push(read_error(Span::point(id, 0), path, &e));
            return Err(loader.fail());
        }
    };
    loader.visit(root);
    if loader.errors.is_empty() {
        Ok(Loaded {
            sources: loader.sources,
            modules: loader.modules,
            root,
            imports: loader.imports,
        })
    } else {
        Err(loader.fail())
    }
}

impl Loader {
    fn fail(self) -> LoadError {
        LoadError {
            sources: self.sources,
            diagnostics: self.errors,
        }
    }

    /// The root file, held to the rules of an import: a regular `.run` file, bounded.
    fn read_root(&mut self, path: &Path) -> std::io::Result<FileId> {
        let bytes = read_spec(path)?;
        self.add(path.to_path_buf(), bytes)
    }

    /// Read a file into the source map; non-UTF-8 text is added lossily and reported.
    fn read(&mut self, path: PathBuf) -> std::io::Result<FileId> {
        let bytes = read_bounded(&path, MAX_SPEC_BYTES)?;
        self.add(path, bytes)
    }

    fn add(&mut self, path: PathBuf, bytes: Vec<u8>) -> std::io::Result<FileId> {
        let key = std::fs::canonicalize(&path)?;
        let (text, bad) = match String::from_utf8(bytes) {
            Ok(text) => (text, None),
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                let byte = e.as_bytes()[at];
                (
                    String::from_utf8_lossy(e.as_bytes()).into_owned(),
                    Some((at, byte)),
                )
            }
        };
        let id = self.sources.add(path, text);
        self.by_path.insert(key, id);
        if let Some((at, byte)) = bad {
            self.errors.push(not_utf8(id, at, byte));
            self.state.insert(id, State::Done);
        }
        Ok(id)
    }

    fn visit(&mut self, id: FileId) {
        if self.state.contains_key(&id) {
            return;
        }
        let module = match parse(id, self.sources.text(id)) {
            Ok(module) => module,
            Err(errors) => {
                self.errors.extend(errors);
                self.state.insert(id, State::Done);
                return;
            }
        };
        self.state.insert(id, State::Visiting);
        self.stack.push(id);
        for u in module.uses() {
            self.import(id, &u.path.value, u.span, u.path.span);
        }
        self.stack.pop();
        self.state.insert(id, State::Done);
        self.modules.push(module);
    }

    fn import(&mut self, from: FileId, rel: &str, span: Span, path_span: Span) {
        let dir = self
            .sources
            .path(from)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let path = normalize(&dir.join(rel));
        if let Some(diag) = self.inadmissible(&path, path_span) {
            self.errors.push(diag);
            return;
        }
        let existing = std::fs::canonicalize(&path)
            .ok()
            .and_then(|key| self.by_path.get(&key).copied());
        let to = match existing {
            Some(to) => to,
            None => match self.read(path.clone()) {
                Ok(to) => to,
                Err(e) => {
                    let diag = read_error(path_span, &path, &e).with_help(format!(
                        "`use` paths are relative to the importing file, here `{}`",
                        display_dir(&dir)
                    ));
                    self.errors.push(diag);
                    return;
                }
            },
        };
        self.imports.push(Import { from, to, span });
        if self.state.get(&to) == Some(&State::Visiting) {
            self.errors.push(self.cycle(to, span));
            return;
        }
        self.visit(to);
    }

    /// An import must be a `.run` file inside the root: the file is parsed, and a syntax
    /// error quotes its lines, which must never be those of a file that is not a spec.
    fn inadmissible(&self, path: &Path, span: Span) -> Option<Diagnostic> {
        if path.extension() != Some(std::ffi::OsStr::new("run")) {
            return Some(Diagnostic::error(
                span,
                format!(
                    "`use` imports spec files; `{}` is not a `.run` file",
                    path.display()
                ),
            )
            .with_help(
                "rename the file to end in `.run`, or import the spec that defines what you need",
            ));
        }
        let Some(root) = &self.confine else {
            return None;
        };
        // A missing file is reported by the read that follows, with its own message.
        let Ok(real) = std::fs::canonicalize(path) else {
            return None;
        };
        if real.starts_with(root) {
            return None;
        }
        Some(Diagnostic::error(
            span,
            format!(
                "`{}` is outside the project root `{}`",
                path.display(),
                root.display()
            ),
        )
        .with_help(
            "move the file into the project, or pass `--allow-outside-root` (the lock records it)",
        ))
    }

    /// "import cycle: `a.run -> b.run -> a.run`", pointing at the `use` that closes it.
    fn cycle(&self, to: FileId, span: Span) -> Diagnostic {
        let start = self.stack.iter().position(|f| *f == to).unwrap_or(0);
        let names: Vec<String> = self.stack[start..]
            .iter()
            .chain(std::iter::once(&to))
            .map(|f| self.short_name(*f))
            .collect();
        Diagnostic::error(span, format!("import cycle: `{}`", names.join(" -> ")))
            .with_span_label("this `use` closes the cycle")
            .with_help("move what both files need into a third file that both import")
    }

    /// The path relative to the root file's folder, for short messages.
    fn short_name(&self, id: FileId) -> String {
        let path = self.sources.path(id);
        let rel = path.strip_prefix(&self.root_dir).unwrap_or(path);
        rel.display().to_string()
    }
}

fn display_dir(dir: &Path) -> String {
    if dir.as_os_str().is_empty() {
        ".".to_string()
    } else {
        dir.display().to_string()
    }
}

/// Reads a spec file as every command that takes one on its command line must: it must be
/// named `*.run` (checked before anything is opened, so a diagnostic can never quote a file
/// that is not a spec, such as `/etc/shadow`), and then as [`read_bounded`] with
/// [`MAX_SPEC_BYTES`]: a regular file, never a FIFO, device or directory.
pub fn read_spec(path: &Path) -> std::io::Result<Vec<u8>> {
    if path.extension() != Some(std::ffi::OsStr::new("run")) {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "it is not a `.run` file; spec files end in `.run`",
        ));
    }
    read_bounded(path, MAX_SPEC_BYTES)
}

/// Reads a regular file of at most `max` bytes; a directory, FIFO, socket or device is an
/// error. The file is opened non-blocking (opening a FIFO would otherwise wait for a
/// writer) and checked on the open handle, so a file swapped after a check cannot slip by.
pub fn read_bounded(path: &Path, max: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(O_NONBLOCK)
        .open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        let kind = if meta.is_dir() {
            "a directory"
        } else {
            "not a regular file (a FIFO, socket or device)"
        };
        return Err(std::io::Error::other(format!("it is {kind}")));
    }
    if meta.len() > max {
        return Err(too_large(max));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(max + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(too_large(max));
    }
    Ok(bytes)
}

/// `O_NONBLOCK` on Linux (every architecture repro builds for); `lang` has no libc.
const O_NONBLOCK: i32 = 0o4000;

fn too_large(max: u64) -> std::io::Error {
    std::io::Error::other(format!("it is larger than {} MiB", max / (1024 * 1024)))
}

fn read_error(span: Span, path: &Path, err: &std::io::Error) -> Diagnostic {
    let reason = match err.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => lowercase_first(&err.to_string()),
    };
    Diagnostic::error(span, format!("cannot read `{}`: {reason}", path.display()))
}

fn not_utf8(id: FileId, at: usize, byte: u8) -> Diagnostic {
    Diagnostic::error(
        Span::new(id, at, at + 1),
        format!("file is not valid UTF-8 (byte 0x{byte:02X} at offset {at})"),
    )
    .with_help("save the file as UTF-8")
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Remove `.` and resolve `..` lexically, so that messages show `rules/a.run` rather
/// than `specs/../specs/rules/./a.run`.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_is_lexical() {
        assert_eq!(
            normalize(Path::new("a/./b/../c.run")),
            PathBuf::from("a/c.run")
        );
        assert_eq!(
            normalize(Path::new("../x/../y.run")),
            PathBuf::from("../y.run")
        );
    }
}
