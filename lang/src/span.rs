//! Byte ranges into a file of a [`SourceMap`](crate::SourceMap).

use serde::{Deserialize, Serialize};

/// Index of a file in a [`SourceMap`](crate::SourceMap). Ids are dense and assigned in
/// the order files are added, so they are stable for one load.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FileId(pub u32);

/// A half-open byte range `start..end` in one file.
///
/// Invariant: `start <= end` and both lie on UTF-8 character boundaries of the file text.
/// Offsets are `u32` because spec files are small; the loader rejects files over 4 GiB.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        debug_assert!(start <= end, "span start after end");
        Span {
            file,
            start: start as u32,
            end: end as u32,
        }
    }

    /// The empty span at `offset`, used for "expected ... here" errors.
    pub fn point(file: FileId, offset: usize) -> Span {
        Span::new(file, offset, offset)
    }

    /// The smallest span covering both `self` and `other` (same file assumed).
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
}
