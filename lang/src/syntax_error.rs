//! Turns a pest error into a [`Diagnostic`] that speaks the language of the spec writer:
//! rule names become words ("expected a value (string, number, list, ...)", "expected
//! `}`"), and common mistakes get a `help:` line (unclosed `{`, unterminated string, `=`
//! where `==` was meant, a keyword used as a name).

use pest::error::{ErrorVariant, InputLocation};

use crate::diagnostic::Diagnostic;
use crate::parser::Rule;
use crate::scan::scan;
use crate::span::{FileId, Span};

/// Words that cannot be names.
const RESERVED: &[&str] = &[
    "and", "or", "not", "in", "has", "if", "then", "else", "true", "false",
];

/// What the parser wanted at the error position, in words; grouped and ordered for a
/// stable message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Expected {
    Item,
    Statement,
    Value,
    Name,
    Token(&'static str),
    Operator,
    EndOfFile,
    UnterminatedString,
    Escape,
}

/// `base` is the offset of the parsed piece in `src` (error recovery parses pieces).
pub fn syntax_error(
    file: FileId,
    src: &str,
    base: usize,
    err: &pest::error::Error<Rule>,
) -> Diagnostic {
    let pos = base
        + match err.location {
            InputLocation::Pos(p) => p,
            InputLocation::Span((s, _)) => s,
        };
    // recovery parses a copy with skipped lines blanked; never slice `src` off a boundary
    let pos = floor_char_boundary(src, pos);
    let positives = match &err.variant {
        ErrorVariant::ParsingError { positives, .. } => positives.clone(),
        ErrorVariant::CustomError { .. } => Vec::new(),
    };
    let expected = narrow_after_keyword(describe(&positives), line_before(src, pos));
    let found = found_token(src, pos);
    if src[pos.min(src.len())..].starts_with('\\') && expected.contains(&Expected::Escape) {
        return unknown_escape(file, src, pos);
    }
    if expected.contains(&Expected::UnterminatedString) {
        return unterminated_string(file, src, pos);
    }
    if let Some(d) = spaced_unit(file, src, pos) {
        return d;
    }
    let span = Span::new(file, pos, pos + found.len);
    let mut diag = Diagnostic::error(
        span,
        format!("expected {}, found {}", join(&expected), found.text),
    );
    if let Some((help, label)) = help_for(src, base, pos, &expected, &found) {
        diag.help = Some(help);
        if let Some((at, text)) = label {
            diag = diag.with_label(Span::new(file, at, at + 1), text);
        }
    }
    diag
}

/// After `let`/`source`/`derive`/`sweep` only a binding can follow; drop what the
/// parser also tried because the keyword could have been a field or block name.
fn narrow_after_keyword(mut expected: Vec<Expected>, line: &str) -> Vec<Expected> {
    let Some(first) = line.split_whitespace().next() else {
        return expected;
    };
    if !["let", "source", "derive", "sweep"].contains(&first) {
        return expected;
    }
    expected.retain(|e| !matches!(e, Expected::Token("`{`") | Expected::Token("a string")));
    if line.trim() == first {
        expected = vec![Expected::Name];
    }
    expected
}

fn floor_char_boundary(src: &str, pos: usize) -> usize {
    let mut pos = pos.min(src.len());
    while !src.is_char_boundary(pos) {
        pos -= 1;
    }
    pos
}

fn describe(positives: &[Rule]) -> Vec<Expected> {
    let statement_start = positives.iter().any(|r| {
        matches!(
            r,
            Rule::kw_let | Rule::kw_sweep | Rule::kw_check | Rule::let_stmt | Rule::assign_stmt
        )
    });
    let top_level = positives.iter().any(|r| {
        matches!(
            r,
            Rule::kw_use | Rule::kw_run | Rule::use_decl | Rule::run_decl
        )
    });
    let value = positives.iter().any(|r| {
        matches!(
            r,
            Rule::number | Rule::boolean | Rule::neg_op | Rule::not_op | Rule::kw_if
        ) || is_expression(*r)
    });
    let mut out: Vec<Expected> = positives
        .iter()
        .filter_map(|r| expected_of(*r, statement_start, value))
        .collect();
    if top_level {
        out.retain(|e| !matches!(e, Expected::Statement | Expected::EndOfFile));
        out.push(Expected::Item);
    }
    if out.iter().any(|e| *e != Expected::Operator) {
        out.retain(|e| *e != Expected::Operator);
    }
    out.sort();
    out.dedup();
    out
}

