//! SHA-256 helpers.
//!
//! Every hash in a lock is written as `sha256:<64 lowercase hex digits>` so that a future
//! algorithm change is visible in the text and cannot be confused with an old hash.

use sha2::{Digest, Sha256};

/// The prefix written in front of every hex digest in a lock.
pub const PREFIX: &str = "sha256:";

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
}
