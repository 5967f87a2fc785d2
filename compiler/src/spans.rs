//! [`Spans`]: where each locked value was written, by `group.field` path.

use repro_lang::Span;

/// `group.field` (`hparams.global_batch_size`, `launch.env.NCCL_DEBUG`) -> span of the value
/// in the spec, for drift and rule errors.
///
/// A sorted vector, not a `BTreeMap<String, Span>`: a spec can set 400,000 hparams, and one
/// entry is 32 bytes plus its key here against some 100 bytes in a map filled one insert at
/// a time (its nodes stay about half full) (#14). A point's fields arrive in key order
/// within each group, so an insert is almost always a push.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Spans {
    /// Sorted by key, keys unique.
    entries: Vec<(Box<str>, Span)>,
}

impl Spans {
    pub fn new() -> Spans {
        Spans::default()
    }

    /// Room for `n` entries: grown by doubling, a vector is copied each time under mimalloc.
    pub fn with_capacity(n: usize) -> Spans {
        Spans {
            entries: Vec::with_capacity(n),
        }
    }

    /// Set the span of `key`; a later insert of the same key replaces the earlier one.
    pub fn insert(&mut self, key: impl Into<Box<str>>, span: Span) {
        let key = key.into();
        match self.entries.last() {
            Some((last, _)) if **last >= *key => {}
            _ => return self.entries.push((key, span)),
        }
        match self.entries.binary_search_by(|(k, _)| (**k).cmp(&*key)) {
            Ok(i) => self.entries[i].1 = span,
            Err(i) => self.entries.insert(i, (key, span)),
        }
    }

    pub fn get(&self, key: &str) -> Option<&Span> {
        self.entries
            .binary_search_by(|(k, _)| (**k).cmp(key))
            .ok()
            .map(|i| &self.entries[i].1)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Every entry in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, Span)> {
        self.entries.iter().map(|(k, s)| (&**k, *s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use repro_lang::FileId;

    fn span(n: usize) -> Span {
        Span::new(FileId(0), n, n + 1)
    }

    #[test]
    fn inserts_in_any_order_read_back_sorted_and_the_last_insert_wins() {
        let mut s = Spans::new();
        for (i, key) in [
            "run.b",
            "hparams.x",
            "run.a",
            "launch.env.A",
            "hparams.x",
            "z",
        ]
        .into_iter()
        .enumerate()
        {
            s.insert(key, span(i));
        }
        let all: Vec<(&str, Span)> = s.iter().collect();
        assert_eq!(
            all,
            vec![
                ("hparams.x", span(4)),
                ("launch.env.A", span(3)),
                ("run.a", span(2)),
                ("run.b", span(0)),
                ("z", span(5)),
            ]
        );
        assert_eq!(s.get("run.a"), Some(&span(2)));
        assert_eq!(s.get("run"), None);
        assert_eq!(s.get("hparams.y"), None);
        assert_eq!(s.len(), 5);
    }

    #[test]
    fn an_empty_map_finds_nothing() {
        let s = Spans::new();
        assert!(s.is_empty());
        assert_eq!(s.get(""), None);
    }
}
