//! The builtin functions of the rule language: the few numeric functions the official
//! checker's CHECK/POST expressions call (`is_integer`, `math.ceil`, `**`, ...), with Python's
//! semantics, so that the converter translates those checks instead of listing them.
//!
//! Each is a small pure function of JSON numbers. Integer results (`ceil`, `floor`, `int`)
//! are JSON integers, as Python's are `int`s; a non-number argument is an error, as Python's
//! `TypeError` is a failed check in the official checker.

use serde_json::{Number, Value};

use super::eval::EvalError;

/// The builtin function `name` applied to `args`, or `None` if `name` is not a builtin.
pub fn call(name: &str, args: &[Value]) -> Option<Result<Value, EvalError>> {
    let one = |f: fn(f64) -> Result<Value, EvalError>| match args {
        [x] => num(name, x).and_then(f),
        _ => Err(arity(name, "one number")),
    };
    let two = |f: fn(f64, f64) -> Result<Value, EvalError>| match args {
        [x, y] => f(num(name, x)?, num(name, y)?),
        _ => Err(arity(name, "two numbers")),
    };
    Some(match name {
        "is_integer" => one(|x| Ok(Value::Bool(is_integer(x)))),
        "ceil" => one(|x| integer("ceil", x.ceil())),
        "floor" => one(|x| integer("floor", x.floor())),
        "int" => match args {
            [Value::String(s)] => s
                .trim()
                .parse::<i64>()
                .map(Value::from)
                .map_err(|_| domain("int", "a string that is not an integer")),
            [x] => num("int", x).and_then(|x| integer("int", x.trunc())),
            _ => Err(arity(name, "one number")),
        },
        "abs" => match args {
            [Value::Number(n)] if n.is_i64() => {
                Ok(Value::from(n.as_i64().unwrap_or(0).unsigned_abs()))
            }
            _ => one(|x| float(x.abs())),
        },
        "log2" => one(|x| {
            if x > 0.0 {
                float(x.log2())
            } else {
                Err(domain("log2", "a number that is not positive"))
            }
        }),
        "sqrt" => one(|x| {
            if x >= 0.0 {
                float(x.sqrt())
            } else {
                Err(domain("sqrt", "a negative number"))
            }
        }),
        "pow" => match args {
            [Value::Number(b), Value::Number(e)] if b.is_i64() && e.is_u64() => {
                let (b, e) = (b.as_i64().unwrap_or(0), e.as_u64().unwrap_or(0));
                match u32::try_from(e).ok().and_then(|e| b.checked_pow(e)) {
                    Some(r) => Ok(Value::from(r)),
                    None => float((b as f64).powf(e as f64)),
                }
            }
            _ => two(|x, y| float(x.powf(y))),
        },
        "mod" => two(|x, y| {
            if y == 0.0 {
                Err(domain("mod", "a zero divisor"))
            } else {
                Ok(number(py_mod(x, y)))
            }
        }),
        // the checker's state variable with no value yet: reading it is Python's KeyError
        "unset" => Err(match args {
            [Value::String(name)] => EvalError::UnsetState(name.clone()),
            _ => arity(name, "the name of a state variable"),
        }),
        "max" => two(|x, y| Ok(number(x.max(y)))),
        "min" => two(|x, y| Ok(number(x.min(y)))),
        _ => return None,
    })
}

/// `is_integer` of mlperf-logging's `compliance_checker/mlp_compliance.py`:
/// `abs(round(value) - value) < 0.00001` (Python's `round` rounds half to even).
pub fn is_integer(x: f64) -> bool {
    (x.round_ties_even() - x).abs() < 0.00001
}

/// Python's `%` on numbers: the result has the divisor's sign (`-1 % 3 == 2`).
pub fn py_mod(x: f64, y: f64) -> f64 {
    let r = x % y;
    if r != 0.0 && (r < 0.0) != (y < 0.0) {
        r + y
    } else {
        r
    }
}

fn num(f: &str, v: &Value) -> Result<f64, EvalError> {
    match v {
        Value::Number(n) => n.as_f64().ok_or_else(|| arity(f, "numbers")),
        Value::Bool(b) => Ok(f64::from(u8::from(*b))),
        _ => Err(EvalError::BadArgs {
            function: f.to_owned(),
            expected: "numbers".to_owned(),
        }),
    }
}

/// A whole number as a JSON integer (Python `int`), or an error if it does not fit.
fn integer(f: &str, x: f64) -> Result<Value, EvalError> {
    if x.is_finite() && x.abs() < 9.0e15 {
        Ok(Value::from(x as i64))
    } else {
        Err(domain(f, "a number with no integer value"))
    }
}

fn float(x: f64) -> Result<Value, EvalError> {
    Number::from_f64(x)
        .map(Value::Number)
        .ok_or_else(|| domain("arithmetic", "a result that is not a finite number"))
}

/// An integral result as an integer, any other as a float (as Python's `max(1, 2)` is `2`).
fn number(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 9.0e15 {
        Value::from(x as i64)
    } else {
        Number::from_f64(x).map_or(Value::Null, Value::Number)
    }
}

fn arity(f: &str, expected: &str) -> EvalError {
    EvalError::BadArgs {
        function: f.to_owned(),
        expected: expected.to_owned(),
    }
}

fn domain(f: &str, what: &str) -> EvalError {
    EvalError::BadArgs {
        function: f.to_owned(),
        expected: format!("an argument in its domain, not {what}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn f(name: &str, args: &[Value]) -> Value {
        call(name, args).unwrap().unwrap()
    }

    #[test]
    fn python_semantics() {
        assert_eq!(f("is_integer", &[json!(4.000001)]), json!(true));
        assert_eq!(f("is_integer", &[json!(4.5)]), json!(false));
        assert_eq!(f("ceil", &[json!(2.1)]), json!(3));
        assert_eq!(f("floor", &[json!(-2.1)]), json!(-3));
        assert_eq!(f("int", &[json!(-2.9)]), json!(-2));
        assert_eq!(f("int", &[json!("42")]), json!(42));
        assert_eq!(f("abs", &[json!(-3)]), json!(3));
        assert_eq!(f("log2", &[json!(8.0)]), json!(3.0));
        assert_eq!(f("pow", &[json!(2), json!(10)]), json!(1024));
        assert_eq!(f("pow", &[json!(4), json!(0.5)]), json!(2.0));
        assert_eq!(f("mod", &[json!(-1), json!(3)]), json!(2));
        assert_eq!(f("max", &[json!(1), json!(0.5)]), json!(1));
        assert!(call("seen", &[]).is_none());
        assert!(call("unset", &[json!("warmup")]).unwrap().is_err());
        assert!(call("log2", &[json!(0)]).unwrap().is_err());
        assert!(call("ceil", &[json!("x")]).unwrap().is_err());
        assert!(call("ceil", &[json!(1), json!(2)]).unwrap().is_err());
    }
}
