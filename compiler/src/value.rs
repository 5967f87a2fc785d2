//! Evaluated values. Evaluation turns expressions into these; the checker turns them into
//! lock values after checking them against the schema.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use repro_lang::Quantity;

use crate::lockfile::format_float;

/// The result of evaluating an expression in a spec.
///
/// A list of integers may be packed ([`Value::Ints`]); it equals the [`Value::List`] of the
/// same items, and every operation treats the two alike.
#[derive(Debug, Clone)]
pub enum Value {
    Int(i64),
    Float(f64),
    Str(String),
    Bool(bool),
    /// A bare or dotted name that is not a variable: `closed`, `mlperf.training.gpt3`.
    Name(String),
    /// Boxed, as is a `git` source: a quantity is four times the size of the other
    /// variants, and a list of a million numbers pays for the largest variant (#14).
    Quantity(Box<Quantity>),
    List(Vec<Value>),
    /// A non-empty list of integers, packed: the values of a packed list literal
    /// (`repro_lang::ast::IntList`), shared with it and with the lock value made from it,
    /// so that a list of millions of numbers costs no `Value` per item (#14).
    Ints(Arc<Vec<i64>>),
    /// `{ bert = 10, gpt3 = 3 }`: names are unique (checked when evaluated).
    Record(BTreeMap<String, Value>),
    /// `git(url, ref = ...)`, not yet resolved.
    Git(Box<crate::git_value::GitValue>),
}

impl Value {
    /// The type as named in error messages.
    pub fn describe(&self) -> String {
        match self {
            Value::Int(i) => format!("the number `{i}`"),
            Value::Float(f) => format!("the number `{}`", format_float(*f)),
            Value::Str(s) => format!("the string `{s:?}`"),
            Value::Bool(b) => format!("`{b}`"),
            Value::Name(n) => format!("the name `{n}`"),
            Value::Quantity(q) => format!("{} (`{}`)", q.dimension.describe(), q.lexeme),
            Value::List(_) | Value::Ints(_) => "a list".to_string(),
            Value::Record(_) => "a record".to_string(),
            Value::Git(_) => "a `git(...)` source".to_string(),
        }
    }

    /// The text used by string interpolation and sweep point names.
    pub fn to_text(&self) -> String {
        match self {
            Value::Int(i) => i.to_string(),
            Value::Float(f) => format_float(*f),
            Value::Str(s) | Value::Name(s) => s.clone(),
            Value::Bool(b) => b.to_string(),
            Value::Quantity(q) => q.lexeme.clone(),
            Value::List(items) => {
                let parts: Vec<String> = items.iter().map(Value::to_text).collect();
                format!("[{}]", parts.join(", "))
            }
            Value::Ints(items) => {
                let parts: Vec<String> = items.iter().map(i64::to_string).collect();
                format!("[{}]", parts.join(", "))
            }
            Value::Record(fields) => {
                let parts: Vec<String> = fields
                    .iter()
                    .map(|(k, v)| format!("{k} = {}", v.to_text()))
                    .collect();
                format!("{{{}}}", parts.join(", "))
            }
            Value::Git(g) => format!("git({}, ref = {})", g.url, g.reference),
        }
    }

    /// A number as `f64`, for arithmetic and comparisons.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }

    /// The items of a list, packed or not (a packed list's copied out): for paths that
    /// take a list apart, never for the hot path of a check.
    pub fn list_items(&self) -> Option<Cow<'_, [Value]>> {
        match self {
            Value::List(items) => Some(Cow::Borrowed(items)),
            Value::Ints(items) => Some(Cow::Owned(ints_to_values(items))),
            _ => None,
        }
    }

    /// The items of a list, packed or not, or the value itself when it is no list.
    pub fn into_items(self) -> Result<Vec<Value>, Value> {
        match self {
            Value::List(items) => Ok(items),
            Value::Ints(items) => Ok(ints_to_values(&items)),
            other => Err(other),
        }
    }
}

fn ints_to_values(items: &[i64]) -> Vec<Value> {
    items.iter().map(|&i| Value::Int(i)).collect()
}

/// Structural equality, as derived, except that a packed list equals the general list of
/// the same items.
impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Float(a), Value::Float(b)) => a == b,
            (Value::Str(a), Value::Str(b)) => a == b,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Name(a), Value::Name(b)) => a == b,
            (Value::Quantity(a), Value::Quantity(b)) => a == b,
            (Value::List(a), Value::List(b)) => a == b,
            (Value::Ints(a), Value::Ints(b)) => a == b,
            (Value::Ints(a), Value::List(b)) | (Value::List(b), Value::Ints(a)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| *y == Value::Int(*x))
            }
            (Value::Record(a), Value::Record(b)) => a == b,
            (Value::Git(a), Value::Git(b)) => a == b,
            _ => false,
        }
    }
}
