//! [`FieldTable`]: a run's fields, `(block path, field name) -> FieldDef`, in key order.
//!
//! A sorted vector of 16-byte entries, not a `BTreeMap`: a 10 MB spec sets some 490,000
//! hparams, and a map of owned keys and copied definitions took about 190 bytes a field
//! while it was filled (half-full nodes) and 95 once compacted, beside the syntax tree it
//! was built from (#14). An entry is a pointer into the syntax tree (a [`FieldDef`]) and
//! the index of its block path among the table's few paths; the field name is read from
//! the tree.
//!
//! A table is built from its entries in any order ([`TableBuilder::finish`] sorts them
//! once, in place, so that of two entries with one key the first written comes first);
//! inserting one entry into a built table ([`FieldTable::insert`]) is for the few fields
//! the compiler adds itself (a sweep variable's override).

use std::cmp::Ordering;
use std::rc::Rc;

use repro_lang::ast::{Assign, Let, NamedBlock};

use crate::run_def::{FieldDef, FieldKey, OwnedField};

/// One field: a [`FieldDef`] with the index of its block path in [`FieldTable::blocks`],
/// held in the word beside the pointer (16 bytes, where a `(String, FieldDef)` is 40).
#[derive(Debug, Clone)]
enum Entry<'a> {
    Assign(u32, &'a Assign),
    Source(u32, &'a Let),
    Block(u32, &'a NamedBlock),
    Owned(u32, Rc<OwnedField>),
}

impl<'a> Entry<'a> {
    fn new(block: u32, def: FieldDef<'a>) -> Entry<'a> {
        match def {
            FieldDef::Assign(a) => Entry::Assign(block, a),
            FieldDef::Source(l) => Entry::Source(block, l),
            FieldDef::Block(b) => Entry::Block(block, b),
            FieldDef::Owned(o) => Entry::Owned(block, o),
        }
    }

    fn block(&self) -> usize {
        let (Entry::Assign(b, _) | Entry::Source(b, _) | Entry::Block(b, _) | Entry::Owned(b, _)) =
            self;
        *b as usize
    }

    fn def(&self) -> FieldDef<'a> {
        match self {
            Entry::Assign(_, a) => FieldDef::Assign(a),
            Entry::Source(_, l) => FieldDef::Source(l),
            Entry::Block(_, b) => FieldDef::Block(b),
            Entry::Owned(_, o) => FieldDef::Owned(Rc::clone(o)),
        }
    }

    fn name(&self) -> &str {
        match self {
            Entry::Assign(_, a) => crate::run_def::assign_name(a),
            Entry::Source(_, l) => &l.name.name,
            Entry::Block(_, b) => &b.kind.name,
            Entry::Owned(_, o) => &o.name,
        }
    }

    /// Where the field was written: ties between equal keys go to the first written.
    fn start(&self) -> u32 {
        match self {
            Entry::Assign(_, a) => a.span().start,
            Entry::Source(_, l) => l.span().start,
            Entry::Block(_, b) => b.span.start,
            Entry::Owned(_, o) => o.span.start,
        }
    }
}

/// See the module doc. Keys are unique and sorted.
#[derive(Debug, Clone, Default)]
pub struct FieldTable<'a> {
    /// The block paths (`""`, `"hparams"`, `"launch.env"`), each once, in no order.
    blocks: Vec<Box<str>>,
    entries: Vec<Entry<'a>>,
}

/// A key written twice: the later definition (which was dropped) and the first one.
pub struct Duplicate<'a> {
    pub later: FieldDef<'a>,
    pub first: FieldDef<'a>,
    pub block: String,
}

/// Collects fields in the order written; [`TableBuilder::finish`] sorts them.
#[derive(Debug, Clone, Default)]
pub struct TableBuilder<'a> {
    table: FieldTable<'a>,
}

impl<'a> TableBuilder<'a> {
    /// Room for `n` more fields: a block of 490,000 fields is then not copied as the
    /// vector doubles (#14).
    pub fn reserve(&mut self, n: usize) {
        self.table.entries.reserve(n);
    }

    pub fn push(&mut self, block: &str, def: FieldDef<'a>) {
        let b = self.table.block_index(block);
        self.table.entries.push(Entry::new(b, def));
    }

