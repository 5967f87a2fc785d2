//! `Evaluator`: evaluates spec expressions for one run at one sweep point.
//!
//! Names resolve, innermost first: the sweep point's variables, the run's `let`s (a later
//! `let` of the same name wins, so a child's `let` overrides its parent's), top-level `let`s,
//! then the run's own fields by bare name (`"${nodes}"` reads `hardware.nodes`). A name that
//! is none of these is a literal name (`closed`, `mlperf.training.gpt3`). Lets and fields are
//! evaluated lazily and memoized; a definition that depends on itself is an error naming it.

use std::collections::{BTreeMap, HashMap, HashSet};

use repro_lang::ast::{Arg, BinaryOp, Expr, ExprKind, Let, Path, StrPart, UnaryOp};
use repro_lang::{Diagnostic, Span};

use crate::run_def::{FieldKey, RunDef};
use crate::value::Value;

type EvalResult = Result<Value, Diagnostic>;

/// How many definitions (`let`s and fields) one value may depend on through one another,
/// `let b = a + 1` being one step. Each step is a few evaluator frames: a chain of 2,000
/// `let`s overflowed the stack of a debug build and aborted `repro check`. Real specs
/// chain a handful.
pub const MAX_DEFINITION_DEPTH: usize = 64;

/// Evaluation state for one run at one sweep point.
pub struct Evaluator<'a> {
    globals: &'a [&'a Let],
    def: &'a RunDef<'a>,
    point: &'a BTreeMap<String, Value>,
    memo: HashMap<String, Result<Value, ()>>,
    active: Vec<String>,
    /// Names some expression looks up: only those fields are memoized.
    referenced: HashSet<String>,
    /// Name -> the definition a lookup finds, built on the first lookup: a search of every
    /// `let` per lookup made 40,000 references to 40,000 `let`s take 13 s (quadratic). It
    /// holds only the names in `referenced`: a 10 MB spec's 230,000 hparams that nothing
    /// names cost 18 MB in it (#14).
    index: Option<Index<'a>>,
    /// Every name, for a lookup of a name `referenced` lacks (none should: see
    /// [`crate::references`]); built only then.
    full_index: Option<Index<'a>>,
}

/// See [`Evaluator::index`]: the last `let` of each name (run, then top level), and the
/// field a bare name reads (see [`Evaluator::field_by_name`]).
struct Index<'a> {
    lets: HashMap<&'a str, &'a Let>,
    globals: HashMap<&'a str, &'a Let>,
    fields: HashMap<&'a str, FieldKey<'a>>,
}

impl<'a> Index<'a> {
    /// The definitions of the names `wanted` accepts.
    fn build(globals: &'a [&'a Let], def: &'a RunDef<'a>, wanted: impl Fn(&str) -> bool) -> Self {
        // Later `let`s of a name win, as they shadow earlier ones.
        let by_name = |lets: &'a [&'a Let]| {
            lets.iter()
                .map(|&l| (l.name.name.as_ref(), l))
                .filter(|(n, _)| wanted(n))
                .collect()
        };
        // Keys are sorted, so the first field of a name is the run-level one when there is
        // one (its block is `""`), else the first block field of that name.
        let mut fields = HashMap::new();
        for key in def.fields.keys().filter(|k| wanted(k.1)) {
            fields.entry(key.1).or_insert(key);
        }
        Index {
            lets: by_name(&def.lets),
            globals: by_name(globals),
            fields,
        }
    }
}