fn expected_of(rule: Rule, statement_start: bool, value: bool) -> Option<Expected> {
    let token = |t| Some(Expected::Token(t));
    match rule {
        Rule::string_close => Some(Expected::UnterminatedString),
        Rule::escape => Some(Expected::Escape),
        Rule::EOI => Some(Expected::EndOfFile),
        Rule::kw_use
        | Rule::kw_run
        | Rule::kw_rules
        | Rule::use_decl
        | Rule::run_decl
        | Rule::rules_decl => Some(Expected::Item),
        _ if statement_start && is_statement_start(rule) => Some(Expected::Statement),
        _ if value && is_value_start(rule) => Some(Expected::Value),
        Rule::lparen | Rule::in_op => Some(Expected::Operator),
        Rule::number | Rule::boolean | Rule::neg_op | Rule::not_op | Rule::kw_if => {
            Some(Expected::Value)
        }
        _ if is_expression(rule) => Some(Expected::Value),
        Rule::ident | Rule::path | Rule::record_field => Some(Expected::Name),
        Rule::string => Some(Expected::Token("a string")),
        Rule::rbrace | Rule::interp_close => token("`}`"),
        Rule::lbrace | Rule::block => token("`{`"),
        Rule::rparen => token("`)`"),
        Rule::rbracket => token("`]`"),
        Rule::lbracket => token("`[`"),
        Rule::comma => token("`,`"),
        Rule::eq => token("`=`"),
        Rule::kw_then => token("`then`"),
        Rule::kw_else => token("`else`"),
        Rule::kw_in => token("`in`"),
        Rule::kw_extends | Rule::extends_clause => token("`extends`"),
        Rule::cmp_op
        | Rule::add_op
        | Rule::mul_op
        | Rule::not_in_op
        | Rule::has_op
        | Rule::kw_and
        | Rule::kw_or
        | Rule::field
        | Rule::call_args
        | Rule::unit_suffix => Some(Expected::Operator),
        _ => None,
    }
}

fn is_statement_start(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::kw_let
            | Rule::kw_sweep
            | Rule::kw_source
            | Rule::kw_derive
            | Rule::kw_require
            | Rule::kw_check
            | Rule::kw_target
            | Rule::let_stmt
            | Rule::sweep_stmt
            | Rule::source_stmt
            | Rule::derive_stmt
            | Rule::require_stmt
            | Rule::check_stmt
            | Rule::target_stmt
            | Rule::assign_stmt
            | Rule::block_stmt
            | Rule::ident
            | Rule::path
    )
}

fn is_expression(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::expr
            | Rule::if_expr
            | Rule::or_expr
            | Rule::and_expr
            | Rule::not_expr
            | Rule::cmp_expr
            | Rule::add_expr
            | Rule::mul_expr
            | Rule::unary
            | Rule::postfix
    )
}

fn is_value_start(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::string
            | Rule::lbracket
            | Rule::lparen
            | Rule::path
            | Rule::ident
            | Rule::list
            | Rule::paren
    )
}

fn words(e: Expected) -> &'static str {
    match e {
        Expected::Item => "a top-level item (`use`, `run`, `rules`, `let`, a field or a block)",
        Expected::Statement => "a statement (a field, a block, `let`, `sweep`, ...)",
        Expected::Value => "a value (string, number, list, name, ...)",
        Expected::Name => "a name",
        Expected::Token(t) => t,
        Expected::Operator => "an operator",
        Expected::EndOfFile => "end of file",
        Expected::UnterminatedString => "`\"`",
        Expected::Escape => "an escape (`\\\"`, `\\\\`, `\\n`, `\\t`, `\\r`, `\\$` or `\\u{...}`)",
    }
}

