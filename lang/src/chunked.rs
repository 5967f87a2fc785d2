//! A valid file parsed in pieces, so that memory follows the largest statement (or list
//! item), not the file.
//!
//! pest returns the parse tree of a whole rule as one token queue, about ten entries per
//! expression (each precedence level is a rule) of some 40 bytes each: a 10 MB spec costs
//! gigabytes before a single AST node exists. [`Chunker`] walks the outer structure of the
//! grammar itself (items, blocks and their statements, and a list literal that is the
//! whole value of an assignment), and hands everything else to pest one piece at a time,
//! with the grammar's own rules (`use_decl`, `let_stmt`, `path`, `expr`, ...): a PEG rule
//! matches the same text at a position whatever surrounds it, so every piece parses exactly
//! as it would inside the whole file, and the builder trims spans against the whole text.
//!
//! A rule that fails costs time in proportion to the rest of the file (pest's error finds
//! its line by scanning back from the end of the input), so rules are only tried where a
//! cheap look at the next characters says they can match, and after [`MAX_FAILURES`]
//! failed tries the walk gives up, so that no input makes it quadratic.
//!
//! It only ever answers for a valid file: wherever the walk is unsure (anything that is not
//! a plain block or list, an ambiguous token after a list) it asks pest for the whole
//! statement, and on any failure or builder error it gives up (`None`), and
//! [`parse`](crate::parse) parses the whole file again as before, so every diagnostic comes
//! from exactly the same code path as before. `tests/chunked.rs` checks that both parses give
//! equal trees for every spec in the repository.

use pest::Parser as _;

use crate::ast::int_list::{digits, int_item};
use crate::ast::*;
use crate::builder::{Builder, P};
use crate::parser::{Grammar, Rule};
use crate::scan::Comment;
use crate::span::FileId;

/// Failed pest calls before the walk leaves the file to the whole-file parse.
const MAX_FAILURES: usize = 64;

/// Items a file, block or list holds before its vector is given room for all the rest at once
/// (see [`reserve_rest`]).
const RESERVE_AFTER: usize = 1 << 16;

/// Keyword statements, in the grammar's order of `stmt` alternatives (before
/// `assign_stmt` and `block_stmt`).
const KEYWORD_STMTS: [(&str, Rule); 7] = [
    ("let", Rule::let_stmt),
    ("sweep", Rule::sweep_stmt),
    ("source", Rule::source_stmt),
    ("derive", Rule::derive_stmt),
    ("require", Rule::require_stmt),
    ("check", Rule::check_stmt),
    ("target", Rule::target_stmt),
];

/// Words that can continue an expression, so a list followed by one is left to pest.
const CONTINUING_WORDS: [&str; 10] = [
    "and", "or", "not", "in", "has", "if", "then", "else", "true", "false",
];

/// Walks a file's items, blocks and lists; see the module documentation.
pub(crate) struct Chunker<'s> {
    src: &'s str,
    builder: Builder<'s>,
    /// Failed pest calls so far, see [`MAX_FAILURES`].
    failures: usize,
}

