//! SHA-256 helpers.
//!
//! Every hash in a lock is written as `sha256:<64 lowercase hex digits>` so that a future
//! algorithm change is visible in the text and cannot be confused with an old hash.

use sha2::{Digest, Sha256};

/// The prefix written in front of every hex digest in a lock.
pub const PREFIX: &str = "sha256:";

/// Text hashed as it is written (`fmt::Write`), so that it is never held whole.
#[derive(Default)]
pub struct Sha256Text(Sha256);

impl std::fmt::Write for Sha256Text {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.update(s.as_bytes());
        Ok(())
    }
}

impl Sha256Text {
    /// `sha256:<hex>` of everything written, as [`sha256`] of the text would be.
    pub fn finish(self) -> String {
        format!("{PREFIX}{}", hex::encode(self.0.finalize()))
    }
}

/// Hash bytes and return `sha256:<hex>`.
pub fn sha256(bytes: &[u8]) -> String {
    format!("{PREFIX}{}", hex::encode(Sha256::digest(bytes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_vector() {
        // FIPS 180-2 test vector for "abc".
        assert_eq!(
            sha256(b"abc"),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn text_hashed_in_pieces_is_the_hash_of_the_whole() {
        use std::fmt::Write as _;
        let mut h = Sha256Text::default();
        write!(h, "a").unwrap();
        h.write_str("bc").unwrap();
        assert_eq!(h.finish(), sha256(b"abc"));
    }
}
