//! [`IntList`]: a list literal of plain integers, packed.

use std::sync::Arc;

use serde::ser::{SerializeSeq, Serializer};

use crate::ast::{Expr, ExprKind, Lexeme};
use crate::span::{FileId, Span};

/// A list literal whose every item is an integer literal written as its value prints
/// (`0`, `42`; not `007`, not `-1`, which is a negation): `[0, 1, 2, ...]`.
///
/// A spec can hold a list of millions of numbers: as [`ExprKind::List`] each item cost a
/// 48-byte expression, and its evaluated value another 32 bytes (#14). Packed, an item is
/// its value and the offset where it starts (12 bytes); its text, and so its span and its
/// lexeme, follow from the value. The values are shared with the evaluated value and the
/// lock value (`Arc`), so that evaluating and locking the list copies nothing per item.
///
/// The parser packs every non-empty list that qualifies, and only those, so two parses of
/// the same text give equal trees. It means exactly what the general list of the same
/// items means: [`IntList::item`] gives each item as that list holds it, and the tree
/// serializes as that list.
#[derive(Debug, Clone, PartialEq)]
pub struct IntList {
    /// A `Vec`, not a slice: `Arc<[i64]>::from(Vec)` copies the values, and for a list of
    /// millions that copy set the peak.
    values: Arc<Vec<i64>>,
    /// Where each item starts, as a byte offset into the file.
    starts: Vec<u32>,
    file: FileId,
}

impl IntList {
    /// The list of `values` whose items start at `starts` in `file`.
    ///
    /// Panics when the two differ in length, or when a value is negative (a negative
    /// number is written as a negation, never as one literal).
    pub fn new(values: Vec<i64>, starts: Vec<u32>, file: FileId) -> IntList {
        assert_eq!(values.len(), starts.len(), "one start per value");
        assert!(values.iter().all(|&v| v >= 0), "literals are not negative");
        IntList {
            values: Arc::new(values),
            starts,
            file,
        }
    }

    /// Pack a list's items, when every one of them is a canonical integer literal (see
    /// [`IntList::canonical`]) and there is at least one.
    pub fn pack(items: &[Expr]) -> Option<IntList> {
        if items.is_empty() {
            return None;
        }
        let mut values = Vec::with_capacity(items.len());
        let mut starts = Vec::with_capacity(items.len());
        for item in items {
            values.push(IntList::canonical(item)?);
            starts.push(item.span.start);
        }
        Some(IntList::new(values, starts, items[0].span.file))
    }

    /// The value of an integer literal written as its value prints, which is what a
    /// packed list can hold.
    pub fn canonical(e: &Expr) -> Option<i64> {
        match &e.kind {
            ExprKind::Int { value, lexeme }
                if *value >= 0
                    && lexeme.len() == digits(*value)
                    && e.span.end - e.span.start == lexeme.len() as u32 =>
            {
                Some(*value)
            }
            _ => None,
        }
    }

    /// The values, shared.
    pub fn values(&self) -> &Arc<Vec<i64>> {
        &self.values
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The span of item `i`: its digits.
    pub fn span(&self, i: usize) -> Span {
        let start = self.starts[i] as usize;
        Span::new(self.file, start, start + digits(self.values[i]))
    }

    /// Where each item starts.
    pub fn starts(&self) -> &[u32] {
        &self.starts
    }

    /// Item `i` as the general list holds it.
    pub fn item(&self, i: usize) -> Expr {
        int_item(self.values[i], self.starts[i] as usize, self.file)
    }

    /// Every item as the general list holds it (one at a time).
    pub fn items(&self) -> impl ExactSizeIterator<Item = Expr> + '_ {
        (0..self.len()).map(|i| self.item(i))
    }

    /// Serialize as the general list of the same items would (`"List": [...]`).
    pub(crate) fn serialize_as_list<S: Serializer>(
        list: &IntList,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(list.len()))?;
        for item in list.items() {
            seq.serialize_element(&item)?;
        }
        seq.end()
    }
}

/// The integer literal of `value`, written as it prints, at `start` in `file`.
pub(crate) fn int_item(value: i64, start: usize, file: FileId) -> Expr {
    Expr::new(
        ExprKind::Int {
            value,
            lexeme: Lexeme::new(&value.to_string()),
        },
        Span::new(file, start, start + digits(value)),
    )
}

/// The length of a non-negative integer's decimal text.
pub fn digits(value: i64) -> usize {
    value.checked_ilog10().map_or(1, |l| l as usize + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_match_the_text() {
        for v in [0, 1, 9, 10, 99, 100, 999_999, 1_000_000, i64::MAX] {
            assert_eq!(digits(v), v.to_string().len(), "{v}");
        }
    }
}