impl<'a> Evaluator<'a> {
    pub fn new(
        globals: &'a [&'a Let],
        def: &'a RunDef,
        point: &'a BTreeMap<String, Value>,
    ) -> Self {
        Evaluator {
            globals,
            def,
            point,
            memo: HashMap::new(),
            active: Vec::new(),
            referenced: crate::references::referenced_names(globals, def),
            index: None,
            full_index: None,
        }
    }

    /// The index that holds `name`.
    fn index(&mut self, name: &str) -> &Index<'a> {
        let (globals, def) = (self.globals, self.def);
        if self.referenced.contains(name) {
            let referenced = &self.referenced;
            self.index
                .get_or_insert_with(|| Index::build(globals, def, |n| referenced.contains(n)))
        } else {
            self.full_index
                .get_or_insert_with(|| Index::build(globals, def, |_| true))
        }
    }

    /// Evaluate a field of the run (memoized, shared with name lookups, when an
    /// expression names it: no other lookup can reach it again).
    pub fn field(&mut self, key: &FieldKey<'_>) -> Option<EvalResult> {
        let def = self.def.fields.get(key)?;
        let memo_key = format!("field:{}.{}", key.0, key.1);
        let keep = self.referenced.contains(key.1);
        Some(self.memoized(memo_key, def.expr(), def.span(), keep))
    }

    /// Evaluate an expression.
    pub fn eval(&mut self, e: &Expr) -> EvalResult {
        match &e.kind {
            ExprKind::Int { value, .. } => Ok(Value::Int(*value)),
            ExprKind::Float { value, .. } => Ok(Value::Float(*value)),
            ExprKind::Quantity(q) => Ok(Value::Quantity(q.clone())),
            ExprKind::Bool(b) => Ok(Value::Bool(*b)),
            ExprKind::Str(s) => self.string(&s.parts),
            ExprKind::List(items) => {
                // Sized once: a collected `Result` grows by doubling, and each doubling of a
                // list of millions copies it (#14).
                let mut values = Vec::with_capacity(items.len());
                for item in items {
                    values.push(self.eval(item)?);
                }
                Ok(Value::List(values))
            }
            // Shared, not copied: see `Value::Ints`.
            ExprKind::Ints(list) => Ok(Value::Ints(list.values().clone())),
            ExprKind::Record(fields) => self.record(fields),
            ExprKind::Path(p) => self.path(p),
            ExprKind::Call { callee, args } => self.call(callee, args, e.span),
            ExprKind::Paren(inner) => self.eval(inner),
            ExprKind::Unary { op, operand } => self.unary(*op, operand, e.span),
            ExprKind::Binary { op, lhs, rhs } => self.binary(*op, lhs, rhs, e.span),
            ExprKind::If {
                cond,
                then,
                otherwise,
            } => match self.eval(cond)? {
                Value::Bool(true) => self.eval(then),
                Value::Bool(false) => self.eval(otherwise),
                other => Err(type_error(
                    cond.span,
                    "a condition (`true` or `false`)",
                    &other,
                )),
            },
            ExprKind::Field { .. } | ExprKind::Has { .. } => Err(Diagnostic::error(
                e.span,
                "field access and `has` are only meaningful in rule sets",
            )),
        }
    }

    /// Evaluate a string literal with its interpolations.
    pub fn eval_string(&mut self, s: &repro_lang::ast::StringLit) -> Result<String, Diagnostic> {
        match self.string(&s.parts)? {
            Value::Str(s) => Ok(s),
            other => Ok(other.to_text()),
        }
    }

    fn record(&mut self, fields: &[repro_lang::ast::RecordField]) -> EvalResult {
        let mut out = BTreeMap::new();
        for f in fields {
            let v = self.eval(&f.value)?;
            if out.insert(f.name.name.to_string(), v).is_some() {
                return Err(Diagnostic::error(
                    f.name.span,
                    format!("`{}` appears twice in this record", f.name.name),
                ));
            }
        }
        Ok(Value::Record(out))
    }

    fn string(&mut self, parts: &[StrPart]) -> EvalResult {
        let mut out = String::new();
        for part in parts {
            match part {
                StrPart::Text(t) => out.push_str(t),
                StrPart::Interp(e) => match self.eval(e)? {
                    Value::Name(n) => return Err(self.unknown_name(&n, e.span)),
                    v => out.push_str(&v.to_text()),
                },
            }
        }
        Ok(Value::Str(out))
    }

    fn path(&mut self, p: &Path) -> EvalResult {
        let Some(ident) = p.as_single() else {
            return Ok(Value::Name(p.dotted()));
        };
        let name = ident.name.as_ref();
        if let Some(v) = self.point.get(name) {
            return Ok(v.clone());
        }
        if let Some(&l) = self.index(name).lets.get(name) {
            return self.memoized(format!("let:{name}"), &l.value, l.span(), true);
        }
        if let Some(&l) = self.index(name).globals.get(name) {
            return self.memoized(format!("global:{name}"), &l.value, l.span(), true);
        }
        match self.field_by_name(name) {
            Some(key) => self
                .field(&key)
                .unwrap_or(Ok(Value::Name(name.to_string()))),
            None => Ok(Value::Name(name.to_string())),
        }
    }

    /// The run field with this bare name: a run-level field first, else the first block
    /// field of that name (keys are sorted, so the choice is stable).
    fn field_by_name(&mut self, name: &str) -> Option<FieldKey<'a>> {
        self.index(name).fields.get(name).copied()
    }

    fn memoized(&mut self, key: String, expr: &Expr, span: Span, keep: bool) -> EvalResult {
        if let Some(done) = self.memo.get(&key) {
            return done.clone().map_err(|_| already_reported(span));
        }
        if self.active.contains(&key) {
            let name = key.split_once(':').map_or(key.as_str(), |(_, n)| n);
            return Err(
                Diagnostic::error(span, format!("`{name}` is defined in terms of itself"))
                    .with_help("break the cycle by giving one of the values directly"),
            );
        }
        if self.active.len() >= MAX_DEFINITION_DEPTH {
            let name = key.split_once(':').map_or(key.as_str(), |(_, n)| n);
            return Err(Diagnostic::error(
                span,
                format!(
                    "`{name}` is reached through more than {MAX_DEFINITION_DEPTH} definitions that use one another"
                ),
            )
            .with_help("give one of the values in the chain directly"));
        }
        self.active.push(key.clone());
        let result = self.eval(expr);
        self.active.pop();
        if keep {
            self.memo.insert(key, result.clone().map_err(|_| ()));
        }
        result
    }

    /// `${name}` where `name` is not defined: suggest the closest variable or field.
    fn unknown_name(&self, name: &str, span: Span) -> Diagnostic {
        let known: Vec<&str> = (self.point.keys().map(String::as_str))
            .chain(self.def.lets.iter().map(|l| l.name.name.as_ref()))
            .chain(self.globals.iter().map(|l| l.name.name.as_ref()))
            .chain(self.def.fields.keys().map(|(_, f)| f))
            .collect();
        crate::run_def::with_suggestion(
            Diagnostic::error(
                span,
                format!("`{name}` is not a variable or a field of this run"),
            ),
            name,
            known,
        )
    }

    fn call(&mut self, callee: &Path, args: &[Arg], span: Span) -> EvalResult {
        match callee.dotted().as_str() {
            "git" => self.git(args, span),
            "zip" => self.zip(args, span),
            "whole" => self.whole(args, span),
            other => Err(
                Diagnostic::error(callee.span(), format!("unknown function `{other}`"))
                    .with_help("specs can call `git(url, ref = ...)`, `zip(list, list, ...)` and `whole(number)`"),
            ),
        }
    }

    fn git(&mut self, args: &[Arg], span: Span) -> EvalResult {
        let (mut url, mut reference) = (None, None);
        for (i, arg) in args.iter().enumerate() {
            let name = arg.name.as_ref().map(|n| n.name.as_ref());
            let slot = match (name, i) {
                (None, 0) | (Some("url"), _) => &mut url,
                (Some("ref"), _) | (None, 1) => &mut reference,
                _ => {
                    return Err(
                        Diagnostic::error(arg.value.span, "unexpected argument to `git`")
                            .with_help("write `git(\"URL\", ref = \"BRANCH, TAG OR COMMIT\")`"),
                    )
                }
            };
            *slot = Some(self.string_arg(&arg.value)?);
        }
        match (url, reference) {
            (Some(url), Some(reference)) => Ok(Value::Git(Box::new(
                crate::git_value::GitValue { url, reference },
            ))),
            _ => Err(Diagnostic::error(span, "`git` needs a URL and a `ref`")
                .with_help("write `git(\"URL\", ref = \"main\")`; an implicit default branch is not reproducible")),
        }
    }

    /// `whole(x)`: `x` as an integer, or an error when it is not one. A launcher that takes a
    /// count (NeMo's `MINIBS`, the batch per data-parallel replica) must not be handed
    /// `85.33` because a division did not come out even.
    fn whole(&mut self, args: &[Arg], span: Span) -> EvalResult {
        let [arg] = args else {
            return Err(Diagnostic::error(span, "`whole` takes one number")
                .with_help("write `whole(global_batch_size / nodes)`"));
        };
        match self.eval(&arg.value)? {
            Value::Int(i) => Ok(Value::Int(i)),
            Value::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(Value::Int(f as i64)),
            Value::Float(f) => Err(Diagnostic::error(
                arg.value.span,
                format!("`whole` needs a whole number, and this is {f}"),
            )
            .with_help("a division in it does not come out even: change the values it divides")),
            other => Err(type_error(arg.value.span, "a number", &other)),
        }
    }

    fn string_arg(&mut self, e: &Expr) -> Result<String, Diagnostic> {
        match self.eval(e)? {
            Value::Str(s) => Ok(s),
            other => Err(type_error(e.span, "a string", &other)),
        }
    }

    fn zip(&mut self, args: &[Arg], span: Span) -> EvalResult {
        let mut lists = Vec::new();
        for arg in args {
            match self.eval(&arg.value)?.into_items() {
                Ok(items) => lists.push(items),
                Err(other) => return Err(type_error(arg.value.span, "a list", &other)),
            }
        }
        let len = lists.first().map_or(0, Vec::len);
        if lists.iter().any(|l| l.len() != len) {
            let lens: Vec<String> = lists.iter().map(|l| l.len().to_string()).collect();
            return Err(Diagnostic::error(
                span,
                format!(
                    "`zip` needs lists of the same length, found {}",
                    lens.join(", ")
                ),
            ));
        }
        Ok(Value::List(
            (0..len)
                .map(|i| Value::List(lists.iter().map(|l| l[i].clone()).collect()))
                .collect(),
        ))
    }

    fn unary(&mut self, op: UnaryOp, operand: &Expr, span: Span) -> EvalResult {
        match (op, self.eval(operand)?) {
            (UnaryOp::Neg, Value::Int(i)) => i
                .checked_neg()
                .map(Value::Int)
                .ok_or_else(|| overflow(span)),
            (UnaryOp::Neg, Value::Float(f)) => Ok(Value::Float(-f)),
            (UnaryOp::Not, Value::Bool(b)) => Ok(Value::Bool(!b)),
            (UnaryOp::Neg, v) => Err(type_error(operand.span, "a number", &v)),
            (UnaryOp::Not, v) => Err(type_error(operand.span, "`true` or `false`", &v)),
        }
    }

    fn binary(&mut self, op: BinaryOp, lhs: &Expr, rhs: &Expr, span: Span) -> EvalResult {
        if matches!(op, BinaryOp::And | BinaryOp::Or) {
            return self.logic(op, lhs, rhs);
        }
        let (a, b) = (self.eval(lhs)?, self.eval(rhs)?);
        crate::arith::binary(op, a, b, span, lhs.span, rhs.span)
    }

    fn logic(&mut self, op: BinaryOp, lhs: &Expr, rhs: &Expr) -> EvalResult {
        let a = self.bool(lhs)?;
        if (op == BinaryOp::And && !a) || (op == BinaryOp::Or && a) {
            return Ok(Value::Bool(a));
        }
        self.bool(rhs).map(Value::Bool)
    }

    fn bool(&mut self, e: &Expr) -> Result<bool, Diagnostic> {
        match self.eval(e)? {
            Value::Bool(b) => Ok(b),
            other => Err(type_error(e.span, "`true` or `false`", &other)),
        }
    }
}

