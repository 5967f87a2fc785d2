//! Evaluated values. Evaluation turns expressions into these; the checker turns them into
//! lock values after checking them against the schema.

use std::collections::BTreeMap;

use repro_lang::Quantity;

use crate::lockfile::format_float;

/// The result of evaluating an expression in a spec.
#[derive(Debug, Clone, PartialEq)]
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
            Value::List(_) => "a list".to_string(),
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
}