impl<'s> Chunker<'s> {
    pub fn new(file: FileId, src: &'s str, comments: &[Comment]) -> Chunker<'s> {
        Chunker {
            src,
            builder: Builder::new(file, src, comments, 0),
            failures: 0,
        }
    }

    /// The module, or `None` when the file is not valid (or the walk was unsure).
    pub fn module(mut self) -> Option<Module> {
        let mut items = Vec::new();
        let mut pos = self.trivia(0);
        while pos < self.src.len() {
            let (item, end) = self.item(pos)?;
            reserve_rest(&mut items, || count(&self.src[pos..], b'\n'));
            items.push(item);
            pos = self.trivia(end);
        }
        if !self.builder.errors.is_empty() || self.failures > MAX_FAILURES {
            return None;
        }
        Some(Module {
            file: self.builder.file,
            items,
            span: self.builder.span_at(0, self.src.len()),
        })
    }

    /// Skips `WHITESPACE` and `COMMENT` as the grammar defines them.
    fn trivia(&self, mut pos: usize) -> usize {
        loop {
            let rest = &self.src[pos..];
            if rest.starts_with([' ', '\t', '\r', '\n']) {
                pos += 1;
            } else if rest.starts_with('\u{FEFF}') {
                pos += '\u{FEFF}'.len_utf8();
            } else if rest.starts_with('#') {
                pos += rest.find('\n').unwrap_or(rest.len());
            } else {
                return pos;
            }
        }
    }

    /// One grammar rule matched at `pos`: its pair, with the builder's base set to `pos`.
    fn one(&mut self, rule: Rule, pos: usize) -> Option<(P<'s>, usize)> {
        if self.failures > MAX_FAILURES {
            return None;
        }
        let Ok(mut pairs) = Grammar::parse(rule, &self.src[pos..]) else {
            self.failures += 1;
            return None;
        };
        let pair = pairs.next()?;
        let end = pos + pair.as_span().end();
        self.builder.base = pos;
        Some((pair, end))
    }

    fn at(&self, pos: usize, c: char) -> bool {
        self.src[pos..].starts_with(c)
    }

    /// The keyword `word` (not followed by an identifier character) at `pos`.
    fn word(&self, pos: usize, word: &str) -> bool {
        self.src[pos..]
            .strip_prefix(word)
            .is_some_and(|after| !after.starts_with(is_ident_char))
    }

    /// An identifier can start at `pos`.
    fn ident_start(&self, pos: usize) -> bool {
        self.src[pos..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
    }

    /// `item = _{ use_decl | run_decl | rules_decl | stmt }`
    fn item(&mut self, pos: usize) -> Option<(Item, usize)> {
        if self.word(pos, "use") {
            let (pair, end) = self.one(Rule::use_decl, pos)?;
            return Some((self.builder.item(pair), end));
        }
        if self.word(pos, "run") {
            return self
                .run(pos, pos + "run".len())
                .map(|(run, end)| (Item::Run(Box::new(run)), end));
        }
        if self.word(pos, "rules") {
            let end = pos + "rules".len();
            let (pair, end) = self.one(Rule::string, self.trivia(end))?;
            let name = self.builder.plain_string(pair, "a rule set name");
            let (body, end) = self.block(self.trivia(end))?;
            let span = self.builder.span_at(pos, end);
            return Some((Item::Rules(Box::new(Rules { name, body, span })), end));
        }
        self.stmt(pos).map(|(stmt, end)| (Item::Stmt(stmt), end))
    }

    /// `run_decl = { kw_run ~ string ~ extends_clause? ~ block }`, after `kw_run`.
    fn run(&mut self, start: usize, pos: usize) -> Option<(Run, usize)> {
        let (pair, end) = self.one(Rule::string, self.trivia(pos))?;
        let name = self.builder.string(pair);
        let mut pos = self.trivia(end);
        let mut extends = None;
        if self.word(pos, "extends") {
            let (pair, end) = self.one(Rule::extends_clause, pos)?;
            let target = crate::builder::first(pair);
            extends = Some(self.builder.plain_string(target, "an `extends` target"));
            pos = self.trivia(end);
        }
        let (body, end) = self.block(pos)?;
        let span = self.builder.span_at(start, end);
        Some((
            Run {
                name,
                extends,
                body,
                span,
            },
            end,
        ))
    }

    /// `block = { lbrace ~ stmt* ~ rbrace }`
    fn block(&mut self, start: usize) -> Option<(Block, usize)> {
        if !self.at(start, '{') {
            return None;
        }
        let mut stmts = Vec::new();
        let mut pos = self.trivia(start + 1);
        while !self.at(pos, '}') {
            if pos >= self.src.len() {
                return None;
            }
            let (stmt, end) = self.stmt(pos)?;
            reserve_rest(&mut stmts, || count(&self.src[pos..], b'\n'));
            stmts.push(stmt);
            pos = self.trivia(end);
        }
        let span = self.builder.span_at(start, pos + 1);
        Some((Block { stmts, span }, pos + 1))
    }

    /// `stmt`: its alternatives in the grammar's order.
    fn stmt(&mut self, pos: usize) -> Option<(Stmt, usize)> {
        for (keyword, rule) in KEYWORD_STMTS {
            if !self.word(pos, keyword) {
                continue;
            }
            if let Some((pair, end)) = self.one(rule, pos) {
                return Some((self.builder.stmt(pair), end));
            }
        }
        if self.top_keyword(pos) || !self.ident_start(pos) {
            return None;
        }
        // `path ~ eq` decides between an assignment and a block without a failed rule.
        let (_, path_end) = self.one(Rule::path, pos)?;
        let eq = self.trivia(path_end);
        if !self.at(eq, '=') || self.src[eq..].starts_with("==") {
            return self.named_block(pos);
        }
        if let Some(done) = self.list_assign(pos) {
            return Some(done);
        }
        let (pair, end) = self.one(Rule::assign_stmt, pos)?;
        Some((self.builder.stmt(pair), end))
    }

    /// `top_keyword = _{ ("run" | "rules" | "use") ~ !ident_char }`
    fn top_keyword(&self, pos: usize) -> bool {
        let rest = &self.src[pos..];
        ["run", "rules", "use"].iter().any(|k| {
            rest.strip_prefix(k)
                .is_some_and(|after| !after.starts_with(is_ident_char))
        })
    }

    /// `assign_stmt = { !top_keyword ~ path ~ eq ~ expr }` where the expression is a list
    /// literal and nothing after it could continue the expression; `None` leaves the
    /// statement to pest.
    fn list_assign(&mut self, start: usize) -> Option<(Stmt, usize)> {
        let (pair, end) = self.one(Rule::path, start)?;
        let target = self.builder.path(pair);
        let (_, end) = self.one(Rule::eq, self.trivia(end))?;
        let start_of_value = self.trivia(end);
        if !self.at(start_of_value, '[') {
            return None;
        }
        let (value, end) = self.list(start_of_value)?;
        if !self.ends_expression(self.trivia(end)) {
            return None;
        }
        let value = self.builder.bounded_depth(value);
        let span = self.builder.span_at(start, end);
        Some((Stmt::Assign(Assign::new(target, value, span)), end))
    }

    /// Whether the token at `pos` cannot continue an expression: the end of the file or
    /// of a block, or a word that starts a statement.
    fn ends_expression(&self, pos: usize) -> bool {
        let rest = &self.src[pos..];
        if rest.is_empty() || rest.starts_with('}') {
            return true;
        }
        if !rest.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
            return false;
        }
        let word_end = rest.find(|c: char| !is_ident_char(c)).unwrap_or(rest.len());
        !CONTINUING_WORDS.contains(&&rest[..word_end])
    }

    /// `list = { lbracket ~ (expr ~ (comma ~ expr)* ~ comma?)? ~ rbracket }`, one `expr`
    /// at a time. Items that are plain integers are packed as they come (see
    /// [`IntList`]), without a pest call or an expression each; the first other item
    /// unpacks them into the general list.
    fn list(&mut self, start: usize) -> Option<(Expr, usize)> {
        if !self.at(start, '[') {
            return None;
        }
        let mut values: Vec<i64> = Vec::new();
        let mut starts: Vec<u32> = Vec::new();
        let mut items: Vec<Expr> = Vec::new();
        let mut pos = self.trivia(start + 1);
        while !self.at(pos, ']') {
            let (item, end) = match self.plain_int(pos) {
                Some((value, end)) => (Ok(value), end),
                None => {
                    let (pair, end) = self.one(Rule::expr, pos)?;
                    let e = self.builder.expr(pair);
                    (IntList::canonical(&e).ok_or(e), end)
                }
            };
            // Each item but the last is followed by a comma: a bound on the items left.
            let rest = || count(&self.src[pos..], b',');
            match item {
                Ok(value) if items.is_empty() => {
                    reserve_rest(&mut values, rest);
                    reserve_rest(&mut starts, rest);
                    values.push(value);
                    starts.push(pos as u32);
                }
                Ok(value) => {
                    reserve_rest(&mut items, rest);
                    items.push(int_item(value, pos, self.builder.file));
                }
                Err(e) => {
                    if items.is_empty() && !values.is_empty() {
                        let packed = (std::mem::take(&mut values), std::mem::take(&mut starts));
                        items = self.unpack(packed, pos);
                    }
                    reserve_rest(&mut items, rest);
                    items.push(e);
                }
            }
            pos = self.trivia(end);
            if self.at(pos, ',') {
                pos = self.trivia(pos + 1);
            } else if !self.at(pos, ']') {
                return None;
            }
        }
        let span = self.builder.span_at(start, pos + 1);
        let expr = if values.is_empty() {
            Expr::new(ExprKind::List(items), span)
        } else {
            let list = IntList::new(values, starts, self.builder.file);
            Expr::new(ExprKind::Ints(Box::new(list)), span)
        };
        Some((expr, pos + 1))
    }

    /// A plain integer literal at `pos` that is a whole list item (the next token is `,`
    /// or `]`) and that a packed list can hold (see [`IntList::canonical`]): its value and
    /// where its digits end. `None` leaves the item to pest.
    fn plain_int(&self, pos: usize) -> Option<(i64, usize)> {
        let rest = &self.src.as_bytes()[pos..];
        let len = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        // A number continues with a fraction, an exponent or a unit (letters or `%`).
        if len == 0 || rest.get(len).is_some_and(|&b| is_number_char(b)) {
            return None;
        }
        let text = &self.src[pos..pos + len];
        let value: i64 = text.parse().ok()?;
        if digits(value) != len {
            return None;
        }
        let next = self.trivia(pos + len);
        (self.at(next, ',') || self.at(next, ']')).then_some((value, pos + len))
    }

    /// The packed items before `pos` as the general list holds them, with room for the
    /// items after it.
    fn unpack(&self, (values, starts): (Vec<i64>, Vec<u32>), pos: usize) -> Vec<Expr> {
        let rest = if values.len() >= RESERVE_AFTER {
            count(&self.src[pos..], b',')
        } else {
            0
        };
        let mut items = Vec::with_capacity(values.len() + rest + 1);
        let file = self.builder.file;
        items.extend(
            values
                .into_iter()
                .zip(starts)
                .map(|(value, start)| int_item(value, start as usize, file)),
        );
        items
    }

    /// `block_stmt = { !top_keyword ~ ident ~ (string | ident)? ~ block }`
    fn named_block(&mut self, start: usize) -> Option<(Stmt, usize)> {
        let (pair, end) = self.one(Rule::ident, start)?;
        let kind = self.builder.ident(pair);
        let mut pos = self.trivia(end);
        let mut label = None;
        if self.at(pos, '"') {
            let (pair, end) = self.one(Rule::string, pos)?;
            label = Some(BlockLabel::Str(
                self.builder.plain_string(pair, "a block label"),
            ));
            pos = self.trivia(end);
        } else if self.ident_start(pos) {
            let (pair, end) = self.one(Rule::ident, pos)?;
            label = Some(BlockLabel::Ident(self.builder.ident(pair)));
            pos = self.trivia(end);
        }
        let (body, end) = self.block(pos)?;
        let span = self.builder.span_at(start, end);
        Some((
            Stmt::Block(Box::new(NamedBlock {
                kind,
                label,
                body,
                span,
            })),
            end,
        ))
    }
}

/// `ident_char = _{ ASCII_ALPHANUMERIC | "_" }`
/// Once `items` holds [`RESERVE_AFTER`] entries, room for about `rest()` more at once. A
/// vector that doubles as it grows copies itself each time under mimalloc (the `repro`
/// binary's allocator): the last copy of a list of 2.6 million items held the old and the
/// new buffer together, 117 MB and 235 MB (#14). Room reserved and never used is only
/// address space. `rest` is a bound for a list (commas left in the file) and a guess for a
/// block (lines left): a block that outgrows it grows as before.
fn reserve_rest<T>(items: &mut Vec<T>, rest: impl FnOnce() -> usize) {
    if items.len() == RESERVE_AFTER {
        items.reserve_exact(rest() + 1);
    }
}

/// How many times `byte` occurs in `text`.
fn count(text: &str, byte: u8) -> usize {
    text.bytes().filter(|&b| b == byte).count()
}

/// A byte that continues a number's digits: a fraction, an exponent or a unit (letters,
/// `%`), or one that makes the text no number at all (`_`).
fn is_number_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'.' || b == b'%' || b == b'_'
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::parser::whole;
    use crate::scan::scan;
    use crate::span::FileId;

