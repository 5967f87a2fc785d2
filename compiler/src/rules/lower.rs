//! Lowering from the `lang` AST to the rule IR.
//!
//! `repro_lang::parse` turns rule text into an AST (syntax errors carry spans); this module
//! checks that the AST is a rule set (only `rules` blocks; inside them attributes, `derive`
//! and `key` blocks; inside those `require`, `check` and `target`) and builds [`RuleSet`]s.
//! Every error names the file, line and column, what was found and what was expected.

use std::path::Path as FsPath;

use repro_lang::ast::{
    Arg, BinaryOp, Block, BlockLabel, ClauseKind, Expr as AstExpr, ExprKind, Item, Stmt, UnaryOp,
};
use repro_lang::{FileId, SourceMap, Span};
use serde_json::{Number, Value};

use super::error::RulesError;
use super::expr::{BinOp, Expr};
use super::post::Post;
use super::rule_set::{Check, Derive, KeyRule, Require, RuleSet, SourcePos};

/// Reads the file at `path` and lowers every `rules` block in it.
pub fn read_file(path: &FsPath) -> Result<Vec<RuleSet>, RulesError> {
    let text = std::fs::read_to_string(path).map_err(|cause| RulesError::Io {
        path: path.to_owned(),
        cause,
    })?;
    read_str(path, &text)
}

/// Parses `text` with `repro_lang` and lowers every `rules` block; `path` names the file in
/// positions and errors.
pub fn read_str(path: &FsPath, text: &str) -> Result<Vec<RuleSet>, RulesError> {
    let mut map = SourceMap::new();
    let file = map.add(path, text);
    let module = repro_lang::parse(file, text).map_err(|diags| {
        let first = diags.first();
        let offset = first.map_or(0, |d| d.span.start as usize);
        let help = first
            .and_then(|d| d.help.clone())
            .map_or(String::new(), |h| format!("\nhelp: {h}"));
        let message = first.map_or_else(
            || "syntax error".to_owned(),
            |d| format!("{}{help}", d.message),
        );
        Lowerer {
            path,
            map: &map,
            file,
        }
        .error_at(offset, message)
    })?;
    let lw = Lowerer {
        path,
        map: &map,
        file,
    };
    module
        .items
        .iter()
        .map(|item| match item {
            Item::Rules(r) => lw.rule_set(&r.name.value, &r.body, r.span),
            other => Err(lw.error(
                other.span(),
                "expected a `rules \"NAME\" { ... }` block".into(),
            )),
        })
        .collect()
}

struct Lowerer<'a> {
    path: &'a FsPath,
    map: &'a SourceMap,
    file: FileId,
}

