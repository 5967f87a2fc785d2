//! [`Lexeme`]: a number as written, without a heap allocation when it is short.

use std::fmt;

use serde::{Serialize, Serializer};

/// Longest text kept inline.
const INLINE: usize = 15;

/// The text of a number literal as written (`2e-5`, `1024`), so that it prints as written.
///
/// A spec can hold millions of numbers (a list of a million items): as a `String` each one
/// cost a 24-byte handle plus a heap block of at least 32 bytes. A lexeme of up to 15 bytes
/// (every usual integer and float) is stored inline in 16 bytes, longer ones behind a
/// pointer; 16 bytes keep an integer expression within the size of the other expressions
/// (#14). It serializes, compares and prints like the `String` it replaces.
#[derive(Clone, PartialEq, Eq)]
pub struct Lexeme(Repr);

#[derive(Clone, PartialEq, Eq)]
enum Repr {
    /// Invariant: `bytes[..len]` is valid UTF-8.
    Inline { len: Len, bytes: [u8; INLINE] },
    /// A thin pointer, so that it fits beside the length byte, whose unused values tell
    /// the two variants apart: the whole is 16 bytes.
    Boxed(Box<Box<str>>),
}

/// The length of an inline lexeme, `0..=15`; as an enum, its other values are free for
/// the compiler to mark [`Repr::Boxed`] with.
#[derive(Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Len {
    L0,
    L1,
    L2,
    L3,
    L4,
    L5,
    L6,
    L7,
    L8,
    L9,
    L10,
    L11,
    L12,
    L13,
    L14,
    L15,
}

impl Len {
    const ALL: [Len; INLINE + 1] = [
        Len::L0,
        Len::L1,
        Len::L2,
        Len::L3,
        Len::L4,
        Len::L5,
        Len::L6,
        Len::L7,
        Len::L8,
        Len::L9,
        Len::L10,
        Len::L11,
        Len::L12,
        Len::L13,
        Len::L14,
        Len::L15,
    ];
}

impl Lexeme {
    pub fn new(text: &str) -> Lexeme {
        match Len::ALL.get(text.len()) {
            Some(&len) => {
                let mut bytes = [0; INLINE];
                bytes[..text.len()].copy_from_slice(text.as_bytes());
                Lexeme(Repr::Inline { len, bytes })
            }
            None => Lexeme(Repr::Boxed(Box::new(text.into()))),
        }
    }

    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Inline { len, bytes } => {
                std::str::from_utf8(&bytes[..*len as usize]).expect("a lexeme is stored from a str")
            }
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
            "123456789012345",
            "1234567890123456",
            "1234567890123456789012",
            "12345678901234567890123",
        ] {
            let l = Lexeme::new(text);
            assert_eq!(l.as_str(), text);
            assert_eq!(format!("{l:?}"), format!("{text:?}"));
        }
        assert_eq!(std::mem::size_of::<Lexeme>(), 16);
    }
}
