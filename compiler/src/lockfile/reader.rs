//! The lock reader: turns the parsed document back into a [`Lockfile`], naming the field
//! that is missing or has the wrong type.

use std::collections::BTreeMap;
use std::path::Path;

use super::error::LockError;
use super::group::Group;
use super::lockfile::Lockfile;
use super::value::{LockValue, Table};
use super::FORMAT_VERSION;

const TOP_LEVEL: [&str; 7] = [
    "version", "repro", "name", "spec", "rulesets", "inputs", "hashes",
];

/// Build a lock from its parsed top-level table.
pub fn from_table(path: &Path, mut doc: Table) -> Result<Lockfile, LockError> {
    let err = |field: &str, problem: &str| LockError::Field {
        path: path.to_path_buf(),
        field: field.to_string(),
        problem: problem.to_string(),
    };
    let version = match doc.remove("version") {
        Some(LockValue::Int(v)) => v,
        Some(_) => return Err(err("version", "must be an integer")),
        None => return Err(err("version", "is missing")),
    };
    if version != FORMAT_VERSION {
        return Err(LockError::Version {
            path: path.to_path_buf(),
            found: version,
            supported: FORMAT_VERSION,
            help:
                "regenerate the lock with this repro (`repro lock`), or use the repro that wrote it",
        });
    }
    let mut groups = BTreeMap::new();
    for group in Group::ALL {
        match doc.remove(group.name()) {
            Some(LockValue::Table(t)) => {
                groups.insert(group, t);
            }
            Some(_) => return Err(err(group.name(), "must be a table")),
            None => return Err(err(group.name(), "is missing")),
        }
    }
    if let Some(unknown) = doc.keys().find(|k| !TOP_LEVEL.contains(&k.as_str())) {
        return Err(err(unknown, "is not a lock field"));
    }
    Ok(Lockfile {
        version,
        repro: take_string(&mut doc, "repro").map_err(|p| err("repro", p))?,
        name: take_string(&mut doc, "name").map_err(|p| err("name", p))?,
        spec: take_string(&mut doc, "spec").map_err(|p| err("spec", p))?,
        rulesets: take_strings(&mut doc, "rulesets").map_err(|(f, p)| err(&f, p))?,
        inputs: take_strings(&mut doc, "inputs").map_err(|(f, p)| err(&f, p))?,
        hashes: take_strings(&mut doc, "hashes").map_err(|(f, p)| err(&f, p))?,
        groups,
    })
}

fn take_string(doc: &mut Table, key: &str) -> Result<String, &'static str> {
    match doc.remove(key) {
        Some(LockValue::Str(s)) => Ok(s),
        Some(_) => Err("must be a string"),
        None => Err("is missing"),
    }
}

fn take_strings(
    doc: &mut Table,
    key: &str,
) -> Result<BTreeMap<String, String>, (String, &'static str)> {
    let table = match doc.remove(key) {
        Some(LockValue::Table(t)) => t,
        Some(_) => return Err((key.to_string(), "must be a table")),
        None => return Err((key.to_string(), "is missing")),
    };
    table
        .into_iter()
        .map(|(k, v)| match v {
            LockValue::Str(s) => Ok((k, s)),
            _ => Err((format!("{key}.{k}"), "must be a string")),
        })
        .collect()
}
