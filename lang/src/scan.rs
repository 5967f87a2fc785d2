//! A small pass over the raw text before pest runs.
//!
//! It knows just enough of the lexical structure (strings with `${...}`, comments,
//! brackets) to:
//! - find comments for the formatter (pest skips them),
//! - reject nesting deeper than [`MAX_NESTING`] before the recursive-descent parser could
//!   exhaust the stack on input like `((((((...`,
//! - find the `{` that is never closed, for the "expected `}`" help,
//! - know the bracket depth at each line start, to split a broken file into top-level
//!   items for error recovery.

/// Deepest nesting of brackets, strings-in-interpolations and pending `if`s accepted.
///
/// Sized for the stack, not for taste: pest's generated descent uses about 36 KiB of
/// stack per bracket level in an unoptimized build, so 24 levels stay under 1 MiB, half
/// the default 2 MiB of a spawned thread (`tests/limits.rs` checks this). Real specs
/// nest 3 or 4 levels deep.
pub const MAX_NESTING: usize = 24;

/// A `#` comment: `start..end` covers `#` to the end of the line, without the newline and
/// trailing whitespace (spans of syntax nodes are trimmed the same way).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Comment {
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Frame {
    /// An open bracket character at an offset; `ifs` counts `if`s still waiting for
    /// their `else` at this level.
    Bracket {
        open: u8,
        at: usize,
        ifs: usize,
    },
    Str,
    Interp {
        ifs: usize,
    },
}

#[derive(Debug, Default)]
pub struct Scan {
    pub comments: Vec<Comment>,
    /// Brackets opened and never closed (offset, char), in source order.
    pub unclosed: Vec<(usize, char)>,
    /// Closing brackets that matched no opener.
    pub stray_closers: usize,
    /// Offset where nesting first exceeded [`MAX_NESTING`].
    pub too_deep: Option<usize>,
    /// Byte offsets of line starts whose bracket depth is 0 (outside any block).
    pub top_level_lines: Vec<usize>,
}

struct Scanner<'a> {
    src: &'a [u8],
    pos: usize,
    stack: Vec<Frame>,
    top_ifs: usize,
    out: Scan,
}

pub fn scan(src: &str) -> Scan {
    let mut s = Scanner {
        src: src.as_bytes(),
        pos: 0,
        stack: Vec::new(),
        top_ifs: 0,
        out: Scan::default(),
    };
    s.run();
    s.out
}

impl Scan {
    /// No bracket opened or closed without its partner.
    pub fn is_balanced(&self) -> bool {
        self.unclosed.is_empty() && self.stray_closers == 0
    }
}

