//! What changed between two locks, grouped the way the lock is hashed, so `repro lock` can
//! print "software: sources.training.commit abc -> def" and `--locked` can say what drifted.

use std::collections::BTreeMap;

use serde::Serialize;

use super::group::Group;
use super::lockfile::Lockfile;
use super::value::flatten;

/// One changed field. `old`/`new` are canonical value texts; `None` means absent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// Dotted path inside its section, e.g. `sources.training.commit`.
    pub field: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// Differences between an old lock and a new one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LockDiff {
    /// Per group, the fields that changed (groups without changes are absent).
    pub groups: BTreeMap<Group, Vec<Change>>,
    /// Input files added, removed or whose hash changed.
    pub inputs: Vec<Change>,
    /// Top-level fields (name, spec, format version) and rule set versions.
    pub meta: Vec<Change>,
}

impl LockDiff {
    /// Compare `old` with `new`.
    pub fn between(old: &Lockfile, new: &Lockfile) -> Self {
        let mut diff = LockDiff {
            inputs: changes(&old.inputs, &new.inputs),
            meta: meta_changes(old, new),
            ..LockDiff::default()
        };
        for group in Group::ALL {
            let c = changes(&flatten(old.group(group)), &flatten(new.group(group)));
            if !c.is_empty() {
                diff.groups.insert(group, c);
            }
        }
        diff
    }

    /// Everything the new lock would add, as if the old one were empty.
    pub fn created(new: &Lockfile) -> Self {
        let empty = Lockfile::new(
            String::new(),
            String::new(),
            BTreeMap::new(),
            BTreeMap::new(),
            BTreeMap::new(),
        );
        Self::between(&empty, new)
    }

    /// True when the two locks hold the same content.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty() && self.inputs.is_empty() && self.meta.is_empty()
    }

    /// Human text, one line per change: `software: cuda "12.4" -> "12.6.1"`.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for c in &self.meta {
            out.push_str(&line("lock", c));
        }
        for c in &self.inputs {
            out.push_str(&line("input", c));
        }
        for (group, cs) in &self.groups {
            for c in cs {
                out.push_str(&line(group.name(), c));
            }
        }
        out
    }
}

fn line(section: &str, c: &Change) -> String {
    let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "(absent)".to_string());
    format!(
        "{section}: {} {} -> {}\n",
        c.field,
        show(&c.old),
        show(&c.new)
    )
}

fn meta_changes(old: &Lockfile, new: &Lockfile) -> Vec<Change> {
    let mut a: BTreeMap<String, String> = BTreeMap::new();
    let mut b: BTreeMap<String, String> = BTreeMap::new();
    for (lock, map) in [(old, &mut a), (new, &mut b)] {
        map.insert("version".into(), lock.version.to_string());
        map.insert("name".into(), format!("{:?}", lock.name));
        map.insert("spec".into(), format!("{:?}", lock.spec));
        for (k, v) in &lock.rulesets {
            map.insert(format!("rulesets.{k}"), format!("{v:?}"));
        }
    }
    changes(&a, &b)
}

/// Field-by-field comparison of two flat maps (both sorted, so the result is too).
pub fn changes(old: &BTreeMap<String, String>, new: &BTreeMap<String, String>) -> Vec<Change> {
    let mut keys: Vec<&String> = old.keys().chain(new.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| old.get(*k) != new.get(*k))
        .map(|k| Change {
            field: k.clone(),
            old: old.get(k).cloned(),
            new: new.get(k).cloned(),
        })
        .collect()
}
