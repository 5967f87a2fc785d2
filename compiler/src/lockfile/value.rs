//! The value tree a lock is made of, and its one canonical text form.
//!
//! Everything in a lock is a `LockValue`: the writer renders it, the reader parses the `toml`
//! crate's tree back into it, and hashes are taken over [`LockValue::canonical`]. Because the
//! canonical form is computed from the tree and not from the file's bytes, a hash recomputed from
//! a lock that was read back equals the hash written into it unless the *content* was edited.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Arc;

/// A table with sorted keys: iteration order is the byte order of the keys, on every machine.
pub type Table = BTreeMap<String, LockValue>;

/// One value in a lock.
///
/// A list of integers may be packed ([`LockValue::Ints`]): it writes, hashes, serializes
/// and compares exactly as the [`LockValue::List`] of the same items, which is what the
/// reader gives back.
#[derive(Debug, Clone)]
pub enum LockValue {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    List(Vec<LockValue>),
    /// A non-empty list of integers, packed: the values of a packed list literal, shared
    /// with the spec's tree, so that locking a list of millions of numbers costs no
    /// `LockValue` per item (#14).
    Ints(Arc<Vec<i64>>),
    Table(Table),
}

/// Structural equality, as derived, except that a packed list equals the general list of
/// the same items (a fresh plan is compared with a lock read back).
impl PartialEq for LockValue {
    fn eq(&self, other: &LockValue) -> bool {
        match (self, other) {
            (LockValue::Str(a), LockValue::Str(b)) => a == b,
            (LockValue::Int(a), LockValue::Int(b)) => a == b,
            (LockValue::Float(a), LockValue::Float(b)) => a == b,
            (LockValue::Bool(a), LockValue::Bool(b)) => a == b,
            (LockValue::List(a), LockValue::List(b)) => a == b,
            (LockValue::Ints(a), LockValue::Ints(b)) => a == b,
            (LockValue::Ints(a), LockValue::List(b)) | (LockValue::List(b), LockValue::Ints(a)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| *y == LockValue::Int(*x))
            }
            (LockValue::Table(a), LockValue::Table(b)) => a == b,
            _ => false,
        }
    }
}

impl LockValue {
    /// The value as JSON (quantities stay their canonical strings, as in the lock).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as Json;
        match self {
            LockValue::Str(s) => Json::from(s.as_str()),
            LockValue::Int(i) => Json::from(*i),
            LockValue::Float(f) => Json::from(*f),
            LockValue::Bool(b) => Json::from(*b),
            LockValue::List(items) => Json::Array(items.iter().map(LockValue::to_json).collect()),
            LockValue::Ints(items) => Json::Array(items.iter().map(|&i| Json::from(i)).collect()),
            LockValue::Table(t) => {
                Json::Object(t.iter().map(|(k, v)| (k.clone(), v.to_json())).collect())
            }
        }
    }

    /// Shorthand for a string value.
    pub fn str(s: impl Into<String>) -> Self {
        LockValue::Str(s.into())
    }

    /// The inline TOML form: strings quoted and escaped, floats in Rust's shortest round-trip
    /// form (always with a `.` or an exponent, so they read back as floats), tables inline with
    /// sorted keys. Two equal trees always give the same text.
    pub fn canonical(&self) -> String {
        let mut out = String::new();
        self.write_inline(&mut out);
        out
    }

    /// Append the inline form to `out` (a `String`, or a hasher: see `lockfile::group_hash`).
    pub fn write_inline<W: Write + ?Sized>(&self, out: &mut W) {
        match self {
            LockValue::Str(s) => write_string(out, s),
            LockValue::Int(i) => {
                let _ = write!(out, "{i}");
            }
            LockValue::Float(f) => push(out, &format_float(*f)),
            LockValue::Bool(b) => push(out, if *b { "true" } else { "false" }),
            LockValue::List(items) => write_list(out, items),
            LockValue::Ints(items) => write_ints(out, items),
            LockValue::Table(t) => write_inline_table(out, t),
        }
    }

    /// The string inside, when this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            LockValue::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The table inside, when this is a table.
    pub fn as_table(&self) -> Option<&Table> {
        match self {
            LockValue::Table(t) => Some(t),
            _ => None,
        }
    }

    /// Convert a value parsed by the `toml` crate. Datetimes never appear in a lock we wrote.
    pub fn from_toml(value: &toml::Value) -> Result<Self, String> {
        Ok(match value {
            toml::Value::String(s) => LockValue::Str(s.clone()),
            toml::Value::Integer(i) => LockValue::Int(*i),
            toml::Value::Float(f) => LockValue::Float(*f),
            toml::Value::Boolean(b) => LockValue::Bool(*b),
            toml::Value::Datetime(d) => return Err(format!("unexpected datetime `{d}`")),
            toml::Value::Array(items) => LockValue::List(
                items
                    .iter()
                    .map(LockValue::from_toml)
                    .collect::<Result<_, _>>()?,
            ),
            toml::Value::Table(t) => LockValue::Table(table_from_toml(t)?),
        })
    }
}

