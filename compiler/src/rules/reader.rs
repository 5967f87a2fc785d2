//! Reads rule text (the rule syntax of `docs/design.md`) into [`RuleSet`]s.
//!
//! A small hand-written lexer and precedence-climbing parser, standing in for the `lang`
//! crate's parser until its AST lands (see the module doc of [`crate::rules`]). Newlines are
//! insignificant: an item ends where its expression can no longer continue, and every item
//! starts with a keyword (`key`, `require`, `check`, `target`, `derive`) or `NAME =`.
//! Precedence, loosest first: `if/then/else`, `or`, `and`, `not`, comparisons (`==`, `!=`,
//! `<`, `<=`, `>`, `>=`, `in`, `has`), `+ -`, `* /`, unary `-`, field access and calls.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::error::RulesError;
use super::expr::{BinOp, Expr};
use super::rule_set::{Check, Derive, KeyRule, Require, RuleSet, SourcePos};

/// Reads every `rules` block of the file at `path`.
pub fn read_file(path: &Path) -> Result<Vec<RuleSet>, RulesError> {
    let text = std::fs::read_to_string(path).map_err(|source| RulesError::Io {
        path: path.to_owned(),
        source,
    })?;
    read_str(path, &text)
}

/// Reads every `rules` block of `text`; `path` is used in positions and errors.
pub fn read_str(path: &Path, text: &str) -> Result<Vec<RuleSet>, RulesError> {
    let tokens = lex(path, text)?;
    let mut parser = Parser {
        path: path.to_owned(),
        text,
        tokens,
        at: 0,
    };
    let mut sets = Vec::new();
    while !parser.at_end() {
        sets.push(parser.rule_set()?);
    }
    Ok(sets)
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Num(Value),
    Str(String),
    Punct(&'static str),
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    start: usize,
    end: usize,
}

const PUNCTS: [&str; 19] = [
    "==", "!=", "<=", ">=", "<", ">", "=", "{", "}", "(", ")", "[", "]", ",", ".", "+", "-", "*",
    "/",
];

fn lex(path: &Path, text: &str) -> Result<Vec<Token>, RulesError> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if c == b'#' {
            while i < bytes.len() && bytes[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        let tok = if c.is_ascii_alphabetic() || c == b'_' {
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            Tok::Ident(text[start..i].to_owned())
        } else if c.is_ascii_digit() {
            i = number_end(bytes, i);
            let lit = &text[start..i];
            let num = serde_json::from_str::<Value>(lit)
                .or_else(|_| serde_json::from_str::<Value>(&normalize_number(lit)))
                .map_err(|_| syntax(path, text, start, format!("malformed number `{lit}`")))?;
            Tok::Num(num)
        } else if c == b'"' {
            i += 1;
            while i < bytes.len() && bytes[i] != b'"' {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
            if i >= bytes.len() {
                return Err(syntax(path, text, start, "unterminated string".into()));
            }
            i += 1;
            let s = serde_json::from_str::<String>(&text[start..i])
                .map_err(|_| syntax(path, text, start, "malformed string escape".into()))?;
            Tok::Str(s)
        } else if let Some(p) = PUNCTS.iter().find(|p| text[i..].starts_with(**p)) {
            i += p.len();
            Tok::Punct(p)
        } else {
            return Err(syntax(
                path,
                text,
                start,
                format!("unexpected character `{}`", c as char),
            ));
        };
        out.push(Token { tok, start, end: i });
    }
    Ok(out)
}

fn number_end(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() {
        let c = bytes[i];
        let exp_sign = (c == b'+' || c == b'-') && matches!(bytes[i - 1], b'e' | b'E');
        if c.is_ascii_digit() || c == b'.' || c == b'e' || c == b'E' || c == b'_' || exp_sign {
            i += 1;
        } else {
            break;
        }
    }
    i
}

/// `2e-5` is not JSON (JSON needs a digit before `e`, which it has) but `1.` and `_` are not:
/// strip underscores and give a bare trailing dot a zero.
fn normalize_number(lit: &str) -> String {
    let s = lit.replace('_', "");
    if s.ends_with('.') {
        format!("{s}0")
    } else {
        s
    }
}

fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() as u32 + 1;
    let col = (offset - before.rfind('\n').map_or(0, |p| p + 1)) as u32 + 1;
    (line, col)
}

fn syntax(path: &Path, text: &str, offset: usize, message: String) -> RulesError {
    let (line, col) = line_col(text, offset);
    RulesError::Syntax {
        path: path.to_owned(),
        line,
        col,
        message,
    }
}

struct Parser<'a> {
    path: PathBuf,
    text: &'a str,
    tokens: Vec<Token>,
    at: usize,
}

