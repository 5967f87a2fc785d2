//! The `Lockfile` type: what a lock holds, how it is built, hashed, written and read back.

use std::collections::BTreeMap;
use std::path::Path;

use super::error::LockError;
use super::group::Group;
use super::value::{table_from_toml, LockValue, Table};
use super::{reader, writer, FORMAT_VERSION};
use crate::hash::sha256;

/// A locked run plan as it is stored in `lockfiles/NAME.lock`.
///
/// Invariant: `hashes` always holds one entry per [`Group`] plus `plan`, each computed from
/// the content by [`Lockfile::compute_hashes`]; [`Lockfile::verify`] recomputes them to
/// detect hand edits.
#[derive(Debug, Clone, PartialEq)]
pub struct Lockfile {
    /// Lock format version (see the module doc for the policy).
    pub version: i64,
    /// Version of repro that wrote the lock (informational; not part of any hash).
    pub repro: String,
    /// Plan name, e.g. `gpt3-h200[nodes=64]`.
    pub name: String,
    /// The root spec, relative to the lock root, `/`-separated.
    pub spec: String,
    /// Rule sets applied at compile time: name -> version.
    pub rulesets: BTreeMap<String, String>,
    /// Every input file, relative to the lock root -> `sha256:<hex>`.
    pub inputs: BTreeMap<String, String>,
    /// The resolved content of each group.
    pub groups: BTreeMap<Group, Table>,
    /// `plan` and one entry per group name -> `sha256:<hex>`.
    pub hashes: BTreeMap<String, String>,
}

impl Lockfile {
    /// Build a lock from resolved content and compute its hashes.
    pub fn new(
        name: String,
        spec: String,
        rulesets: BTreeMap<String, String>,
        inputs: BTreeMap<String, String>,
        groups: BTreeMap<Group, Table>,
    ) -> Self {
        let mut lock = Lockfile {
            version: FORMAT_VERSION,
            repro: env!("CARGO_PKG_VERSION").to_string(),
            name,
            spec,
            rulesets,
            inputs,
            groups,
            hashes: BTreeMap::new(),
        };
        lock.hashes = lock.compute_hashes();
        lock
    }

    /// The group hashes and the plan hash, computed from the content alone.
    pub fn compute_hashes(&self) -> BTreeMap<String, String> {
        let mut hashes: BTreeMap<String, String> = Group::ALL
            .iter()
            .map(|g| (g.name().to_string(), group_hash(self.group(*g))))
            .collect();
        let plan = self.plan_hash(&hashes);
        hashes.insert("plan".to_string(), plan);
        hashes
    }

    /// The plan hash covers the name, the root spec, the rule set versions, every input
    /// file's hash and every group hash, i.e. everything except the repro version.
    fn plan_hash(&self, group_hashes: &BTreeMap<String, String>) -> String {
        let mut t = Table::new();
        t.insert("name".into(), LockValue::str(&self.name));
        t.insert("spec".into(), LockValue::str(&self.spec));
        t.insert("rulesets".into(), string_table(&self.rulesets));
        t.insert("inputs".into(), string_table(&self.inputs));
        t.insert("groups".into(), string_table(group_hashes));
        sha256(LockValue::Table(t).canonical().as_bytes())
    }

    /// The content of one group (empty when absent).
    pub fn group(&self, group: Group) -> &Table {
        static EMPTY: Table = Table::new();
        self.groups.get(&group).unwrap_or(&EMPTY)
    }

    /// `sha256:` of the lock file's exact bytes (what a result record cites).
    pub fn file_hash(&self) -> String {
        sha256(&self.write_bytes())
    }

    /// The plan hash.
    pub fn plan(&self) -> &str {
        self.hashes.get("plan").map(String::as_str).unwrap_or("")
    }

    /// The exact bytes of the lock file. Same lock, same bytes, on every machine.
    pub fn write_bytes(&self) -> Vec<u8> {
        writer::render(self).into_bytes()
    }

    /// Parse lock text (`path` is only used in error messages).
    pub fn parse(path: &Path, text: &str) -> Result<Self, LockError> {
        let table: toml::Table = toml::from_str(text).map_err(|e| LockError::Syntax {
            path: path.to_path_buf(),
            message: e.message().to_string(),
        })?;
        let table = table_from_toml(&table).map_err(|problem| LockError::Field {
            path: path.to_path_buf(),
            field: "(document)".into(),
            problem,
        })?;
        reader::from_table(path, table)
    }

    /// Read a lock file from disk.
    pub fn read(path: &Path) -> Result<Self, LockError> {
        let text = std::fs::read_to_string(path).map_err(|source| LockError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(path, &text)
    }

    /// Recompute every hash from the content and compare with the stored ones; a mismatch
    /// means the lock was edited by hand (or corrupted).
    pub fn verify(&self) -> Result<(), super::Tamper> {
        super::tamper::verify(self)
    }
}

/// The hash of `LockValue::Table(table).canonical()`, without copying the table or holding
/// its text: a spec with 400,000 hparams would hold them twice more (#14).
fn group_hash(table: &Table) -> String {
    let mut hasher = crate::hash::Sha256Text::default();
    super::value::write_inline_table(&mut hasher, table);
    hasher.finish()
}

fn string_table(map: &BTreeMap<String, String>) -> LockValue {
    LockValue::Table(
        map.iter()
            .map(|(k, v)| (k.clone(), LockValue::str(v)))
            .collect(),
    )
}