/// "expected a string, found the number `3`".
pub fn type_error(span: Span, expected: &str, found: &Value) -> Diagnostic {
    Diagnostic::error(
        span,
        format!("expected {expected}, found {}", found.describe()),
    )
}

fn overflow(span: Span) -> Diagnostic {
    Diagnostic::error(span, "integer overflow")
}

/// A value whose own error was already reported where it is defined.
fn already_reported(span: Span) -> Diagnostic {
    Diagnostic::error(span, "this value depends on a value that has an error")
}

#[cfg(test)]
mod tests {
    use super::*;
    use repro_lang::ast::{Item, Stmt};
    use repro_lang::FileId;

    /// The name index holds only names the run's expressions use; an expression from
    /// elsewhere that names another field still finds it (through the full index).
    #[test]
    fn a_name_no_expression_of_the_run_uses_still_resolves() {
        let spec = "run \"r\" {\n  seed = 7\n  hardware {\n    nodes = nodes_let\n  }\n  let nodes_let = 2\n}\n";
        let module = repro_lang::parse(FileId(0), spec).expect("parses");
        let runs = crate::runs::all_runs(std::slice::from_ref(&module));
        let mut diags = Vec::new();
        let def = crate::runs::resolve_run(runs[0], &runs, &mut diags).expect("resolves");
        assert!(diags.is_empty());
        let probe = repro_lang::parse(FileId(1), "let probe = nodes * 10 + seed + nodes_let\n")
            .expect("parses");
        let Item::Stmt(Stmt::Let(probe)) = &probe.items[0] else {
            panic!("a let");
        };
        let point = BTreeMap::new();
        let mut ev = Evaluator::new(&[], &def, &point);
        assert!(!ev.referenced.contains("seed") && ev.referenced.contains("nodes_let"));
        assert_eq!(ev.eval(&probe.value).ok(), Some(Value::Int(2 * 10 + 7 + 2)));
        assert!(
            ev.full_index.is_some(),
            "`seed` and `nodes` went to the full index"
        );
    }
}