impl Scanner<'_> {
    fn run(&mut self) {
        self.out.top_level_lines.push(0);
        while self.pos < self.src.len() && self.out.too_deep.is_none() {
            if matches!(self.stack.last(), Some(Frame::Str)) {
                self.string_byte();
            } else {
                self.code_byte();
            }
        }
        let still_open = self.stack.iter().filter_map(|f| match f {
            Frame::Bracket { open, at, .. } => Some((*at, *open as char)),
            _ => None,
        });
        self.out.unclosed.extend(still_open);
        self.out.unclosed.sort();
    }

    fn depth(&self) -> usize {
        let ifs: usize = self
            .stack
            .iter()
            .map(|f| match f {
                Frame::Bracket { ifs, .. } | Frame::Interp { ifs } => *ifs,
                Frame::Str => 0,
            })
            .sum();
        self.stack.len() + ifs + self.top_ifs
    }

    fn push(&mut self, frame: Frame) {
        self.stack.push(frame);
        self.check_depth();
    }

    fn check_depth(&mut self) {
        if self.depth() > MAX_NESTING {
            self.out.too_deep = Some(self.pos);
        }
    }

    fn string_byte(&mut self) {
        match self.src[self.pos] {
            b'\\' => self.pos += 1,
            b'"' | b'\n' => {
                self.stack.pop();
                if self.src[self.pos] == b'\n' {
                    self.newline();
                }
            }
            b'$' if self.src.get(self.pos + 1) == Some(&b'{') => {
                self.push(Frame::Interp { ifs: 0 });
                self.pos += 1;
            }
            _ => {}
        }
        self.pos += 1;
    }

    fn code_byte(&mut self) {
        let b = self.src[self.pos];
        match b {
            b'#' => return self.comment(),
            b'"' => self.push(Frame::Str),
            b'(' | b'[' | b'{' => self.push(Frame::Bracket {
                open: b,
                at: self.pos,
                ifs: 0,
            }),
            b')' | b']' | b'}' => self.close(b),
            b'\n' => self.newline(),
            b if b.is_ascii_alphabetic() || b == b'_' => return self.word(),
            _ => {}
        }
        self.pos += 1;
    }

    /// A closer pops to its matching opener; brackets skipped on the way are unclosed
    /// (`[1, }` leaves the `[` open). A closer with no opener in reach is ignored.
    fn close(&mut self, b: u8) {
        if let Some(Frame::Interp { .. }) = self.stack.last() {
            if b == b'}' {
                self.stack.pop();
            }
            return;
        }
        let reach = self
            .stack
            .iter()
            .rposition(|f| !matches!(f, Frame::Bracket { .. }))
            .map_or(0, |i| i + 1);
        let Some(found) = self.stack[reach..]
            .iter()
            .rposition(|f| matches!(f, Frame::Bracket { open, .. } if matching(*open) == b))
        else {
            self.out.stray_closers += 1;
            return;
        };
        for frame in self.stack.drain(reach + found..).skip(1) {
            if let Frame::Bracket { open, at, .. } = frame {
                self.out.unclosed.push((at, open as char));
            }
        }
    }

    fn newline(&mut self) {
        if self.stack.is_empty() {
            self.out.top_level_lines.push(self.pos + 1);
        }
    }

    fn comment(&mut self) {
        let start = self.pos;
        while self.pos < self.src.len() && self.src[self.pos] != b'\n' {
            self.pos += 1;
        }
        let mut end = self.pos;
        while end > start && matches!(self.src[end - 1], b'\r' | b' ' | b'\t') {
            end -= 1;
        }
        self.out.comments.push(Comment { start, end });
    }

    /// Identifiers: track `if`/`else` so that `if if if ...` counts as nesting.
    fn word(&mut self) {
        let start = self.pos;
        while self.pos < self.src.len()
            && (self.src[self.pos].is_ascii_alphanumeric() || self.src[self.pos] == b'_')
        {
            self.pos += 1;
        }
        match &self.src[start..self.pos] {
            b"if" => {
                *self.ifs_mut() += 1;
                self.check_depth();
            }
            b"else" => {
                let ifs = self.ifs_mut();
                *ifs = ifs.saturating_sub(1);
            }
            _ => {}
        }
    }

    fn ifs_mut(&mut self) -> &mut usize {
        match self.stack.last_mut() {
            Some(Frame::Bracket { ifs, .. } | Frame::Interp { ifs }) => ifs,
            _ => &mut self.top_ifs,
        }
    }
}

fn matching(open: u8) -> u8 {
    match open {
        b'(' => b')',
        b'[' => b']',
        _ => b'}',
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_comments_outside_strings_only() {
        let s = scan("a = \"#x\" # real\n# two\n");
        assert_eq!(
            s.comments,
            vec![
                Comment { start: 9, end: 15 },
                Comment { start: 16, end: 21 }
            ]
        );
    }

    #[test]
    fn reports_unclosed_brackets_and_depth() {
        let s = scan("run \"a\" {\n  x = [1,\n}");
        assert_eq!(s.unclosed, vec![(16, '[')]);
        assert_eq!(scan("a {\n b {\n").unclosed, vec![(2, '{'), (7, '{')]);
        let deep = "(".repeat(MAX_NESTING + 1);
        assert_eq!(scan(&deep).too_deep, Some(MAX_NESTING));
        let ifs = "x = ".to_string() + &"if ".repeat(MAX_NESTING + 1);
        assert!(scan(&ifs).too_deep.is_some());
        let chain = "x = if a then 1 ".to_string() + &"else if a then 1 ".repeat(200) + "else 2";
        assert!(scan(&chain).too_deep.is_none());
    }

    #[test]
    fn interpolation_closes_on_brace() {
        let s = scan("x = \"a${b}c\" # c\n");
        assert_eq!(s.comments.len(), 1);
        assert!(s.unclosed.is_empty());
        assert_eq!(s.top_level_lines, vec![0, 17]);
    }
}