impl Lowerer<'_> {
    fn pos(&self, span: Span) -> SourcePos {
        let lc = self.map.line_col(self.file, span.start as usize);
        SourcePos {
            file: self.path.to_owned(),
            line: lc.line as u32,
            col: lc.column as u32,
        }
    }

    fn error_at(&self, offset: usize, message: String) -> RulesError {
        let lc = self.map.line_col(self.file, offset);
        RulesError::Syntax {
            path: self.path.to_owned(),
            line: lc.line as u32,
            col: lc.column as u32,
            message,
        }
    }

    fn error(&self, span: Span, message: String) -> RulesError {
        self.error_at(span.start as usize, message)
    }

    fn text(&self, span: Span) -> String {
        self.map.text(self.file)[span.start as usize..span.end as usize].to_owned()
    }

    fn rule_set(&self, name: &str, body: &Block, span: Span) -> Result<RuleSet, RulesError> {
        let mut set = RuleSet {
            name: name.to_owned(),
            attributes: Vec::new(),
            when: None,
            derives: Vec::new(),
            state: Vec::new(),
            keys: Vec::new(),
            pos: self.pos(span),
        };
        for stmt in &body.stmts {
            match stmt {
                Stmt::Assign(a) => {
                    let name = a.target.as_single().ok_or_else(|| self.error(a.target.span(), format!("expected a plain attribute name, found `{}`", a.target.dotted())))?;
                    let value = self.expr(&a.value)?;
                    if &*name.name == "when" {
                        set.when = Some(value);
                    } else {
                        set.attributes.push((name.name.to_string(), value));
                    }
                }
                Stmt::Derive(d) => set.derives.push(self.derive(&d.name.name, &d.value, d.span())?),
                Stmt::Let(l) => {
                    if set.state.iter().any(|(n, _)| n.as_str() == &*l.name.name) {
                        return Err(self.error(l.name.span, format!("state `{}` is declared twice in this rule set", l.name.name)));
                    }
                    set.state.push((l.name.name.to_string(), self.expr(&l.value)?));
                }
                Stmt::Block(b) if &*b.kind.name == "key" => {
                    let label = b.label.as_ref().ok_or_else(|| self.error(b.span, "expected a log key name after `key`".into()))?;
                    set.keys.push(self.key_rule(label, &b.body, b.span)?);
                }
                other => return Err(self.error(other.span(), "expected `NAME = value`, `let NAME = ...`, `derive NAME = ...` or `key NAME { ... }` in a rule set".into())),
            }
        }
        check_names(&set)?;
        Ok(set)
    }

    fn key_rule(
        &self,
        label: &BlockLabel,
        body: &Block,
        span: Span,
    ) -> Result<KeyRule, RulesError> {
        let mut rule = KeyRule {
            key: label.text().to_owned(),
            require: None,
            checks: Vec::new(),
            targets: Vec::new(),
            posts: Vec::new(),
            pos: self.pos(span),
        };
        for stmt in &body.stmts {
            if let Stmt::Assign(a) = stmt {
                let name = a.target.as_single().ok_or_else(|| {
                    self.error(
                        a.target.span(),
                        format!(
                            "expected a state variable name, found `{}`",
                            a.target.dotted()
                        ),
                    )
                })?;
                rule.posts.push(Post {
                    target: name.name.to_string(),
                    expr: self.expr(&a.value)?,
                    text: self.text(a.value.span),
                    pos: self.pos(a.value.span),
                });
                continue;
            }
            let Stmt::Clause(c) = stmt else {
                return Err(self.error(
                    stmt.span(),
                    "expected `require`, `check`, `target` or `NAME = EXPR` (a state update) in a `key` block".into(),
                ));
            };
            match c.kind {
                ClauseKind::Require => rule.require = Some(self.require(&c.expr)?),
                ClauseKind::Check => rule.checks.push(self.check(&c.expr)?),
                ClauseKind::Target => rule.targets.push(self.check(&c.expr)?),
            }
        }
        Ok(rule)
    }

    fn check(&self, e: &AstExpr) -> Result<Check, RulesError> {
        Ok(Check {
            expr: self.expr(e)?,
            text: self.text(e.span),
            pos: self.pos(e.span),
        })
    }

    fn require(&self, e: &AstExpr) -> Result<Require, RulesError> {
        let expected = || {
            self.error(e.span, format!("expected exactly_one, at_least_one, at_least_one_or(KEY) or at_least(N), found `{}`", self.text(e.span)))
        };
        match &e.kind {
            ExprKind::Path(p) => match p.dotted().as_str() {
                "exactly_one" => Ok(Require::ExactlyOne),
                "at_least_one" => Ok(Require::AtLeastOne),
                _ => Err(expected()),
            },
            ExprKind::Call { callee, args } => match (callee.dotted().as_str(), &args[..]) {
                ("at_least_one_or", [Arg { name: None, value }]) => match &value.kind {
                    ExprKind::Path(p) => Ok(Require::AtLeastOneOr(p.dotted())),
                    _ => Err(expected()),
                },
                ("at_least", [Arg { name: None, value }]) => match &value.kind {
                    ExprKind::Int { value, .. } => u32::try_from(*value)
                        .map(Require::AtLeast)
                        .map_err(|_| expected()),
                    _ => Err(expected()),
                },
                _ => Err(expected()),
            },
            _ => Err(expected()),
        }
    }

    /// `pivot(SOURCE, by = "FIELD", column = "FIELD")`, the one derivation there is.
    fn derive(&self, name: &str, value: &AstExpr, span: Span) -> Result<Derive, RulesError> {
        let expected = || {
            self.error(
                value.span,
                "expected `pivot(KEY, by = \"FIELD\", column = \"FIELD\")`".into(),
            )
        };
        let ExprKind::Call { callee, args } = &value.kind else {
            return Err(expected());
        };
        if callee.dotted() != "pivot" {
            return Err(expected());
        }
        let (mut source, mut by, mut column) = (None, None, None);
        for a in args {
            match (&a.name, &a.value.kind) {
                (None, ExprKind::Path(p)) => source = Some(p.dotted()),
                (Some(n), ExprKind::Str(s)) if &*n.name == "by" => by = s.as_plain(),
                (Some(n), ExprKind::Str(s)) if &*n.name == "column" => column = s.as_plain(),
                _ => return Err(expected()),
            }
        }
        match (source, by, column) {
            (Some(source), Some(by), Some(column)) => Ok(Derive {
                name: name.to_owned(),
                source,
                by,
                column,
                pos: self.pos(span),
            }),
            _ => Err(expected()),
        }
    }

    fn expr(&self, e: &AstExpr) -> Result<Expr, RulesError> {
        Ok(match &e.kind {
            ExprKind::Int { value, .. } => Expr::Lit(Value::from(*value)),
            ExprKind::Float { value, .. } => Expr::Lit(Number::from_f64(*value).map_or(Value::Null, Value::Number)),
            ExprKind::Quantity(_) => return Err(self.error(e.span, format!("expected a plain number, found the quantity `{}` (rule expressions have no units)", self.text(e.span)))),
            ExprKind::Bool(b) => Expr::Lit(Value::Bool(*b)),
            ExprKind::Str(s) => Expr::Lit(Value::String(s.as_plain().ok_or_else(|| self.error(e.span, "expected a plain string, found an interpolation".into()))?)),
            ExprKind::List(xs) => Expr::List(xs.iter().map(|x| self.expr(x)).collect::<Result<_, _>>()?),
            ExprKind::Ints(xs) => Expr::List(xs.values().iter().map(|&x| Expr::Lit(Value::from(x))).collect()),
            ExprKind::Record(fields) => Expr::Record(fields.iter().map(|f| Ok((f.name.name.to_string(), self.expr(&f.value)?))).collect::<Result<_, RulesError>>()?),
            // `null`: Python's `None` (the official checker's state defaults)
            ExprKind::Path(p) if p.segments().len() == 1 && &*p.segments()[0].name == "null" => Expr::Lit(Value::Null),
            ExprKind::Path(p) => {
                let mut segs = p.segments().iter();
                let first = segs.next().map(|s| Expr::Name(s.name.to_string())).ok_or_else(|| self.error(p.span(), "expected a name".into()))?;
                segs.fold(first, |acc, s| Expr::Field(Box::new(acc), s.name.to_string()))
            }
            ExprKind::Call { callee, args } => {
                let lowered = args
                    .iter()
                    .map(|a| match &a.name {
                        None => self.expr(&a.value),
                        Some(n) => Err(self.error(n.span, format!("`{}` takes no named arguments", callee.dotted()))),
                    })
                    .collect::<Result<_, _>>()?;
                Expr::Call(callee.dotted(), lowered)
            }
            ExprKind::Field { base, field } => Expr::Field(Box::new(self.expr(base)?), field.name.to_string()),
            ExprKind::Unary { op: UnaryOp::Neg, operand } => Expr::Neg(Box::new(self.expr(operand)?)),
            ExprKind::Unary { op: UnaryOp::Not, operand } => Expr::Not(Box::new(self.expr(operand)?)),
            ExprKind::Binary { op, lhs, rhs } => self.binary(*op, lhs, rhs)?,
            ExprKind::Has { base, field } => Expr::Has(Box::new(self.expr(base)?), field.name.to_string()),
            ExprKind::If { cond, then, otherwise } => Expr::If(Box::new(self.expr(cond)?), Box::new(self.expr(then)?), Box::new(self.expr(otherwise)?)),
            ExprKind::Paren(inner) => self.expr(inner)?,
        })
    }

    fn binary(&self, op: BinaryOp, lhs: &AstExpr, rhs: &AstExpr) -> Result<Expr, RulesError> {
        let (l, r) = (Box::new(self.expr(lhs)?), Box::new(self.expr(rhs)?));
        let op = match op {
            BinaryOp::In => return Ok(Expr::In(l, r)),
            BinaryOp::NotIn => return Ok(Expr::Not(Box::new(Expr::In(l, r)))),
            BinaryOp::Or => BinOp::Or,
            BinaryOp::And => BinOp::And,
            BinaryOp::Eq => BinOp::Eq,
            BinaryOp::Ne => BinOp::Ne,
            BinaryOp::Lt => BinOp::Lt,
            BinaryOp::Le => BinOp::Le,
            BinaryOp::Gt => BinOp::Gt,
            BinaryOp::Ge => BinOp::Ge,
            BinaryOp::Add => BinOp::Add,
            BinaryOp::Sub => BinOp::Sub,
            BinaryOp::Mul => BinOp::Mul,
            BinaryOp::Div => BinOp::Div,
        };
        Ok(Expr::Binary(op, l, r))
    }
}