    /// The table, sorted and deduplicated in place (no second vector). Of two fields with
    /// one key (all from one file) the one written first is kept; each other one comes
    /// back as a [`Duplicate`].
    pub fn finish(self) -> (FieldTable<'a>, Vec<Duplicate<'a>>) {
        let mut table = self.table;
        let blocks = std::mem::take(&mut table.blocks);
        // Where a field was written breaks ties, so the sort needs no scratch buffer (as a
        // stable sort would) and the first written of a key comes first.
        table.entries.sort_unstable_by(|a, b| {
            sort_key(&blocks, a)
                .cmp(&sort_key(&blocks, b))
                .then_with(|| a.start().cmp(&b.start()))
        });
        let mut duplicates = Vec::new();
        table.entries.dedup_by(|later, first| {
            let same = sort_key(&blocks, later) == sort_key(&blocks, first);
            if same {
                duplicates.push(Duplicate {
                    later: later.def(),
                    first: first.def(),
                    block: blocks[later.block()].to_string(),
                });
            }
            same
        });
        table.blocks = blocks;
        (table, duplicates)
    }
}

/// The key of `e`, its block path read from `blocks`.
fn sort_key<'e>(blocks: &'e [Box<str>], e: &'e Entry<'_>) -> FieldKey<'e> {
    (&blocks[e.block()], e.name())
}

