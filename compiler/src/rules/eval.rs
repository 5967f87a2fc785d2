//! The expression evaluator, with Python's comparison semantics.

use serde_json::{Map, Number, Value};

use super::expr::{BinOp, Expr};

/// A history function over earlier log lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum History {
    /// `seen(K)`: K occurred on an earlier line.
    Seen,
    /// `earliest(K)`: smallest `time_ms` of earlier occurrences; +infinity if none (the
    /// official state starts at 9e99, so comparisons against it behave the same).
    Earliest,
    /// `last(K)`: value of the latest earlier occurrence; null if none.
    Last,
    /// `count(K)`: number of earlier occurrences.
    Count,
    /// `first(K)`: value of the first occurrence in the whole log; null if none.
    First,
}

impl History {
    fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "seen" => History::Seen,
            "earliest" => History::Earliest,
            "last" => History::Last,
            "count" => History::Count,
            "first" => History::First,
            _ => return None,
        })
    }
}

/// What names and history functions mean where an expression is evaluated.
pub trait Context {
    /// The value of a free name (`value`, `metadata`, `time_ms`), or `None` if unknown here.
    fn name(&self, name: &str) -> Option<Value>;
    /// A history function applied to key `key`.
    fn history(&self, f: History, key: &str) -> Value;
    /// Whether `name` is a state variable of the rule set that holds no value yet (reading it
    /// is the official checker's `KeyError`); only a log line's context has state.
    fn is_unset_state(&self, _name: &str) -> bool {
        false
    }
}

/// Why an expression could not be evaluated (the official checker's "Failed executing
/// CHECK code": a missing field, a string ordered against a number, ...).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EvalError {
    /// A name the context does not know.
    #[error("unknown name `{0}`")]
    UnknownName(String),
    /// A function that does not exist or got the wrong arguments.
    #[error("`{0}` is not a function of one key name")]
    BadCall(String),
    /// A builtin function given arguments it does not accept.
    #[error("`{function}` expects {expected}")]
    BadArgs {
        /// The builtin.
        function: String,
        /// What it accepts.
        expected: String,
    },
    /// A missing field.
    #[error("no field `{0}`")]
    MissingField(String),
    /// A state variable read before any line set it (the official checker's `KeyError` on
    /// `s['X']`).
    #[error("state `{0}` is not set yet: no earlier line set it")]
    UnsetState(String),
    /// An operator applied to values it does not accept.
    #[error("cannot apply `{op}` to {left} and {right}")]
    Type {
        /// The operator.
        op: &'static str,
        /// Type of the left operand.
        left: &'static str,
        /// Type of the right operand.
        right: &'static str,
    },
}

/// Evaluates `expr` in `ctx`.
pub fn evaluate(expr: &Expr, ctx: &dyn Context) -> Result<Value, EvalError> {
    match expr {
        Expr::Lit(v) => Ok(v.clone()),
        Expr::List(xs) => Ok(Value::Array(
            xs.iter()
                .map(|x| evaluate(x, ctx))
                .collect::<Result<_, _>>()?,
        )),
        Expr::Record(fields) => record(fields, ctx),
        Expr::Name(n) => ctx.name(n).ok_or_else(|| {
            if ctx.is_unset_state(n) {
                EvalError::UnsetState(n.clone())
            } else {
                EvalError::UnknownName(n.clone())
            }
        }),
        Expr::Field(base, f) => field(evaluate(base, ctx)?, f),
        Expr::Has(base, f) => has(&evaluate(base, ctx)?, f),
        Expr::Call(f, args) => call(f, args, ctx),
        Expr::Not(e) => Ok(Value::Bool(!truthy(&evaluate(e, ctx)?))),
        Expr::Neg(e) => arith(BinOp::Sub, &Value::from(0), &evaluate(e, ctx)?),
        Expr::Binary(op, a, b) => binary(*op, a, b, ctx),
        Expr::In(a, b) => contains(&evaluate(b, ctx)?, &evaluate(a, ctx)?),
        Expr::If(c, a, b) => {
            if truthy(&evaluate(c, ctx)?) {
                evaluate(a, ctx)
            } else {
                evaluate(b, ctx)
            }
        }
    }
}

