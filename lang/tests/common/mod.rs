//! Helpers shared by the integration tests.

#![allow(dead_code)]

use repro_lang::FileId;

/// The tree as JSON with every `span` removed, so that two parses of differently laid
/// out text compare equal when they mean the same.
pub fn tree_without_spans(src: &str) -> serde_json::Value {
    let module =
        repro_lang::parse(FileId(0), src).unwrap_or_else(|e| panic!("parse failed: {e:?}\n{src}"));
    let mut value = serde_json::to_value(&module).expect("tree serializes");
    strip_spans(&mut value);
    value
}

fn strip_spans(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            map.remove("span");
            map.values_mut().for_each(strip_spans);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(strip_spans),
        _ => {}
    }
}

pub fn assert_same_meaning(original: &str, formatted: &str) {
    assert_eq!(
        tree_without_spans(original),
        tree_without_spans(formatted),
        "formatting changed the meaning\n--- original\n{original}\n--- formatted\n{formatted}"
    );
}