impl<'a> FieldTable<'a> {
    pub fn new() -> FieldTable<'a> {
        FieldTable::default()
    }

    pub fn builder() -> TableBuilder<'a> {
        TableBuilder::default()
    }

    /// The index of `path` in `blocks`, added when new.
    fn block_index(&mut self, path: &str) -> u32 {
        if let Some(i) = self.blocks.iter().position(|b| &**b == path) {
            return i as u32;
        }
        self.blocks.push(path.into());
        (self.blocks.len() - 1) as u32
    }

    fn key<'e>(&'e self, e: &'e Entry<'_>) -> FieldKey<'e> {
        (&self.blocks[e.block()], e.name())
    }

    fn position(&self, k: &FieldKey<'_>) -> Result<usize, usize> {
        self.entries.binary_search_by(|e| self.key(e).cmp(k))
    }

    pub fn get(&self, key: &FieldKey<'_>) -> Option<FieldDef<'a>> {
        self.position(key).ok().map(|i| self.entries[i].def())
    }

    pub fn contains_key(&self, key: &FieldKey<'_>) -> bool {
        self.position(key).is_ok()
    }

    /// Set the field `(block, def.name())`, replacing any field of that key.
    pub fn insert(&mut self, block: &str, def: FieldDef<'a>) {
        let b = self.block_index(block);
        let entry = Entry::new(b, def);
        match self.position(&self.key(&entry)) {
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
            *self = other;
            return;
        }
        // `other`'s block indexes, renumbered into this table's.
        let renumber: Vec<u32> = other.blocks.iter().map(|b| self.block_index(b)).collect();
        let moved = |e: Entry<'a>| {
            let b = renumber[e.block()];
            match e {
                Entry::Assign(_, a) => Entry::Assign(b, a),
                Entry::Source(_, l) => Entry::Source(b, l),
                Entry::Block(_, x) => Entry::Block(b, x),
                Entry::Owned(_, o) => Entry::Owned(b, o),
            }
        };
        if other.entries.len() <= 64 {
            self.entries.reserve_exact(other.entries.len());
            for entry in other.entries.into_iter().map(moved) {
                match self.position(&self.key(&entry)) {
                    Ok(i) if replace => self.entries[i] = entry,
                    Ok(_) => {}
                    Err(i) => self.entries.insert(i, entry),
                }
            }
            return;
        }
        let mine = std::mem::take(&mut self.entries);
        let mut out = Vec::with_capacity(mine.len() + other.entries.len());
        let mut a = mine.into_iter().peekable();
        let mut b = other.entries.into_iter().map(moved).peekable();
        loop {
            let order = match (a.peek(), b.peek()) {
                (Some(x), Some(y)) => self.key(x).cmp(&self.key(y)),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => break,
            };
            match order {
                Ordering::Less => out.extend(a.next()),
                Ordering::Greater => out.extend(b.next()),
                Ordering::Equal => {
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
    pub fn iter(&self) -> impl Iterator<Item = (FieldKey<'_>, FieldDef<'a>)> + '_ {
        self.entries.iter().map(|e| (self.key(e), e.def()))
    }

    /// Every key in order.
    pub fn keys(&self) -> impl Iterator<Item = FieldKey<'_>> + '_ {
        self.entries.iter().map(|e| self.key(e))
    }

    /// Every definition in key order.
    pub fn values(&self) -> impl Iterator<Item = FieldDef<'a>> + '_ {
        self.entries.iter().map(Entry::def)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
        let mut b = FieldTable::builder();
        b.reserve(fields.len());
        for (block, name, at) in fields {
            b.push(block, def(name, *at));
        }
        b.finish()
    }

    fn listed(t: &FieldTable<'_>) -> Vec<(String, String, u32)> {
        t.iter()
            .map(|((b, n), d)| (b.to_string(), n.to_string(), d.span().start))
            .collect()
    }

    #[test]
    fn an_entry_is_two_words() {
        assert_eq!(std::mem::size_of::<Entry<'static>>(), 16);
    }

    #[test]
    fn entries_in_any_order_come_out_sorted_and_the_first_of_a_key_is_kept() {
        let (t, dups) = table(&[
            ("hparams", "z", 0),
            ("", "runs", 1),
            ("hparams", "a", 2),
            ("hardware", "nodes", 3),
            ("hparams", "z", 5),
            ("hparams", "z", 4),
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
        let seen: Vec<(u32, u32, String)> = dups
            .iter()
            .map(|d| (d.later.span().start, d.first.span().start, d.block.clone()))
            .collect();
        assert_eq!(
            seen,
            vec![(4, 0, "hparams".into()), (5, 0, "hparams".into())]
        );
        assert_eq!(t.get(&("hparams", "a")).map(|d| d.span().start), Some(2));
        assert!(t.contains_key(&("", "runs")));
        assert!(!t.contains_key(&("hparams", "runs")));
        assert_eq!(t.len(), 4);
    }

    #[test]
    fn insert_replaces_or_adds_in_order() {
        let (mut t, _) = table(&[("hparams", "b", 0), ("hparams", "d", 1)]);
        t.insert("hparams", def("c", 2));
        t.insert("hparams", def("b", 3));
        t.insert("", def("runs", 4));
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

    /// Small and large `other` tables take different paths (inserts, a merge); both
    /// renumber the other table's blocks.
    #[test]
    fn overlay_replaces_and_underlay_only_adds() {
        for extra in [0usize, 100] {
            let base = || table(&[("a", "x", 0), ("a", "y", 1), ("c", "z", 2)]).0;
            let other = || {
                let mut fields = vec![("d", "v".to_string(), 12), ("b", "w".into(), 11)];
                fields.push(("a", "y".into(), 10));
                let names: Vec<String> = (0..extra).map(|i| format!("e{i:03}")).collect();
                let mut all: Vec<(&str, &str, u32)> = fields
                    .iter()
                    .map(|(b, n, at)| (*b, n.as_str(), *at))
                    .collect();
                all.extend(names.iter().map(|n| ("e", n.as_str(), 100)));
                table(&all).0
            };
            let e = |t: &FieldTable<'_>| {
                listed(t)
                    .into_iter()
                    .filter(|x| x.0 != "e")
                    .collect::<Vec<_>>()
            };
            let mut over = base();
            over.overlay(other());
            assert_eq!(over.len(), 5 + extra);
            assert_eq!(
                e(&over),
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
                e(&under),
                vec![
                    ("a".into(), "x".into(), 0),
                    ("a".into(), "y".into(), 1),
                    ("b".into(), "w".into(), 11),
                    ("c".into(), "z".into(), 2),
                    ("d".into(), "v".into(), 12),
                ]
            );
            let keys: Vec<(String, String)> =
                under.keys().map(|(b, n)| (b.into(), n.into())).collect();
            let mut sorted = keys.clone();
            sorted.sort();
            assert_eq!(keys, sorted);
        }
    }
}