/// Convert a parsed `toml` table into a sorted [`Table`].
pub fn table_from_toml(table: &toml::Table) -> Result<Table, String> {
    table
        .iter()
        .map(|(k, v)| Ok((k.clone(), LockValue::from_toml(v)?)))
        .collect()
}

/// Floats: Rust's `{:?}` is the shortest text that reads back to the same bits, and it is
/// the same on every platform. Non-finite values use TOML's spelling.
pub fn format_float(f: f64) -> String {
    if f.is_nan() {
        "nan".to_string()
    } else if f.is_infinite() {
        if f > 0.0 { "inf" } else { "-inf" }.to_string()
    } else {
        format!("{f:?}")
    }
}

/// A TOML basic string: `"` and `\` escaped, control characters as `\uXXXX`.
pub fn write_string<W: Write + ?Sized>(out: &mut W, s: &str) {
    push_char(out, '"');
    for c in s.chars() {
        match c {
            '"' => push(out, "\\\""),
            '\\' => push(out, "\\\\"),
            '\n' => push(out, "\\n"),
            '\t' => push(out, "\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => push_char(out, c),
        }
    }
    push_char(out, '"');
}

/// A key: bare when it only uses `A-Za-z0-9_-`, quoted otherwise.
pub fn write_key<W: Write + ?Sized>(out: &mut W, key: &str) {
    let bare = !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if bare {
        push(out, key);
    } else {
        write_string(out, key);
    }
}

fn write_list<W: Write + ?Sized>(out: &mut W, items: &[LockValue]) {
    push_char(out, '[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            push(out, ", ");
        }
        item.write_inline(out);
    }
    push_char(out, ']');
}

/// As [`write_list`] writes the `LockValue::List` of the same integers.
fn write_ints<W: Write + ?Sized>(out: &mut W, items: &[i64]) {
    push_char(out, '[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            push(out, ", ");
        }
        let _ = write!(out, "{item}");
    }
    push_char(out, ']');
}

/// The inline form of a table, as [`LockValue::canonical`] writes `LockValue::Table`.
pub(crate) fn write_inline_table<W: Write + ?Sized>(out: &mut W, table: &Table) {
    if table.is_empty() {
        push(out, "{}");
        return;
    }
    push(out, "{ ");
    for (i, (k, v)) in table.iter().enumerate() {
        if i > 0 {
            push(out, ", ");
        }
        write_key(out, k);
        push(out, " = ");
        v.write_inline(out);
    }
    push(out, " }");
}

/// Writing to a `String` or a hasher cannot fail.
fn push<W: Write + ?Sized>(out: &mut W, s: &str) {
    let _ = out.write_str(s);
}

fn push_char<W: Write + ?Sized>(out: &mut W, c: char) {
    let _ = out.write_char(c);
}

/// Flatten nested tables into dotted paths (`sources.training.commit`) with canonical values,
/// so that two tables can be compared field by field.
pub fn flatten(table: &Table) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    flatten_into(table, "", &mut out);
    out
}

fn flatten_into(table: &Table, prefix: &str, out: &mut BTreeMap<String, String>) {
    for (k, v) in table {
        let path = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            LockValue::Table(t) if !t.is_empty() => flatten_into(t, &path, out),
            v => {
                out.insert(path, v.canonical());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_round_trip_as_floats() {
        for f in [2e-5, 1e-4, 1.0, 0.1, 3.0e20, -0.5, 123456.789] {
            let text = format!("x = {}", format_float(f));
            let parsed: toml::Table = toml::from_str(&text).unwrap();
            assert_eq!(parsed["x"].as_float(), Some(f), "{text}");
        }
    }

    #[test]
    fn strings_round_trip_through_toml() {
        let s = "a \"quoted\" \\ path\nwith\ttabs and \u{1} control";
        let mut text = String::from("x = ");
        write_string(&mut text, s);
        let parsed: toml::Table = toml::from_str(&text).unwrap();
        assert_eq!(parsed["x"].as_str(), Some(s));
    }

    #[test]
    fn keys_are_quoted_only_when_needed() {
        let mut out = String::new();
        write_key(&mut out, "gpus_per_node");
        out.push(' ');
        write_key(&mut out, "specs/a.run");
        assert_eq!(out, "gpus_per_node \"specs/a.run\"");
    }

    #[test]
    fn canonical_sorts_keys() {
        let mut t = Table::new();
        t.insert("b".into(), LockValue::Int(1));
        t.insert("a".into(), LockValue::List(vec![LockValue::str("x")]));
        assert_eq!(LockValue::Table(t).canonical(), "{ a = [\"x\"], b = 1 }");
    }
}