impl Parser<'_> {
    fn at_end(&self) -> bool {
        self.at >= self.tokens.len()
    }

    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.at).map(|t| &t.tok)
    }

    fn offset(&self) -> usize {
        self.tokens
            .get(self.at)
            .map_or(self.text.len(), |t| t.start)
    }

    fn pos(&self) -> SourcePos {
        let (line, col) = line_col(self.text, self.offset());
        SourcePos {
            file: self.path.clone(),
            line,
            col,
        }
    }

    fn error(&self, expected: &str) -> RulesError {
        let found = match self.peek() {
            None => "end of file".to_owned(),
            Some(Tok::Ident(s)) => format!("`{s}`"),
            Some(Tok::Num(n)) => format!("`{n}`"),
            Some(Tok::Str(s)) => format!("\"{s}\""),
            Some(Tok::Punct(p)) => format!("`{p}`"),
        };
        syntax(
            &self.path,
            self.text,
            self.offset(),
            format!("expected {expected}, found {found}"),
        )
    }

    fn eat_punct(&mut self, p: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Punct(q)) if *q == p) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn expect_punct(&mut self, p: &str) -> Result<(), RulesError> {
        if self.eat_punct(p) {
            Ok(())
        } else {
            Err(self.error(&format!("`{p}`")))
        }
    }

    fn eat_word(&mut self, w: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Ident(s)) if s == w) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn ident(&mut self, what: &str) -> Result<String, RulesError> {
        match self.peek() {
            Some(Tok::Ident(s)) => {
                let s = s.clone();
                self.at += 1;
                Ok(s)
            }
            _ => Err(self.error(what)),
        }
    }

    fn string(&mut self, what: &str) -> Result<String, RulesError> {
        match self.peek() {
            Some(Tok::Str(s)) => {
                let s = s.clone();
                self.at += 1;
                Ok(s)
            }
            _ => Err(self.error(what)),
        }
    }

    fn rule_set(&mut self) -> Result<RuleSet, RulesError> {
        let pos = self.pos();
        if !self.eat_word("rules") {
            return Err(self.error("`rules`"));
        }
        let name = self.string("the rule set's name in quotes")?;
        self.expect_punct("{")?;
        let mut set = RuleSet {
            name,
            attributes: Vec::new(),
            when: None,
            derives: Vec::new(),
            keys: Vec::new(),
            pos,
        };
        while !self.eat_punct("}") {
            self.rule_set_item(&mut set)?;
        }
        Ok(set)
    }

    fn rule_set_item(&mut self, set: &mut RuleSet) -> Result<(), RulesError> {
        if self.eat_word("key") {
            set.keys.push(self.key_rule()?);
        } else if self.eat_word("derive") {
            set.derives.push(self.derive()?);
        } else {
            let name = self.ident("`key`, `derive` or `NAME = value`")?;
            self.expect_punct("=")?;
            let value = self.expr()?;
            if name == "when" {
                set.when = Some(value);
            } else {
                set.attributes.push((name, value));
            }
        }
        Ok(())
    }

    fn key_rule(&mut self) -> Result<KeyRule, RulesError> {
        let pos = self.pos();
        let key = self.ident("a log key name")?;
        self.expect_punct("{")?;
        let mut rule = KeyRule {
            key,
            require: None,
            checks: Vec::new(),
            targets: Vec::new(),
            pos,
        };
        while !self.eat_punct("}") {
            if self.eat_word("require") {
                rule.require = Some(self.require()?);
            } else if self.eat_word("check") {
                rule.checks.push(self.check()?);
            } else if self.eat_word("target") {
                rule.targets.push(self.check()?);
            } else {
                return Err(self.error("`require`, `check`, `target` or `}`"));
            }
        }
        Ok(rule)
    }

    /// `NAME = pivot(SOURCE, by = "FIELD", column = "FIELD")`, the one derivation there is.
    fn derive(&mut self) -> Result<Derive, RulesError> {
        let pos = self.pos();
        let name = self.ident("a derived key name")?;
        self.expect_punct("=")?;
        if !self.eat_word("pivot") {
            return Err(self.error("`pivot(KEY, by = \"FIELD\", column = \"FIELD\")`"));
        }
        self.expect_punct("(")?;
        let source = self.ident("the log key to pivot")?;
        let mut by = None;
        let mut column = None;
        while self.eat_punct(",") {
            let arg = self.ident("`by` or `column`")?;
            self.expect_punct("=")?;
            let value = self.string("a metadata field name in quotes")?;
            match arg.as_str() {
                "by" => by = Some(value),
                "column" => column = Some(value),
                _ => {
                    self.at -= 3;
                    return Err(self.error("`by` or `column`"));
                }
            }
        }
        self.expect_punct(")")?;
        match (by, column) {
            (Some(by), Some(column)) => Ok(Derive {
                name,
                source,
                by,
                column,
                pos,
            }),
            _ => Err(self.error("both `by = ...` and `column = ...` in `pivot(...)`")),
        }
    }

    fn require(&mut self) -> Result<Require, RulesError> {
        let word = self.ident("exactly_one, at_least_one, at_least_one_or(KEY) or at_least(N)")?;
        match word.as_str() {
            "exactly_one" => Ok(Require::ExactlyOne),
            "at_least_one" => Ok(Require::AtLeastOne),
            "at_least_one_or" => {
                self.expect_punct("(")?;
                let other = self.ident("a log key name")?;
                self.expect_punct(")")?;
                Ok(Require::AtLeastOneOr(other))
            }
            "at_least" => {
                self.expect_punct("(")?;
                let n = match self.peek() {
                    Some(Tok::Num(Value::Number(n))) => {
                        n.as_u64().and_then(|n| u32::try_from(n).ok())
                    }
                    _ => None,
                };
                let n = n.ok_or_else(|| self.error("a whole number of occurrences"))?;
                self.at += 1;
                self.expect_punct(")")?;
                Ok(Require::AtLeast(n))
            }
            _ => {
                self.at -= 1;
                Err(self.error("exactly_one, at_least_one, at_least_one_or(KEY) or at_least(N)"))
            }
        }
    }

    fn check(&mut self) -> Result<Check, RulesError> {
        let pos = self.pos();
        let start = self.offset();
        let expr = self.expr()?;
        let end = self.tokens[self.at - 1].end;
        Ok(Check {
            expr,
            text: self.text[start..end].to_owned(),
            pos,
        })
    }

    fn expr(&mut self) -> Result<Expr, RulesError> {
        if self.eat_word("if") {
            let c = self.expr()?;
            if !self.eat_word("then") {
                return Err(self.error("`then`"));
            }
            let a = self.expr()?;
            if !self.eat_word("else") {
                return Err(self.error("`else`"));
            }
            let b = self.expr()?;
            return Ok(Expr::If(Box::new(c), Box::new(a), Box::new(b)));
        }
        self.or_expr()
    }

    fn or_expr(&mut self) -> Result<Expr, RulesError> {
        let mut left = self.and_expr()?;
        while self.eat_word("or") {
            left = Expr::Binary(BinOp::Or, Box::new(left), Box::new(self.and_expr()?));
        }
        Ok(left)
    }

    fn and_expr(&mut self) -> Result<Expr, RulesError> {
        let mut left = self.not_expr()?;
        while self.eat_word("and") {
            left = Expr::Binary(BinOp::And, Box::new(left), Box::new(self.not_expr()?));
        }
        Ok(left)
    }

    fn not_expr(&mut self) -> Result<Expr, RulesError> {
        if self.eat_word("not") {
            return Ok(Expr::Not(Box::new(self.not_expr()?)));
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Expr, RulesError> {
        let left = self.sum()?;
        if self.eat_word("in") {
            return Ok(Expr::In(Box::new(left), Box::new(self.sum()?)));
        }
        if self.eat_word("has") {
            let field = self.ident("a field name after `has`")?;
            return Ok(Expr::Has(Box::new(left), field));
        }
        let ops = [
            ("==", BinOp::Eq),
            ("!=", BinOp::Ne),
            ("<=", BinOp::Le),
            (">=", BinOp::Ge),
            ("<", BinOp::Lt),
            (">", BinOp::Gt),
        ];
        for (p, op) in ops {
            if self.eat_punct(p) {
                return Ok(Expr::Binary(op, Box::new(left), Box::new(self.sum()?)));
            }
        }
        Ok(left)
    }

    fn sum(&mut self) -> Result<Expr, RulesError> {
        let mut left = self.product()?;
        loop {
            let op = if self.eat_punct("+") {
                BinOp::Add
            } else if self.eat_punct("-") {
                BinOp::Sub
            } else {
                return Ok(left);
            };
            left = Expr::Binary(op, Box::new(left), Box::new(self.product()?));
        }
    }

    fn product(&mut self) -> Result<Expr, RulesError> {
        let mut left = self.unary()?;
        loop {
            let op = if self.eat_punct("*") {
                BinOp::Mul
            } else if self.eat_punct("/") {
                BinOp::Div
            } else {
                return Ok(left);
            };
            left = Expr::Binary(op, Box::new(left), Box::new(self.unary()?));
        }
    }

    fn unary(&mut self) -> Result<Expr, RulesError> {
        if self.eat_punct("-") {
            return Ok(Expr::Neg(Box::new(self.unary()?)));
        }
        self.postfix()
    }

    fn postfix(&mut self) -> Result<Expr, RulesError> {
        let mut e = self.primary()?;
        while self.eat_punct(".") {
            e = Expr::Field(Box::new(e), self.ident("a field name after `.`")?);
        }
        Ok(e)
    }

    fn primary(&mut self) -> Result<Expr, RulesError> {
        let tok = self
            .peek()
            .cloned()
            .ok_or_else(|| self.error("an expression"))?;
        self.at += 1;
        match tok {
            Tok::Num(n) => Ok(Expr::Lit(n)),
            Tok::Str(s) => Ok(Expr::Lit(Value::String(s))),
            Tok::Ident(w) if w == "true" || w == "false" => Ok(Expr::Lit(Value::Bool(w == "true"))),
            Tok::Ident(w) if is_reserved(&w) => {
                self.at -= 1;
                Err(self.error("an expression"))
            }
            Tok::Ident(w) if self.eat_punct("(") => Ok(Expr::Call(w, self.call_args()?)),
            Tok::Ident(w) => Ok(Expr::Name(w)),
            Tok::Punct("(") => {
                let e = self.expr()?;
                self.expect_punct(")")?;
                Ok(e)
            }
            Tok::Punct("[") => Ok(Expr::List(self.list_items()?)),
            Tok::Punct("{") => Ok(Expr::Record(self.record_fields()?)),
            Tok::Punct(_) => {
                self.at -= 1;
                Err(self.error("an expression"))
            }
        }
    }

    fn call_args(&mut self) -> Result<Vec<Expr>, RulesError> {
        let mut args = Vec::new();
        while !self.eat_punct(")") {
            args.push(self.expr()?);
            if !self.eat_punct(",") {
                self.expect_punct(")")?;
                break;
            }
        }
        Ok(args)
    }

    fn list_items(&mut self) -> Result<Vec<Expr>, RulesError> {
        let mut items = Vec::new();
        while !self.eat_punct("]") {
            items.push(self.expr()?);
            if !self.eat_punct(",") {
                self.expect_punct("]")?;
                break;
            }
        }
        Ok(items)
    }

    fn record_fields(&mut self) -> Result<Vec<(String, Expr)>, RulesError> {
        let mut fields = Vec::new();
        while !self.eat_punct("}") {
            let name = match self.peek() {
                Some(Tok::Str(_)) => self.string("a field name")?,
                _ => self.ident("a field name")?,
            };
            self.expect_punct("=")?;
            fields.push((name, self.expr()?));
            self.eat_punct(",");
        }
        Ok(fields)
    }
}

fn is_reserved(w: &str) -> bool {
    matches!(
        w,
        "and"
            | "or"
            | "not"
            | "in"
            | "has"
            | "if"
            | "then"
            | "else"
            | "key"
            | "check"
            | "target"
            | "require"
            | "derive"
            | "rules"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> RuleSet {
        read_str(Path::new("t.run"), text).unwrap().remove(0)
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
    fn syntax_errors_name_line_and_expectation() {
        let err = read_str(
            Path::new("bad.run"),
            "rules \"x\" {\n  key k {\n    require twice\n  }\n}",
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            err,
            "bad.run:3:13: expected exactly_one, at_least_one, at_least_one_or(KEY) or at_least(N), found `twice`"
        );
        let err = read_str(
            Path::new("bad.run"),
            "rules \"x\" {\n  key k { check value == }\n}",
        )
        .unwrap_err()
        .to_string();
        assert_eq!(err, "bad.run:2:26: expected an expression, found `}`");
    }
}

#[cfg(test)]
mod shipped_rules {
    use super::*;

    /// Every shipped rule file reads, and the package file lists all of them.
    #[test]
    fn every_shipped_rule_file_reads() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/rules/mlperf-training-4.1");
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