/// Every name a key's checks, targets and updates read is a line's (`value`, `metadata`,
/// `time_ms`) or a state variable of the set (`let X`, or a key's `X = ...`): a misspelt name is
/// an error here, not a failed check on every line.
fn check_names(set: &RuleSet) -> Result<(), RulesError> {
    let mut known: Vec<&str> = vec!["value", "metadata", "time_ms"];
    known.extend(set.state.iter().map(|(n, _)| n.as_str()));
    for k in &set.keys {
        known.extend(k.posts.iter().map(|p| p.target.as_str()));
    }
    for k in &set.keys {
        let exprs = k
            .checks
            .iter()
            .chain(&k.targets)
            .map(|c| (&c.expr, &c.pos))
            .chain(k.posts.iter().map(|p| (&p.expr, &p.pos)));
        for (e, pos) in exprs {
            let mut names = Vec::new();
            e.free_names(&mut names);
            if let Some(n) = names.into_iter().find(|n| !known.contains(n)) {
                return Err(RulesError::Syntax {
                    path: pos.file.clone(),
                    line: pos.line,
                    col: pos.col,
                    message: format!("unknown name `{n}`: a rule expression reads `value`, `metadata`, `time_ms` or a state variable of its rule set (`let {n} = ...`)"),
                });
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> RuleSet {
        read_str(FsPath::new("t.run"), text).unwrap().remove(0)
    }

    #[test]
    fn reads_a_rule_set() {
        let set = one(r#"rules "x/closed_gpt3" {
  ruleset = "mlperf-training-4.1"
  when = first(submission_division) == "closed"
  key opt_base_learning_rate {
    require exactly_one
    check value == 2e-5 or value == 3e-5
  }
  key eval_accuracy {
    require at_least_one
    check metadata has epoch_num
    target value > 2.6 and value <= 2.69
  }
}"#);
        assert_eq!(set.name, "x/closed_gpt3");
        assert!(set.when.is_some());
        assert_eq!(set.keys.len(), 2);
        assert_eq!(set.keys[0].checks[0].text, "value == 2e-5 or value == 3e-5");
        assert_eq!(set.keys[1].targets[0].pos.line, 11);
        assert_eq!(set.keys[1].require, Some(Require::AtLeastOne));
    }

    #[test]
    fn reads_state_and_its_updates() {
        let set = one(r#"rules "x" {
  let next = null
  key gbs { next = value * 2 }
  key eval_accuracy {
    check metadata.samples_count == next
    next = if metadata.samples_count == next then next + 1 else next
  }
}"#);
        assert_eq!(set.state, vec![("next".to_owned(), Expr::Lit(Value::Null))]);
        assert_eq!(set.keys[0].posts[0].target, "next");
        assert_eq!(set.keys[0].posts[0].text, "value * 2");
        assert_eq!(set.keys[1].checks.len(), 1);
        assert_eq!(set.keys[1].posts[0].pos.line, 6);
        let err = read_str(
            FsPath::new("s.run"),
            "rules \"x\" {\n  key k { a.b = 1 }\n}",
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            err,
            "s.run:2:11: expected a state variable name, found `a.b`"
        );
        let err = read_str(
            FsPath::new("s.run"),
            "rules \"x\" {\n  let a = 1\n  let a = 2\n}",
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            err,
            "s.run:3:7: state `a` is declared twice in this rule set"
        );
        let err = read_str(
            FsPath::new("s.run"),
            "rules \"x\" {\n  key k { check vlaue > 1 }\n}",
        )
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("s.run:2:17: unknown name `vlaue`"), "{err}");
    }

    #[test]
    fn syntax_errors_name_line_and_expectation() {
        let err = read_str(
            FsPath::new("bad.run"),
            "rules \"x\" {\n  key k {\n    require twice\n  }\n}",
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            err,
            "bad.run:3:13: expected exactly_one, at_least_one, at_least_one_or(KEY) or at_least(N), found `twice`"
        );
        let err = read_str(
            FsPath::new("bad.run"),
            "rules \"x\" {\n  key k { check value == }\n}",
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            err,
            "bad.run:2:26: expected a value (string, number, list, name, ...), found `}`"
        );
    }
}

#[cfg(test)]
mod shipped_rules {
    use super::*;

    /// Every shipped rule file reads, and the package file lists all of them.
    #[test]
    fn every_shipped_rule_file_reads() {
        let dir =
            FsPath::new(env!("CARGO_MANIFEST_DIR")).join("../specs/rules/mlperf-training-4.1");
        let package = read_file(&dir.join("package.run")).unwrap().remove(0);
        let Some(Expr::List(files)) = package.attribute("rule_files") else {
            panic!("package.run has no `rule_files` list");
        };
        assert_eq!(files.len(), 17);
        for f in files {
            let Expr::Lit(Value::String(name)) = f else {
                panic!("{f:?}")
            };
            let sets = read_file(&dir.join(name)).unwrap();
            assert_eq!(sets.len(), 1, "{name}");
            assert!(!sets[0].keys.is_empty(), "{name}");
        }
    }
}

#[cfg(test)]
mod documented {
    use super::*;

    /// The rule-set example of `docs/language.md` lowers, its state and update included.
    #[test]
    fn the_documented_rule_set_lowers() {
        let doc = std::fs::read_to_string(
            FsPath::new(env!("CARGO_MANIFEST_DIR")).join("../docs/language.md"),
        )
        .unwrap();
        let start = doc
            .find("rules \"mlperf-training-4.1/closed_gpt3\" {")
            .expect("the example");
        let end = start + doc[start..].find("\n}\n").unwrap() + 2;
        let set = read_str(FsPath::new("language.md"), &doc[start..end])
            .unwrap()
            .remove(0);
        assert_eq!(set.state.len(), 1);
        assert_eq!(set.keys.len(), 3);
        assert_eq!(set.keys[2].posts[0].target, "next_eval");
    }
}

#[cfg(test)]
mod shape_errors {
    use super::*;

    fn err(text: &str) -> String {
        read_str(FsPath::new("r.run"), text)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn a_rule_file_holds_only_rule_sets_of_keys() {
        assert_eq!(
            err("run \"x\" { }"),
            "r.run:1:1: expected a `rules \"NAME\" { ... }` block"
        );
        assert_eq!(
            err("rules \"x\" {\n  hardware { }\n}"),
            "r.run:2:3: expected `NAME = value`, `let NAME = ...`, `derive NAME = ...` or `key NAME { ... }` in a rule set"
        );
        assert_eq!(
            err("rules \"x\" {\n  key k { check value > 3h }\n}"),
            "r.run:2:25: expected a plain number, found the quantity `3h` (rule expressions have no units)"
        );
        assert_eq!(
            err("rules \"x\" {\n  derive d = sum(eval_accuracy)\n}"),
            "r.run:2:14: expected `pivot(KEY, by = \"FIELD\", column = \"FIELD\")`"
        );
    }
}
