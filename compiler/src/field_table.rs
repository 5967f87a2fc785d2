//! [`FieldTable`]: a run's fields, `(block path, field name) -> FieldDef`, in key order.
//!
//! A sorted vector of 32-byte entries, not a `BTreeMap`: a 10 MB spec sets some 420,000
//! hparams, and a map of owned keys and copied definitions took about 190 bytes a field
//! while it was filled (half-full nodes) and 95 once compacted, beside the syntax tree it
//! was built from (#14). An entry is the block path (one shared `Rc<str>` per block) and
//! a [`FieldDef`], which points into the syntax tree; the field name is read from there.
//!
//! A table is built from its entries in any order ([`FieldTable::from_entries`] sorts
//! them once, in place, so that of two entries with one key the first written comes first);
//! inserting one entry into a built table ([`FieldTable::insert`]) is for the few fields the
//! compiler adds itself (a sweep variable's override).

use std::rc::Rc;

use crate::run_def::{FieldDef, FieldKey};

/// One field: its block path and its definition.
type Entry<'a> = (Rc<str>, FieldDef<'a>);

fn key<'e>(entry: &'e Entry<'_>) -> FieldKey<'e> {
    (&entry.0, entry.1.name())
}

/// See the module doc. Keys are unique and sorted.
#[derive(Debug, Clone, Default)]
pub struct FieldTable<'a> {
    entries: Vec<Entry<'a>>,
}

/// A key written twice: the later definition (which was dropped) and the first one.
pub struct Duplicate<'a> {
    pub later: FieldDef<'a>,
    pub first: FieldDef<'a>,
    pub block: Rc<str>,
}