fn record(fields: &[(String, Expr)], ctx: &dyn Context) -> Result<Value, EvalError> {
    let mut map = Map::new();
    for (name, e) in fields {
        map.insert(name.clone(), evaluate(e, ctx)?);
    }
    Ok(Value::Object(map))
}

fn field(base: Value, name: &str) -> Result<Value, EvalError> {
    match base {
        Value::Object(mut m) => m
            .remove(name)
            .ok_or_else(|| EvalError::MissingField(name.to_owned())),
        _ => Err(EvalError::MissingField(name.to_owned())),
    }
}

fn has(base: &Value, name: &str) -> Result<Value, EvalError> {
    match base {
        Value::Object(m) => Ok(Value::Bool(m.contains_key(name))),
        other => Err(EvalError::Type {
            op: "has",
            left: type_name(other),
            right: "string",
        }),
    }
}

fn call(f: &str, args: &[Expr], ctx: &dyn Context) -> Result<Value, EvalError> {
    let Some(history) = History::from_name(f) else {
        let values = args
            .iter()
            .map(|a| evaluate(a, ctx))
            .collect::<Result<Vec<_>, _>>()?;
        return super::builtin::call(f, &values)
            .unwrap_or_else(|| Err(EvalError::BadCall(f.to_owned())));
    };
    match args {
        [Expr::Name(key)] => Ok(ctx.history(history, key)),
        _ => Err(EvalError::BadCall(f.to_owned())),
    }
}

fn binary(op: BinOp, a: &Expr, b: &Expr, ctx: &dyn Context) -> Result<Value, EvalError> {
    let left = evaluate(a, ctx)?;
    match op {
        BinOp::And if !truthy(&left) => return Ok(left),
        BinOp::Or if truthy(&left) => return Ok(left),
        BinOp::And | BinOp::Or => return evaluate(b, ctx),
        _ => {}
    }
    let right = evaluate(b, ctx)?;
    match op {
        BinOp::Eq => Ok(Value::Bool(py_eq(&left, &right))),
        BinOp::Ne => Ok(Value::Bool(!py_eq(&left, &right))),
        BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => compare(op, &left, &right),
        _ => arith(op, &left, &right),
    }
}

/// Python truthiness: false, null, 0, "" and empty containers are false.
pub fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|x| x != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

/// Python `==` on JSON values: numbers (and booleans, which are ints in Python) compare by
/// value, so `1 == 1.0 == true`; values of different kinds are unequal.
pub fn py_eq(a: &Value, b: &Value) -> bool {
    match (as_number(a), as_number(b)) {
        (Some(x), Some(y)) => x == y,
        _ => match (a, b) {
            (Value::Array(x), Value::Array(y)) => {
                x.len() == y.len() && x.iter().zip(y).all(|(p, q)| py_eq(p, q))
            }
            (Value::Object(x), Value::Object(y)) => {
                x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| py_eq(v, w)))
            }
            _ => a == b,
        },
    }
}

fn as_number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::Bool(b) => Some(f64::from(u8::from(*b))),
        _ => None,
    }
}

fn compare(op: BinOp, a: &Value, b: &Value) -> Result<Value, EvalError> {
    let ord = match (as_number(a), as_number(b), a, b) {
        (Some(x), Some(y), _, _) => x.partial_cmp(&y),
        (_, _, Value::String(x), Value::String(y)) => Some(x.cmp(y)),
        _ => return Err(type_error(op, a, b)),
    };
    let Some(ord) = ord else {
        return Ok(Value::Bool(false));
    };
    Ok(Value::Bool(match op {
        BinOp::Lt => ord.is_lt(),
        BinOp::Le => ord.is_le(),
        BinOp::Gt => ord.is_gt(),
        _ => ord.is_ge(),
    }))
}

fn arith(op: BinOp, a: &Value, b: &Value) -> Result<Value, EvalError> {
    let (Some(x), Some(y)) = (as_number(a), as_number(b)) else {
        return Err(type_error(op, a, b));
    };
    let r = match op {
        BinOp::Add => x + y,
        BinOp::Sub => x - y,
        BinOp::Mul => x * y,
        // Python's ZeroDivisionError, not an infinity
        _ if y == 0.0 => {
            return Err(EvalError::BadArgs {
                function: "/".to_owned(),
                expected: "a divisor that is not zero".to_owned(),
            })
        }
        _ => x / y,
    };
    Ok(Number::from_f64(r).map_or(Value::Null, Value::Number))
}

