//! Literals: numbers (with units), strings with escapes and interpolation.

use crate::ast::*;
use crate::builder::{first, inner, placeholder, Builder, P};
use crate::diagnostic::Diagnostic;
use crate::parser::Rule;
use crate::quantity::{Quantity, QuantityError};
use crate::span::Span;
use crate::unit::{Unit, UNITS};

impl Builder<'_> {
    pub(crate) fn number(&mut self, pair: P<'_>) -> Expr {
        let span = self.span(&pair);
        let lexeme = pair.as_str();
        let mut it = inner(pair);
        let body = it.next().expect("grammar: number body");
        match it.next() {
            Some(unit) => self.quantity(body.as_str(), unit, span),
            None => self.plain_number(lexeme, span),
        }
    }

    fn plain_number(&mut self, text: &str, span: Span) -> Expr {
        let lexeme = Lexeme::new(text);
        let is_float = lexeme.contains(['.', 'e', 'E']);
        if !is_float {
            if let Ok(value) = lexeme.parse::<i64>() {
                return Expr::new(ExprKind::Int { value, lexeme }, span);
            }
            self.errors.push(Diagnostic::error(
                span,
                format!(
                    "integer `{lexeme}` is too large (the limit is {})",
                    i64::MAX
                ),
            ));
            return Expr::new(ExprKind::Int { value: 0, lexeme }, span);
        }
        let value = lexeme.parse::<f64>().unwrap_or(f64::INFINITY);
        if !value.is_finite() {
            self.errors.push(Diagnostic::error(
                span,
                format!("number `{lexeme}` is out of range"),
            ));
        }
        Expr::new(ExprKind::Float { value, lexeme }, span)
    }

    fn quantity(&mut self, number: &str, unit: P<'_>, span: Span) -> Expr {
        let suffix = unit.as_str();
        match Quantity::parse(number, suffix) {
            Ok(q) => Expr::new(ExprKind::Quantity(Box::new(q)), span),
            Err(QuantityError::UnknownUnit(_)) => {
                let help = match Unit::suggest(suffix) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("known units: {}", known_units()),
                };
                let diag = Diagnostic::error(self.span(&unit), format!("unknown unit `{suffix}`"))
                    .with_help(help);
                self.errors.push(diag);
                placeholder(span)
            }
            Err(e @ QuantityError::OutOfRange(_)) => {
                self.errors.push(Diagnostic::error(span, e.to_string()));
                placeholder(span)
            }
        }
    }

    pub fn string(&mut self, pair: P<'_>) -> StringLit {
        let span = self.span(&pair);
        let mut parts: Vec<Part> = Vec::new();
        for p in inner(pair) {
            let part = match p.as_rule() {
                Rule::string_text => Part::Text(p.as_str().to_string()),
                Rule::escape => Part::Text(self.escape(p)),
                _ => Part::Interp(self.expr(first(p))),
            };
            push_part(&mut parts, part);
        }
        let parts = parts
            .into_iter()
            .map(|p| match p {
                Part::Text(t) => StrPart::Text(t.into_boxed_str()),
                Part::Interp(e) => StrPart::Interp(Box::new(e)),
            })
            .collect();
        StringLit { parts, span }
    }

    fn escape(&mut self, pair: P<'_>) -> String {
        let text = pair.as_str();
        let c = match &text[1..] {
            "n" => '\n',
            "t" => '\t',
            "r" => '\r',
            "\"" => '"',
            "\\" => '\\',
            "$" => '$',
            hex => {
                let digits = hex.trim_start_matches("u{").trim_end_matches('}');
                match u32::from_str_radix(digits, 16)
                    .ok()
                    .and_then(char::from_u32)
                {
                    Some(c) => c,
                    None => {
                        self.errors.push(
                            Diagnostic::error(
                                self.span(&pair),
                                format!("invalid unicode escape `{text}`"),
                            )
                            .with_help("use a Unicode scalar value, e.g. `\\u{e9}`"),
                        );
                        char::REPLACEMENT_CHARACTER
                    }
                }
            }
        };
        c.to_string()
    }

    pub(crate) fn plain_string(&mut self, pair: P<'_>, what: &str) -> Str {
        let lit = self.string(pair);
        let value = lit.as_plain().unwrap_or_else(|| {
            self.errors.push(
                Diagnostic::error(lit.span, format!("interpolation is not allowed in {what}"))
                    .with_help("write the text literally, or escape the `$` as `\\$`"),
            );
            String::new()
        });
        Str {
            value,
            span: lit.span,
        }
    }
}

/// A [`StrPart`] while its string is read: text still grows.
enum Part {
    Text(String),
    Interp(Expr),
}

/// Merge adjacent text so that equal strings have equal parts.
fn push_part(parts: &mut Vec<Part>, part: Part) {
    if let (Some(Part::Text(last)), Part::Text(text)) = (parts.last_mut(), &part) {
        last.push_str(text);
        return;
    }
    parts.push(part);
}

fn known_units() -> String {
    let names: Vec<String> = UNITS.iter().map(|u| format!("`{}`", u.suffix)).collect();
    names.join(", ")
}
