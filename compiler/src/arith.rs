//! Arithmetic and comparisons on evaluated values: pure functions, no environment.
//!
//! Integers stay integers while the result is exact (`/` gives an integer only when it
//! divides evenly) and overflow is an error, never a wrap. Mixing an integer and a float
//! gives a float. `+` also joins strings and lists.

use repro_lang::ast::BinaryOp;
use repro_lang::{Diagnostic, Span};

use crate::evaluator::type_error;
use crate::value::Value;

/// Apply a non-logical binary operator.
pub fn binary(
    op: BinaryOp,
    a: Value,
    b: Value,
    span: Span,
    ls: Span,
    rs: Span,
) -> Result<Value, Diagnostic> {
    match op {
        BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div => {
            numeric(op, a, b, span, ls, rs)
        }
        BinaryOp::Eq => Ok(Value::Bool(equal(&a, &b))),
        BinaryOp::Ne => Ok(Value::Bool(!equal(&a, &b))),
        BinaryOp::In | BinaryOp::NotIn => membership(op, &a, b, rs),
        _ => order(op, &a, &b, ls, rs),
    }
}

fn numeric(
    op: BinaryOp,
    a: Value,
    b: Value,
    span: Span,
    ls: Span,
    rs: Span,
) -> Result<Value, Diagnostic> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => int_op(op, x, y, span),
        (Value::Str(x), Value::Str(y)) if op == BinaryOp::Add => Ok(Value::Str(x + &y)),
        (Value::List(mut x), Value::List(y)) if op == BinaryOp::Add => {
            x.extend(y);
            Ok(Value::List(x))
        }
        (Value::Ints(x), Value::Ints(y)) if op == BinaryOp::Add => Ok(Value::Ints(
            std::sync::Arc::new(x.iter().chain(y.iter()).copied().collect()),
        )),
        (x @ (Value::List(_) | Value::Ints(_)), y @ (Value::List(_) | Value::Ints(_)))
            if op == BinaryOp::Add =>
        {
            let mut x = x.into_items().unwrap_or_default();
            x.extend(y.into_items().unwrap_or_default());
            Ok(Value::List(x))
        }
        (a, b) => {
            let x = a.as_f64().ok_or_else(|| type_error(ls, "a number", &a))?;
            let y = b.as_f64().ok_or_else(|| type_error(rs, "a number", &b))?;
            float_op(op, x, y, span)
        }
    }
}

fn int_op(op: BinaryOp, x: i64, y: i64, span: Span) -> Result<Value, Diagnostic> {
    let r = match op {
        BinaryOp::Add => x.checked_add(y),
        BinaryOp::Sub => x.checked_sub(y),
        BinaryOp::Mul => x.checked_mul(y),
        _ if y == 0 => return Err(Diagnostic::error(span, "division by zero")),
        // `checked_rem` first: `i64::MIN % -1` overflows just as `i64::MIN / -1` does.
        _ => match x.checked_rem(y) {
            Some(0) => x.checked_div(y),
            Some(_) => return Ok(Value::Float(x as f64 / y as f64)),
            None => None,
        },
    };
    r.map(Value::Int)
        .ok_or_else(|| Diagnostic::error(span, "integer overflow"))
}

fn float_op(op: BinaryOp, x: f64, y: f64, span: Span) -> Result<Value, Diagnostic> {
    let r = match op {
        BinaryOp::Add => x + y,
        BinaryOp::Sub => x - y,
        BinaryOp::Mul => x * y,
        _ => x / y,
    };
    if r.is_finite() {
        Ok(Value::Float(r))
    } else {
        Err(Diagnostic::error(span, "the result is not a finite number"))
    }
}

