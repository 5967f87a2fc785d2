//! `parse`: text to [`Module`], with every syntax error of the file at once.
//!
//! Steps: [`scan`](crate::scan) rejects too-deep nesting (so pest cannot exhaust the
//! stack); a valid file is parsed in pieces ([`Chunker`]), anything else by pest as a
//! whole file; on success the [`Builder`] makes the tree and
//! collects lexical errors (units, escapes, numbers). On a syntax error the file is split
//! at lines that start a top-level item and each piece is parsed alone, so that
//! independent mistakes in different items are all reported.

use pest::Parser as _;

use crate::ast::Module;
use crate::builder::Builder;
use crate::chunked::Chunker;
use crate::diagnostic::Diagnostic;
use crate::scan::{scan, Scan, MAX_NESTING};
use crate::span::{FileId, Span};
use crate::syntax_error::syntax_error;

#[derive(pest_derive::Parser)]
#[grammar = "grammar.pest"]
pub struct Grammar;

/// Parse one file. `file` is only stored in spans; the caller owns the
/// [`SourceMap`](crate::SourceMap) needed to render the diagnostics.
pub fn parse(file: FileId, src: &str) -> Result<Module, Vec<Diagnostic>> {
    let scanned = scan(src);
    if let Some(at) = scanned.too_deep {
        return Err(vec![too_deep(file, at)]);
    }
    if src.len() > u32::MAX as usize {
        let end = src.len().min(u32::MAX as usize);
        return Err(vec![Diagnostic::error(
            Span::point(file, end),
            "file is too large (the limit is 4 GiB)",
        )]);
    }
    // A valid file is parsed in pieces (memory follows the largest piece); anything else
    // goes through the whole-file parse below, which makes every diagnostic.
    if let Some(module) = Chunker::new(file, src, &scanned.comments).module() {
        return Ok(module);
    }
    whole(file, src, &scanned)
}

/// The whole file through pest at once, and error recovery when that fails.
pub(crate) fn whole(file: FileId, src: &str, scanned: &Scan) -> Result<Module, Vec<Diagnostic>> {
    match Grammar::parse(Rule::file, src) {
        Ok(mut pairs) => {
            let mut builder = Builder::new(file, src, &scanned.comments, 0);
            let module = builder.module(pairs.next().expect("pest: one `file` pair"));
            if builder.errors.is_empty() {
                Ok(module)
            } else {
                Err(builder.errors)
            }
        }
        Err(first) => Err(recover(file, src, scanned, first)),
    }
}

fn too_deep(file: FileId, at: usize) -> Diagnostic {
    Diagnostic::error(
        Span::new(file, at, at + 1),
        format!("nesting is too deep (more than {MAX_NESTING} levels)"),
    )
    .with_help("flatten the expression, e.g. with `let` bindings")
}

/// Parse each top-level piece on its own and collect every error. Falls back to the
/// whole-file error if the pieces happen to parse (the split was wrong).
fn recover(
    file: FileId,
    src: &str,
    scanned: &Scan,
    whole: pest::error::Error<Rule>,
) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    let mut syntax_errors = 0;
    let starts = item_starts(src, scanned);
    for (i, &start) in starts.iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(src.len());
        syntax_errors += recover_piece(file, src, scanned, start, end, &mut errors);
    }
    if syntax_errors == 0 {
        errors.insert(0, syntax_error(file, src, 0, &whole));
    }
    errors
}

/// Most syntax errors reported for one top-level item.
const MAX_ERRORS_PER_ITEM: usize = 10;

/// Parse `src[start..end]`; after a syntax error on a line that is a whole statement
/// (brackets balanced, not inside a list or call), blank that line and parse again, so
/// that independent mistakes inside one block are reported together. Stops where going
/// on would only report consequences of the first error. Returns the syntax error count.
fn recover_piece(
    file: FileId,
    src: &str,
    scanned: &Scan,
    start: usize,
    end: usize,
    errors: &mut Vec<Diagnostic>,
) -> usize {
    let mut piece = src[start..end].to_string();
    let mut count = 0;
    while count < MAX_ERRORS_PER_ITEM {
        let e = match Grammar::parse(Rule::file, &piece) {
            Ok(mut pairs) => {
                let mut builder = Builder::new(file, src, &scanned.comments, start);
                builder.module(pairs.next().expect("pest: one `file` pair"));
                errors.extend(builder.errors);
                break;
            }
            Err(e) => e,
        };
        let pos = match e.location {
            pest::error::InputLocation::Pos(p) => p,
            pest::error::InputLocation::Span((p, _)) => p,
        };
        // after a skipped line, an error at a lone `}` means that line was the tail of
        // a statement that began earlier: a consequence, not a new mistake
        if count > 0 && only_closers(line_of(&piece, pos)) {
            break;
        }
        count += 1;
        errors.push(syntax_error(file, src, start, &e));
        if !blank_statement_line(&mut piece, pos) {
            break;
        }
    }
    count
}

fn line_of(text: &str, pos: usize) -> &str {
    let pos = pos.min(text.len());
    let start = text[..pos].rfind('\n').map_or(0, |i| i + 1);
    let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
    &text[start..end]
}

fn only_closers(line: &str) -> bool {
    line.trim()
        .chars()
        .all(|c| matches!(c, '}' | ')' | ']' | ' ' | '\t' | '\r'))
}

/// Replace the line holding `pos` with spaces (offsets stay valid), if it is safe to
/// skip: the line has balanced brackets and the text before it only has `{` open.
fn blank_statement_line(piece: &mut String, pos: usize) -> bool {
    let pos = pos.min(piece.len());
    let line_start = piece[..pos].rfind('\n').map_or(0, |i| i + 1);
    let line_end = piece[pos..].find('\n').map_or(piece.len(), |i| pos + i);
    let line = &piece[line_start..line_end];
    let before = scan(&piece[..line_start]);
    let safe = !line.trim().is_empty()
        && scan(line).is_balanced()
        && before.unclosed.iter().all(|(_, c)| *c == '{');
    if safe {
        let blank = " ".repeat(line.len());
        piece.replace_range(line_start..line_end, &blank);
    }
    safe
}

/// Offsets where a top-level item starts: a line starting in column 1 with a letter,
/// either outside any bracket or with a keyword that is only valid at top level.
fn item_starts(src: &str, scanned: &Scan) -> Vec<usize> {
    let mut starts = vec![0];
    let mut line_start = 0;
    for line in src.split_inclusive('\n') {
        let at = line_start;
        line_start += line.len();
        if at == 0 || !line.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        let top = scanned.top_level_lines.binary_search(&at).is_ok();
        let keyword = ["use ", "run ", "rules ", "use\"", "run\"", "rules\""]
            .iter()
            .any(|k| line.starts_with(k));
        if top || keyword {
            starts.push(at);
        }
    }
    starts
}
