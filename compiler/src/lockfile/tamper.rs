//! Tamper detection: a lock whose content no longer matches its own hashes was edited by hand
//! (or corrupted) and is refused, because a run from it would not be the run that was locked.

use super::lockfile::Lockfile;

/// The hashes in `[hashes]` that do not match the content they cover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tamper {
    /// Lock name.
    pub name: String,
    /// `(hash entry, stored, recomputed)`; stored is empty when the entry is missing.
    pub mismatches: Vec<(String, String, String)>,
}

impl std::fmt::Display for Tamper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "lock `{}` was edited by hand: its content no longer matches its hashes",
            self.name
        )?;
        for (entry, stored, computed) in &self.mismatches {
            let stored = if stored.is_empty() {
                "(missing)"
            } else {
                stored
            };
            writeln!(
                f,
                "  `{entry}`: recorded {stored}, content hashes to {computed}"
            )?;
        }
        write!(
            f,
            "help: do not edit locks; change the spec and run `repro lock` to regenerate it"
        )
    }
}

impl std::error::Error for Tamper {}

/// Recompute every hash and list the entries that differ (including unknown extra entries).
pub fn verify(lock: &Lockfile) -> Result<(), Tamper> {
    let computed = lock.compute_hashes();
    let mut mismatches: Vec<_> = computed
        .iter()
        .filter(|(k, v)| lock.hashes.get(*k) != Some(v))
        .map(|(k, v)| {
            let stored = lock.hashes.get(k).cloned().unwrap_or_default();
            (k.clone(), stored, v.clone())
        })
        .collect();
    mismatches.extend(
        lock.hashes
            .iter()
            .filter(|(k, _)| !computed.contains_key(*k))
            .map(|(k, v)| (k.clone(), v.clone(), "(not a hash entry)".to_string())),
    );
    if mismatches.is_empty() {
        Ok(())
    } else {
        Err(Tamper {
            name: lock.name.clone(),
            mismatches,
        })
    }
}