/// Numbers compare by value across int/float; everything else structurally.
pub fn equal(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

fn membership(op: BinaryOp, a: &Value, b: Value, rs: Span) -> Result<Value, Diagnostic> {
    let found = match b {
        Value::List(items) => items.iter().any(|i| equal(a, i)),
        Value::Ints(items) => items.iter().any(|&i| equal(a, &Value::Int(i))),
        b => return Err(type_error(rs, "a list", &b)),
    };
    Ok(Value::Bool(found == (op == BinaryOp::In)))
}

fn order(op: BinaryOp, a: &Value, b: &Value, ls: Span, rs: Span) -> Result<Value, Diagnostic> {
    let x = a.as_f64().ok_or_else(|| type_error(ls, "a number", a))?;
    let y = b.as_f64().ok_or_else(|| type_error(rs, "a number", b))?;
    Ok(Value::Bool(match op {
        BinaryOp::Lt => x < y,
        BinaryOp::Le => x <= y,
        BinaryOp::Gt => x > y,
        _ => x >= y,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use repro_lang::FileId;

    fn op(op: BinaryOp, a: Value, b: Value) -> Result<Value, Diagnostic> {
        let s = Span::point(FileId(0), 0);
        binary(op, a, b, s, s, s)
    }

    #[test]
    fn integer_division_stays_exact() {
        assert_eq!(
            op(BinaryOp::Div, Value::Int(2048), Value::Int(16)),
            Ok(Value::Int(128))
        );
        assert_eq!(
            op(BinaryOp::Div, Value::Int(3), Value::Int(2)),
            Ok(Value::Float(1.5))
        );
        assert!(op(BinaryOp::Div, Value::Int(1), Value::Int(0)).is_err());
    }

    #[test]
    fn overflow_is_an_error_not_a_wrap() {
        let e = op(BinaryOp::Mul, Value::Int(i64::MAX), Value::Int(2)).unwrap_err();
        assert_eq!(e.message, "integer overflow");
    }

    #[test]
    fn min_divided_by_minus_one_is_an_overflow_not_a_panic() {
        let e = op(BinaryOp::Div, Value::Int(i64::MIN), Value::Int(-1)).unwrap_err();
        assert_eq!(e.message, "integer overflow");
        for (a, b) in [(i64::MIN, 1), (i64::MAX, -1), (i64::MIN, i64::MIN), (-7, 2)] {
            assert!(op(BinaryOp::Div, Value::Int(a), Value::Int(b)).is_ok());
        }
        for a in [i64::MIN, i64::MAX, 0, -1, 1] {
            for b in [i64::MIN, i64::MAX, 0, -1, 1, 2] {
                for o in [BinaryOp::Add, BinaryOp::Sub, BinaryOp::Mul, BinaryOp::Div] {
                    let _ = op(o, Value::Int(a), Value::Int(b));
                }
            }
        }
    }

    #[test]
    fn mixed_numbers_and_joins() {
        assert_eq!(
            op(BinaryOp::Mul, Value::Int(2), Value::Float(1.5)),
            Ok(Value::Float(3.0))
        );
        assert_eq!(
            op(
                BinaryOp::Add,
                Value::Str("a".into()),
                Value::Str("b".into())
            ),
            Ok(Value::Str("ab".into()))
        );
        assert!(op(BinaryOp::Sub, Value::Str("a".into()), Value::Int(1)).is_err());
    }

    #[test]
    fn comparisons_and_membership() {
        assert_eq!(
            op(BinaryOp::Eq, Value::Int(1), Value::Float(1.0)),
            Ok(Value::Bool(true))
        );
        assert_eq!(
            op(BinaryOp::Lt, Value::Int(1), Value::Float(1.5)),
            Ok(Value::Bool(true))
        );
        let list = Value::List(vec![Value::Int(32), Value::Int(64)]);
        assert_eq!(
            op(BinaryOp::In, Value::Int(64), list.clone()),
            Ok(Value::Bool(true))
        );
        assert_eq!(
            op(BinaryOp::NotIn, Value::Int(64), list),
            Ok(Value::Bool(false))
        );
    }
}