fn contains(haystack: &Value, needle: &Value) -> Result<Value, EvalError> {
    match haystack {
        Value::Array(xs) => Ok(Value::Bool(xs.iter().any(|x| py_eq(x, needle)))),
        other => Err(EvalError::Type {
            op: "in",
            left: type_name(needle),
            right: type_name(other),
        }),
    }
}

fn type_error(op: BinOp, a: &Value, b: &Value) -> EvalError {
    EvalError::Type {
        op: op.symbol(),
        left: type_name(a),
        right: type_name(b),
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a record",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::lower::read_str;
    use serde_json::json;
    use std::path::Path;

    struct Line(Value, Value);

    impl Context for Line {
        fn name(&self, name: &str) -> Option<Value> {
            match name {
                "value" => Some(self.0.clone()),
                "metadata" => Some(self.1.clone()),
                "time_ms" => Some(json!(1000)),
                _ => None,
            }
        }
        fn history(&self, f: History, key: &str) -> Value {
            match (f, key) {
                (History::Seen, "run_start") => json!(true),
                (History::Seen, _) => json!(false),
                (History::Earliest, _) => json!(f64::MAX),
                (History::First, "submission_division") => json!("closed"),
                _ => Value::Null,
            }
        }
    }

    fn eval_check(text: &str, value: Value, metadata: Value) -> Result<Value, EvalError> {
        let rules = format!("rules \"t\" {{ key k {{ check {text} }} }}");
        let set = read_str(Path::new("t.run"), &rules).unwrap().remove(0);
        evaluate(&set.keys[0].checks[0].expr, &Line(value, metadata))
    }

    #[test]
    fn division_by_zero_is_an_error_as_in_python() {
        assert!(matches!(
            eval_check("value / 0 > 1", json!(3), json!({})),
            Err(EvalError::BadArgs { .. })
        ));
        assert_eq!(
            eval_check("value / 2 == 1.5", json!(3), json!({})),
            Ok(json!(true))
        );
    }

    #[test]
    fn python_equality_and_membership() {
        assert_eq!(
            eval_check("value == 2048", json!(2048.0), json!({})),
            Ok(json!(true))
        );
        assert_eq!(
            eval_check("value == 2e-5 or value == 3e-5", json!(3e-5), json!({})),
            Ok(json!(true))
        );
        assert_eq!(
            eval_check("value == \"adam\"", json!(1), json!({})),
            Ok(json!(false))
        );
        assert_eq!(
            eval_check("value in [\"closed\", \"open\"]", json!("open"), json!({})),
            Ok(json!(true))
        );
        assert_eq!(
            eval_check("value != \"\"", json!(5), json!({})),
            Ok(json!(true))
        );
    }

    #[test]
    fn ordering_a_string_against_a_number_is_an_error() {
        assert!(matches!(
            eval_check("value > 0", json!("x"), json!({})),
            Err(EvalError::Type { .. })
        ));
    }

    #[test]
    fn metadata_presence_fields_and_conditionals() {
        let md = json!({"epoch_count": 0, "first_epoch_num": 0});
        assert_eq!(
            eval_check(
                "metadata has epoch_count or metadata has samples_count",
                json!(null),
                md.clone()
            ),
            Ok(json!(true))
        );
        assert_eq!(
            eval_check(
                "if metadata has epoch_count then metadata.epoch_count > 0 else true",
                json!(null),
                md.clone()
            ),
            Ok(json!(false))
        );
        assert_eq!(
            eval_check("metadata.samples_count >= 0", json!(null), md),
            Err(EvalError::MissingField("samples_count".into()))
        );
    }

    #[test]
    fn history_functions_and_arithmetic() {
        assert_eq!(
            eval_check(
                "seen(run_start) and not seen(init_stop)",
                json!(0),
                json!({})
            ),
            Ok(json!(true))
        );
        let limit = "time_ms - earliest(init_start) < (if first(submission_division) == \"open\" then 240 else 30) * 60 * 1e3";
        assert_eq!(eval_check(limit, json!(0), json!({})), Ok(json!(true)));
        assert_eq!(
            eval_check("-value * 2 + 1 == -5", json!(3), json!({})),
            Ok(json!(true))
        );
    }
}