impl<'a> FieldTable<'a> {
    pub fn new() -> FieldTable<'a> {
        FieldTable::default()
    }

    /// The table of `entries`, given in any order, all from one file. Of two entries with
    /// one key the one written first is kept; each other one comes back as a
    /// [`Duplicate`]. Sorted and deduplicated in place: no second vector (#14).
    pub fn from_entries(mut entries: Vec<Entry<'a>>) -> (Self, Vec<Duplicate<'a>>) {
        // Where a field was written breaks ties, so the sort needs no scratch buffer (as a
        // stable sort would) and the first written of a key comes first.
        entries.sort_unstable_by(|a, b| {
            key(a)
                .cmp(&key(b))
                .then_with(|| a.1.span().start.cmp(&b.1.span().start))
        });
        let mut duplicates = Vec::new();
        entries.dedup_by(|later, first| {
            let same = key(later) == key(first);
            if same {
                duplicates.push(Duplicate {
                    later: later.1.clone(),
                    first: first.1.clone(),
                    block: Rc::clone(&later.0),
                });
            }
            same
        });
        (FieldTable { entries }, duplicates)
    }

    fn position(&self, k: &FieldKey<'_>) -> Result<usize, usize> {
        self.entries.binary_search_by(|e| key(e).cmp(k))
    }

    pub fn get(&self, key: &FieldKey<'_>) -> Option<&FieldDef<'a>> {
        self.position(key).ok().map(|i| &self.entries[i].1)
    }

    pub fn contains_key(&self, key: &FieldKey<'_>) -> bool {
        self.position(key).is_ok()
    }

    /// Set the field `(block, def.name())`, replacing any field of that key.
    pub fn insert(&mut self, block: Rc<str>, def: FieldDef<'a>) {
        let entry = (block, def);
        match self.position(&key(&entry)) {
            Ok(i) => self.entries[i] = entry,
            Err(i) => self.entries.insert(i, entry),
        }
    }

    /// Every field of `over` replaces the field of the same key here; the others are added.
    pub fn overlay(&mut self, over: FieldTable<'a>) {
        self.merge(over, true);
    }

    /// Every field of `under` whose key is not here is added.
    pub fn underlay(&mut self, under: FieldTable<'a>) {
        self.merge(under, false);
    }

    /// Merge two sorted tables; on equal keys `other` wins when `replace`. A few fields
    /// (a child run's overrides, a workload's launch fields) go in one by one, so that a
    /// large table is not copied; otherwise one linear merge.
    fn merge(&mut self, other: FieldTable<'a>, replace: bool) {
        if self.entries.is_empty() {
            self.entries = other.entries;
            return;
        }
        if other.entries.len() <= 64 {
            self.entries.reserve_exact(other.entries.len());
            for entry in other.entries {
                match self.position(&key(&entry)) {
                    Ok(i) if replace => self.entries[i] = entry,
                    Ok(_) => {}
                    Err(i) => self.entries.insert(i, entry),
                }
            }
            return;
        }
        let mine = std::mem::take(&mut self.entries);
        let mut out = Vec::with_capacity(mine.len() + other.entries.len());
        let (mut a, mut b) = (
            mine.into_iter().peekable(),
            other.entries.into_iter().peekable(),
        );
        loop {
            let order = match (a.peek(), b.peek()) {
                (Some(x), Some(y)) => key(x).cmp(&key(y)),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => break,
            };
            match order {
                std::cmp::Ordering::Less => out.extend(a.next()),
                std::cmp::Ordering::Greater => out.extend(b.next()),
                std::cmp::Ordering::Equal => {
                    let (x, y) = (a.next(), b.next());
                    out.extend(if replace { y } else { x });
                }
            }
        }
        self.entries = out;
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Every field in key order.
    pub fn iter(&self) -> impl Iterator<Item = (FieldKey<'_>, &FieldDef<'a>)> {
        self.entries.iter().map(|e| (key(e), &e.1))
    }

    /// Every key in order.
    pub fn keys(&self) -> impl Iterator<Item = FieldKey<'_>> {
        self.entries.iter().map(key)
    }

    /// Every definition in key order.
    pub fn values(&self) -> impl Iterator<Item = &FieldDef<'a>> {
        self.entries.iter().map(|e| &e.1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run_def::OwnedField;
    use repro_lang::ast::{Expr, ExprKind};
    use repro_lang::{FileId, Span};

    fn def(name: &str, at: u32) -> FieldDef<'static> {
        let span = Span::new(FileId(0), at as usize, at as usize + 1);
        FieldDef::Owned(Rc::new(OwnedField {
            name: name.into(),
            expr: Expr::new(ExprKind::Bool(true), span),
            span,
            name_span: span,
        }))
    }

    fn table(fields: &[(&str, &str, u32)]) -> (FieldTable<'static>, Vec<Duplicate<'static>>) {
        FieldTable::from_entries(
            fields
                .iter()
                .map(|(b, n, at)| (Rc::from(*b), def(n, *at)))
                .collect(),
        )
    }

    fn listed(t: &FieldTable<'_>) -> Vec<(String, String, usize)> {
        t.iter()
            .map(|((b, n), d)| (b.to_string(), n.to_string(), d.span().start as usize))
            .collect()
    }

    #[test]
    fn entries_in_any_order_come_out_sorted_and_the_first_of_a_key_is_kept() {
        let (t, dups) = table(&[
            ("hparams", "z", 0),
            ("", "runs", 1),
            ("hparams", "a", 2),
            ("hardware", "nodes", 3),
            ("hparams", "z", 4),
            ("hparams", "z", 5),
        ]);
        assert_eq!(
            listed(&t),
            vec![
                ("".into(), "runs".into(), 1),
                ("hardware".into(), "nodes".into(), 3),
                ("hparams".into(), "a".into(), 2),
                ("hparams".into(), "z".into(), 0),
            ]
        );
        let seen: Vec<(u32, u32)> = dups
            .iter()
            .map(|d| (d.later.span().start, d.first.span().start))
            .collect();
        assert_eq!(seen, vec![(4, 0), (5, 0)]);
        assert_eq!(t.get(&("hparams", "a")).map(|d| d.span().start), Some(2));
        assert!(t.contains_key(&("", "runs")));
        assert!(!t.contains_key(&("hparams", "runs")));
        assert_eq!(t.len(), 4);
    }

    #[test]
    fn insert_replaces_or_adds_in_order() {
        let (mut t, _) = table(&[("hparams", "b", 0), ("hparams", "d", 1)]);
        t.insert("hparams".into(), def("c", 2));
        t.insert("hparams".into(), def("b", 3));
        t.insert("".into(), def("runs", 4));
        assert_eq!(
            listed(&t),
            vec![
                ("".into(), "runs".into(), 4),
                ("hparams".into(), "b".into(), 3),
                ("hparams".into(), "c".into(), 2),
                ("hparams".into(), "d".into(), 1),
            ]
        );
    }

    #[test]
    fn overlay_replaces_and_underlay_only_adds() {
        let base = || table(&[("a", "x", 0), ("a", "y", 1), ("c", "z", 2)]).0;
        let other = || table(&[("a", "y", 10), ("b", "w", 11), ("d", "v", 12)]).0;
        let mut over = base();
        over.overlay(other());
        assert_eq!(
            listed(&over),
            vec![
                ("a".into(), "x".into(), 0),
                ("a".into(), "y".into(), 10),
                ("b".into(), "w".into(), 11),
                ("c".into(), "z".into(), 2),
                ("d".into(), "v".into(), 12),
            ]
        );
        let mut under = base();
        under.underlay(other());
        assert_eq!(
            listed(&under),
            vec![
                ("a".into(), "x".into(), 0),
                ("a".into(), "y".into(), 1),
                ("b".into(), "w".into(), 11),
                ("c".into(), "z".into(), 2),
                ("d".into(), "v".into(), 12),
            ]
        );
    }
}
