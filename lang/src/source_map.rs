//! The files of one load: path, text and a line index to turn byte offsets into
//! `line:column` positions for diagnostics.

use std::path::{Path, PathBuf};

use crate::span::FileId;

/// One file's text and where its lines start.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
    /// Byte offset of the first character of each line; always starts with 0.
    line_starts: Vec<usize>,
}

/// A 1-based line and column; the column counts characters, not bytes, so that a caret
/// lines up under non-ASCII text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// All files known to one invocation, addressed by [`FileId`].
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceFile {
    fn new(path: PathBuf, text: String) -> SourceFile {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        SourceFile {
            path,
            text,
            line_starts,
        }
    }

    /// The 0-based line index containing `offset` (offsets past the end clamp to the last
    /// line).
    pub fn line_index(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = self.clamp(offset);
        let line = self.line_index(offset);
        let start = self.line_starts[line];
        let column = self.text[start..offset].chars().count() + 1;
        LineCol {
            line: line + 1,
            column,
        }
    }

    /// The text of the 0-based line `index`, without its line terminator.
    pub fn line_text(&self, index: usize) -> &str {
        let start = self.line_starts[index];
        let end = self
            .line_starts
            .get(index + 1)
            .map_or(self.text.len(), |next| next - 1);
        self.text[start..end].trim_end_matches('\r')
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Clamp `offset` into the text and back onto a character boundary.
    fn clamp(&self, offset: usize) -> usize {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }
}

impl SourceMap {
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    /// Add a file and return its id. Adding the same path twice gives two ids; the loader
    /// deduplicates by canonical path before calling this.
    pub fn add(&mut self, path: impl Into<PathBuf>, text: impl Into<String>) -> FileId {
        let id = FileId(self.files.len() as u32);
        self.files.push(SourceFile::new(path.into(), text.into()));
        id
    }

    /// The file for `id`.
    ///
    /// Panics if `id` did not come from this map, which is a programming error, not a
    /// user error.
    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    pub fn path(&self, id: FileId) -> &Path {
        &self.file(id).path
    }

    pub fn text(&self, id: FileId) -> &str {
        &self.file(id).text
    }

    pub fn line_col(&self, id: FileId, offset: usize) -> LineCol {
        self.file(id).line_col(offset)
    }

    pub fn ids(&self) -> impl Iterator<Item = FileId> + '_ {
        (0..self.files.len() as u32).map(FileId)
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_from_one() {
        let mut map = SourceMap::new();
        let id = map.add("a.run", "ab\nçd\n");
        assert_eq!(map.line_col(id, 0), LineCol { line: 1, column: 1 });
        assert_eq!(map.line_col(id, 3), LineCol { line: 2, column: 1 });
        // `d` is after the two-byte `ç`
        assert_eq!(map.line_col(id, 5), LineCol { line: 2, column: 2 });
        assert_eq!(map.line_col(id, 99), LineCol { line: 3, column: 1 });
        assert_eq!(map.file(id).line_text(1), "çd");
    }
}