    fn chunked(src: &str) -> Option<crate::ast::Module> {
        super::Chunker::new(FileId(0), src, &scan(src).comments).module()
    }

    fn same_as_whole(src: &str) {
        // `parse` refuses these before either runs (pest would exhaust the stack).
        if scan(src).too_deep.is_some() {
            return;
        }
        let whole = whole(FileId(0), src, &scan(src)).ok();
        assert_eq!(chunked(src), whole, "{src}");
    }

    /// Every spec in the repository (shipped specs, rule sets, test fixtures): the pieces
    /// give the tree the whole-file parse gives, spans included.
    #[test]
    fn every_spec_in_the_repository_parses_the_same_in_pieces() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let mut stack = vec![root.to_path_buf()];
        let mut count = 0;
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap().flatten() {
                let path = entry.path();
                let name = entry.file_name();
                if path.is_dir() && name != "target" && name != ".git" {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "run") {
                    if let Ok(src) = std::fs::read_to_string(&path) {
                        same_as_whole(&src);
                        count += 1;
                    }
                }
            }
        }
        assert!(count > 50, "only {count} specs found");
    }

    #[test]
    fn lists_and_what_follows_them_parse_the_same_in_pieces() {
        for src in [
            "xs = [1, 2, 3]\n",
            "xs = [1, 2, 3,]\ny = 2",
            "xs = []",
            "xs = [ ] # c\n",
            "xs = [1, # one\n 2 # two\n , 3]\n# end\n",
            "xs = [1] + [2]",
            "xs = [1]\n+ [2]",
            "xs = [1]\n- 2",
            "xs = [1].len()",
            "xs = [1] == [1]",
            "xs = [1] and true",
            "xs = 1 in [1]\ny = [2] not in z",
            "xs = [[1, 2], [3], []]\n",
            "xs = [1, 2 3]",
            "xs = [1,, 2]",
            "xs = [1, 2",
            "run \"a\" extends \"b\" {\n  hparams {\n    xs = [1, -2, 3 + 4, \"s${x}\"]\n  }\n  launch local { command = [\"true\"] }\n}\n",
            "rules \"r\" { require x > 1\n check y }\nuse \"a.run\"\n",
            "\u{FEFF}let = 3\nlet x = [1]\nsweep a, b in [[1, 2]]\n",
            "run \"a\" { run = 1 }",
            "run \"a\" { x \"label\" { y = 1 } z w { } }",
            "x = [1]\nrun \"a\" { }\nuse \"b.run\"",
            "x = [9223372036854775808]",
            "x = [1 GiB, 2 xx]",
            "x = [1]}",
            "}",
            "x = [1] # trailing",
            "run \"a\" { x == 1 }",
            "run \"a\" extends { }",
            "run \"a\" extends \"b\"",
            "extends = [2]\nuser = [1]\nrunner { }\nrules_x = 1",
            "hparams { }\nlet x = 1\nlet = [2]\ncheck = [3]\ncheck x\n",
            "true = [1]",
            "a.b { }",
            "a.b = [1, 2]\n_c = [3]",
            "use \"x.run\" use \"y.run\"",
            "use = 1",
            "x = [\"a\", \"b${c}\", {k = 1}, (2)]",
            "xs = [0, 1, 22, 9223372036854775807]",
            "xs = [0, 1, 007, 2]",
            "xs = [1, -0, 2]",
            "xs = [1, 1_000]",
            "xs = [1, 2.5, 1e3, 5%, 2GB, 3]",
            "xs = [1, 2 + 3, 4]",
            "xs = [1, 2 , 3 ,\n 4 # c\n, 5]",
            "xs = [[1, 2], [3, (4)], [\"a\", 5]]",
            "xs = [1, x, 2]\nys = [1].len()",
            "xs = [1, \"s\", 2]",
        ] {
            same_as_whole(src);
        }
    }

    fn value(src: &str) -> crate::ast::Expr {
        let module = chunked(src).unwrap_or_else(|| panic!("valid: {src}"));
        match &module.items[0] {
            crate::ast::Item::Stmt(crate::ast::Stmt::Assign(a)) => a.value.clone(),
            other => panic!("{other:?}"),
        }
    }

    /// Only plain integers written as they print are packed; the items of a packed list
    /// have the spans and the expressions of the general list's.
    #[test]
    fn plain_integer_lists_are_packed_with_the_items_of_the_general_list() {
        use crate::ast::{Expr, ExprKind};
        let src = "xs = [0, 1 ,\n  22 # c\n , 333]";
        let ExprKind::Ints(list) = value(src).kind else {
            panic!("packed: {src}");
        };
        assert_eq!(**list.values(), [0, 1, 22, 333]);
        let texts: Vec<&str> = (0..list.len())
            .map(|i| &src[list.span(i).range()])
            .collect();
        assert_eq!(texts, ["0", "1", "22", "333"]);
        // The whole-file parse of the general list gives these items.
        let general = "xs = [0, 1 ,\n  22 # c\n , 333, (4)]";
        let ExprKind::List(items) = value(general).kind else {
            panic!("general: {general}");
        };
        let items: Vec<Expr> = items.into_iter().take(4).collect();
        assert_eq!(list.items().collect::<Vec<_>>(), items);
        for src in [
            "xs = [007]",
            "xs = [1, 007]",
            "xs = [-0, 1]",
            "xs = [1, -1]",
            "xs = [1, 1.0]",
            "xs = [1, (2)]",
            "xs = []",
        ] {
            assert!(
                matches!(value(src).kind, ExprKind::List(_)),
                "stays general: {src}"
            );
        }
        // 100 items, one of them a string: the general list, in the source's order.
        let mut items: Vec<String> = (0..100).map(|i| i.to_string()).collect();
        items[57] = "\"s\"".to_string();
        let src = format!("xs = [{}]", items.join(", "));
        let ExprKind::List(items) = value(&src).kind else {
            panic!("general: {src}");
        };
        assert_eq!(items.len(), 100);
        assert!(matches!(items[57].kind, ExprKind::Str(_)));
        assert!(matches!(items[99].kind, ExprKind::Int { value: 99, .. }));
        same_as_whole(&src);
    }
}