fn join(expected: &[Expected]) -> String {
    let parts: Vec<&str> = expected.iter().map(|e| words(*e)).collect();
    match parts.as_slice() {
        [] => "something else".to_string(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// The token at the error position, for "found ...".
struct Found {
    text: String,
    /// Bytes covered by the caret.
    len: usize,
    word: Option<String>,
}

fn found_token(src: &str, pos: usize) -> Found {
    let rest = &src[pos.min(src.len())..];
    let Some(c) = rest.chars().next() else {
        return Found {
            text: "end of file".into(),
            len: 0,
            word: None,
        };
    };
    if c.is_ascii_alphanumeric() || c == '_' {
        let word: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '.')
            .collect();
        return Found {
            text: format!("`{word}`"),
            len: word.len(),
            word: Some(word),
        };
    }
    if c == '\n' || c == '\r' {
        return Found {
            text: "end of line".into(),
            len: 0,
            word: None,
        };
    }
    let two = rest.get(..2).unwrap_or("");
    let op = if ["==", "!=", "<=", ">=", "${"].contains(&two) {
        two.to_string()
    } else {
        c.to_string()
    };
    let text = if c == '"' {
        "a string".to_string()
    } else if c.is_control() {
        format!("the character {:?}", c)
    } else {
        format!("`{op}`")
    };
    Found {
        text,
        len: op.len(),
        word: None,
    }
}

type Help = (String, Option<(usize, String)>);

fn help_for(
    src: &str,
    base: usize,
    pos: usize,
    expected: &[Expected],
    found: &Found,
) -> Option<Help> {
    let line = line_before(src, pos);
    if found.text == "`=`"
        && expected.iter().any(|e| {
            matches!(
                e,
                Expected::Statement | Expected::Operator | Expected::Token("`}`")
            )
        })
    {
        let first = line.split_whitespace().next().unwrap_or("");
        if ["check", "target", "when", "require"].contains(&first) || line.contains('=') {
            return Some(("use `==` to compare; `=` only sets a field".into(), None));
        }
    }
    if found.text == "`==`" && expected.contains(&Expected::Token("`=`")) {
        return Some(("use `=` to set a field; `==` compares".into(), None));
    }
    if let Some(word) = &found.word {
        if RESERVED.contains(&word.as_str())
            && expected
                .iter()
                .any(|e| matches!(e, Expected::Name | Expected::Statement))
        {
            return Some((
                format!("`{word}` is a keyword and cannot be used as a name"),
                None,
            ));
        }
        if word == "use" && expected.contains(&Expected::Statement) {
            return Some((
                "`use` is only allowed at the top level of a file".into(),
                None,
            ));
        }
    }
    if ["`<`", "`>`", "`<=`", "`>=`", "`==`", "`!=`"].contains(&found.text.as_str()) {
        let help = "comparisons do not chain; join them with `and`, e.g. `1 < value and value < 3`";
        return Some((help.into(), None));
    }
    if pos >= src.len() {
        return unclosed_bracket(src, base, pos, None);
    }
    for (token, open) in [("`]`", '['), ("`)`", '(')] {
        if expected.contains(&Expected::Token(token)) {
            return unclosed_bracket(src, base, pos, Some(open));
        }
    }
    let value_found = found.text == "a string"
        || found.text.starts_with("`") && found.text[1..].starts_with(|c: char| c.is_ascii_digit());
    if value_found && expected.contains(&Expected::Token("`=`")) {
        return Some((
            "put `=` between a field and its value, e.g. `nodes = 64`".into(),
            None,
        ));
    }
    if found.text == "`;`" {
        return Some((
            "statements are separated by new lines; remove the `;`".into(),
            None,
        ));
    }
    None
}

/// The text of the line up to `pos`.
fn line_before(src: &str, pos: usize) -> &str {
    let pos = pos.min(src.len());
    let start = src[..pos].rfind('\n').map_or(0, |i| i + 1);
    &src[start..pos]
}

/// "this `{` opened at 12:3 is never closed", for the innermost bracket (of kind `only`,
/// if given) still open at `pos` within the piece that starts at `base`. With `only`, the
/// help is given only when the bracket was opened on an earlier line: on the same line the
/// caret already shows the problem.
fn unclosed_bracket(src: &str, base: usize, pos: usize, only: Option<char>) -> Option<Help> {
    let pos = pos.min(src.len());
    let (at, c) = scan(&src[base..pos])
        .unclosed
        .into_iter()
        .rfind(|(_, c)| only.is_none_or(|o| o == *c))?;
    let at = base + at;
    let (line, col) = line_col(src, at);
    if only.is_some() && line == line_col(src, pos).0 {
        return None;
    }
    let help = format!("this `{c}` opened at {line}:{col} is never closed");
    Some((help, Some((at, format!("`{c}` opened here")))))
}

fn line_col(src: &str, at: usize) -> (usize, usize) {
    let before = &src[..at];
    let line = before.matches('\n').count() + 1;
    let col = before[before.rfind('\n').map_or(0, |i| i + 1)..]
        .chars()
        .count()
        + 1;
    (line, col)
}

fn unknown_escape(file: FileId, src: &str, pos: usize) -> Diagnostic {
    let text: String = src[pos..].chars().take(2).collect();
    Diagnostic::error(Span::new(file, pos, pos + text.len()), format!("unknown escape `{text}`"))
        .with_help("known escapes: `\\\"`, `\\\\`, `\\n`, `\\t`, `\\r`, `\\$` and `\\u{...}`; write `\\\\` for a backslash")
}

fn unterminated_string(file: FileId, src: &str, pos: usize) -> Diagnostic {
    let line = line_before(src, pos);
    let line_start = pos.min(src.len()) - line.len();
    let open = opening_quote(line).map(|i| line_start + i);
    let span = match open {
        Some(at) => Span::new(file, at, pos.min(src.len())),
        None => Span::point(file, pos),
    };
    Diagnostic::error(span, "unterminated string")
        .with_span_label("this string has no closing `\"`")
        .with_help(
            "add the closing `\"`; a string cannot span lines (write `\\n` for a line break)",
        )
}

/// Offset of the quote that opens the string still open at the end of `line`.
fn opening_quote(line: &str) -> Option<usize> {
    let mut open = None;
    let mut escaped = false;
    let mut in_interp = 0usize;
    let bytes = line.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match (open, b) {
            (_, _) if escaped => escaped = false,
            (Some(_), b'\\') => escaped = true,
            (Some(_), b'$') if bytes.get(i + 1) == Some(&b'{') => in_interp += 1,
            (Some(_), b'}') if in_interp > 0 => in_interp -= 1,
            (Some(_), b'"') if in_interp == 0 => open = None,
            (None, b'#') => return None,
            (None, b'"') => open = Some(i),
            _ => {}
        }
    }
    open
}

/// `gpu_memory = 141 GB`: the parser reads `141` as the value and `GB` as the start of the next
/// statement, and fails a line later. When the error follows a number, a space and a unit
/// (on the error's line or the one before), the error is about that value instead.
fn spaced_unit(file: FileId, src: &str, pos: usize) -> Option<Diagnostic> {
    let before = &src[..pos.min(src.len())];
    let from = before.rmatch_indices('\n').nth(1).map_or(0, |(i, _)| i + 1);
    let region = &before[from..];
    let bytes = region.as_bytes();
    let mut found = None;
    let mut i = 0;
    while i < bytes.len() {
        let starts_number = bytes[i].is_ascii_digit()
            && (i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_'));
        if !starts_number {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'.') {
            i += 1;
        }
        let number_end = i;
        let number = &region[start..number_end];
        if !number.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
            continue;
        }
        let mut j = i;
        while j < bytes.len() && (bytes[j] == b' ' || bytes[j] == b'\t') {
            j += 1;
        }
        if j == number_end {
            continue;
        }
        let unit_start = j;
        while j < bytes.len() && (bytes[j].is_ascii_alphabetic() || bytes[j] == b'/') {
            j += 1;
        }
        let unit = &region[unit_start..j];
        let word_ends = j == bytes.len() || !(bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_');
        if word_ends && crate::unit::Unit::lookup(unit).is_some() {
            found = Some((from + start, from + j, number.to_string(), unit.to_string()));
        }
    }
    let (start, end, number, unit) = found?;
    Some(
        Diagnostic::error(
            Span::new(file, start, end),
            format!("a unit follows its number without a space: `{number}{unit}`, not `{number} {unit}`"),
        )
        .with_help(format!("write `{number}{unit}`")),
    )
}
