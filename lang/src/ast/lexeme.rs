//! [`Lexeme`]: a number as written, without a heap allocation when it is short.

use std::fmt;

use serde::{Serialize, Serializer};

/// Longest text kept inline.
const INLINE: usize = 22;

/// The text of a number literal as written (`2e-5`, `1024`), so that it prints as written.
///
/// A spec can hold millions of numbers (a list of a million items): as a `String` each one
/// cost a 24-byte handle plus a heap block of at least 32 bytes. A lexeme of up to 22 bytes
/// (every `i64` and every usual float) is stored inline in the same 24 bytes, longer ones in
/// a box (#14). It serializes, compares and prints like the `String` it replaces.
#[derive(Clone, PartialEq, Eq)]
pub struct Lexeme(Repr);

#[derive(Clone, PartialEq, Eq)]
enum Repr {
    /// Invariant: `bytes[..len]` is valid UTF-8 and `len <= INLINE`.
    Inline {
        len: u8,
        bytes: [u8; INLINE],
    },
    Boxed(Box<str>),
}

impl Lexeme {
    pub fn new(text: &str) -> Lexeme {
        if text.len() <= INLINE {
            let mut bytes = [0; INLINE];
            bytes[..text.len()].copy_from_slice(text.as_bytes());
            Lexeme(Repr::Inline {
                len: text.len() as u8,
                bytes,
            })
        } else {
            Lexeme(Repr::Boxed(text.into()))
        }
    }

    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Inline { len, bytes } => std::str::from_utf8(&bytes[..usize::from(*len)])
                .expect("a lexeme is stored from a str"),
            Repr::Boxed(s) => s,
        }
    }
}

impl std::ops::Deref for Lexeme {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq<str> for Lexeme {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Lexeme {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl fmt::Debug for Lexeme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Lexeme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Lexeme {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_long_lexemes_read_back() {
        for text in [
            "",
            "0",
            "2e-5",
            "-9223372036854775808",
            "1234567890123456789012",
            "12345678901234567890123",
        ] {
            let l = Lexeme::new(text);
            assert_eq!(l.as_str(), text);
            assert_eq!(format!("{l:?}"), format!("{text:?}"));
        }
        assert_eq!(std::mem::size_of::<Lexeme>(), 24);
    }
}
