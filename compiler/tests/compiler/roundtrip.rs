//! Property: any lock content survives write -> read unchanged, with its hashes intact, and
//! writing it again gives the same bytes.

use std::collections::BTreeMap;
use std::path::Path;

use proptest::prelude::*;
use repro_compiler::lockfile::{Group, LockValue, Lockfile, Table};

fn scalar() -> impl Strategy<Value = LockValue> {
    prop_oneof![
        any::<String>().prop_map(LockValue::Str),
        any::<i64>().prop_map(LockValue::Int),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(LockValue::Float),
        any::<bool>().prop_map(LockValue::Bool),
    ]
}

fn value() -> impl Strategy<Value = LockValue> {
    scalar().prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(LockValue::List),
            // A packed list of integers reads back as the general list, equal to it.
            prop::collection::vec(any::<i64>(), 1..4)
                .prop_map(|v| LockValue::Ints(std::sync::Arc::new(v))),
            prop::collection::btree_map(any::<String>(), inner, 0..4).prop_map(LockValue::Table),
        ]
    })
}

fn table() -> impl Strategy<Value = Table> {
    prop::collection::btree_map(any::<String>(), value(), 0..6)
}

fn lock() -> impl Strategy<Value = Lockfile> {
    (
        any::<String>(),
        prop::collection::btree_map(any::<String>(), any::<String>(), 0..3),
        prop::collection::vec(table(), Group::ALL.len()),
    )
        .prop_map(|(name, inputs, tables)| {
            let groups: BTreeMap<Group, Table> = Group::ALL.into_iter().zip(tables).collect();
            Lockfile::new(name, "specs/x.run".into(), BTreeMap::new(), inputs, groups)
        })
}

proptest! {
    #[test]
    fn write_read_round_trips(lock in lock()) {
        let bytes = lock.write_bytes();
        let text = String::from_utf8(bytes.clone()).unwrap();
        let read = Lockfile::parse(Path::new("x.lock"), &text)
            .unwrap_or_else(|e| panic!("{e}\n{text}"));
        prop_assert_eq!(&read, &lock);
        prop_assert!(read.verify().is_ok());
        prop_assert_eq!(read.write_bytes(), bytes);
    }
}
