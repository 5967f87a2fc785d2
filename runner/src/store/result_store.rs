use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::{write_atomic, ResultRecord, StoreError, FORMAT};

/// A directory of result records (`results/` by default, `--store DIR`).
#[derive(Debug, Clone)]
pub struct ResultStore {
    root: PathBuf,
}

/// A record as found in the store.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    pub id: String,
    pub path: PathBuf,
    pub record: ResultRecord,
}

impl ResultStore {
    pub fn new(root: impl Into<PathBuf>) -> ResultStore {
        ResultStore { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Writes `record` atomically under its content address; idempotent.
    pub fn put(&self, record: &ResultRecord) -> Result<Stored, StoreError> {
        let dir = self.plan_dir(&record.plan)?;
        let bytes = record.to_bytes();
        let id = hex::encode(Sha256::digest(&bytes));
        let path = dir.join(format!("{id}.json"));
        let write = |source| StoreError::Write {
            path: path.clone(),
            source,
        };
        std::fs::create_dir_all(&dir).map_err(write)?;
        if !path.exists() {
            write_atomic(&path, &bytes).map_err(write)?;
        }
        Ok(Stored {
            id,
            path,
            record: record.clone(),
        })
    }

    /// Removes the temporary files (`.tmp-*`) that a killed writer left in `plan`'s folder
    /// and returns their paths, so that the caller reports them. Only files older than
    /// [`TEMP_GRACE`] count: a concurrent writer's temporary file lives for milliseconds.
    pub fn remove_leftovers(&self, plan: &str) -> Result<Vec<PathBuf>, StoreError> {
        let dir = self.plan_dir(plan)?;
        let mut removed = Vec::new();
        for path in entries(&dir)? {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let old = std::fs::symlink_metadata(&path)
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age >= TEMP_GRACE);
            if name.starts_with(".tmp-") && old && std::fs::remove_file(&path).is_ok() {
                removed.push(path);
            }
        }
        Ok(removed)
    }

    /// Every record of `plan`, oldest first (by creation time, then id).
    pub fn list(&self, plan: &str) -> Result<Vec<Stored>, StoreError> {
        let dir = self.plan_dir(plan)?;
        let mut found = Vec::new();
        for path in record_files(&dir)? {
            found.push(load(&path)?);
        }
        found.sort_by(|a, b| {
            (a.record.created_unix_ms, &a.id).cmp(&(b.record.created_unix_ms, &b.id))
        });
        Ok(found)
    }

    /// The newest record of `plan` other than `except` (the result just written).
    pub fn latest(&self, plan: &str, except: Option<&str>) -> Result<Stored, StoreError> {
        self.list(plan)?
            .into_iter()
            .rev()
            .find(|s| Some(s.id.as_str()) != except)
            .ok_or_else(|| StoreError::NoPrior {
                plan: plan.to_string(),
                store: self.root.clone(),
            })
    }

    /// The newest record of the same plan that is older than `current` (its baseline when
    /// none is named).
    pub fn latest_before(&self, current: &Stored) -> Result<Stored, StoreError> {
        let key = |s: &Stored| (s.record.created_unix_ms, s.id.clone());
        self.list(&current.record.plan)?
            .into_iter()
            .rev()
            .find(|s| key(s) < key(current))
            .ok_or_else(|| StoreError::NoPrior {
                plan: current.record.plan.clone(),
                store: self.root.clone(),
            })
    }

    /// A record named by a file path, or by a unique prefix of its id (any plan).
    pub fn resolve(&self, query: &str) -> Result<Stored, StoreError> {
        let as_path = Path::new(query);
        if as_path.is_file() {
            return load(as_path);
        }
        let mut matches = Vec::new();
        for dir in subdirs(&self.root)? {
            for path in record_files(&dir)? {
                let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
                if !query.is_empty() && stem.starts_with(query) {
                    matches.push(path);
                }
            }
        }
        match matches.as_slice() {
            [one] => load(one),
            [] => Err(StoreError::NotFound {
                query: query.to_string(),
                store: self.root.clone(),
            }),
            many => Err(StoreError::Ambiguous {
                query: query.to_string(),
                matches: many
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            }),
        }
    }

    fn plan_dir(&self, plan: &str) -> Result<PathBuf, StoreError> {
        check_plan_name(plan)?;
        Ok(self.root.join(plan))
    }
}

/// Plan names become directory names (`results/<plan>/`, `runs/<plan>/`) and baseline file
/// names: they follow the one name grammar of [`repro_compiler::names`], so a record or
/// plan edited by hand cannot name a path outside its folder.
pub fn check_plan_name(plan: &str) -> Result<(), StoreError> {
    repro_compiler::names::check_plan_name(plan).map_err(|reason| StoreError::PlanName {
        plan: plan.escape_debug().to_string(),
        reason,
    })
}

/// How old a temporary file must be before it counts as left by a killed writer.
pub const TEMP_GRACE: std::time::Duration = std::time::Duration::from_secs(60);

/// The largest record read: a record holds digests, not logs, and is a few KiB.
pub const MAX_RECORD_BYTES: u64 = 64 * 1024 * 1024;

/// Reads a record and checks that its bytes hash to its name when the name is an id, and
/// that its format is one this repro reads.
pub fn load(path: &Path) -> Result<Stored, StoreError> {
    let bytes =
        repro_lang::read_bounded(path, MAX_RECORD_BYTES).map_err(|source| StoreError::Read {
            path: path.to_path_buf(),
            source,
        })?;
    let record: ResultRecord = serde_json::from_slice(&bytes).map_err(|e| StoreError::Parse {
        path: path.to_path_buf(),
        line: e.line(),
        column: e.column(),
        message: json_message(&e),
    })?;
    let id = hex::encode(Sha256::digest(&bytes));
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    if is_id(stem) && stem != id {
        return Err(StoreError::Tampered {
            path: path.to_path_buf(),
            actual: id,
        });
    }
    // The plan names folders and baseline files: a hand-edited `"plan": "../../x"` is
    // refused here, before any caller builds a path from it.
    check_plan_name(&record.plan)?;
    if record.format != FORMAT {
        return Err(StoreError::Parse {
            path: path.to_path_buf(),
            line: 1,
            column: 1,
            message: format!(
                "record format {} is not {FORMAT}, the one this repro reads",
                record.format
            ),
        });
    }
    Ok(Stored {
        id,
        path: path.to_path_buf(),
        record,
    })
}

fn is_id(stem: &str) -> bool {
    stem.len() == 64 && stem.bytes().all(|b| b.is_ascii_hexdigit())
}

/// `*.json` files of `dir` that are not temp files (`.tmp-*`), sorted; none if `dir` is absent.
fn record_files(dir: &Path) -> Result<Vec<PathBuf>, StoreError> {
    let mut files: Vec<PathBuf> = entries(dir)?
        .into_iter()
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or(".");
            !name.starts_with('.') && name.ends_with(".json") && p.is_file()
        })
        .collect();
    files.sort();
    Ok(files)
}

fn subdirs(dir: &Path) -> Result<Vec<PathBuf>, StoreError> {
    Ok(entries(dir)?.into_iter().filter(|p| p.is_dir()).collect())
}

fn entries(dir: &Path) -> Result<Vec<PathBuf>, StoreError> {
    let read = |source| StoreError::Read {
        path: dir.to_path_buf(),
        source,
    };
    match std::fs::read_dir(dir) {
        Ok(entries) => entries.map(|e| e.map(|e| e.path()).map_err(read)).collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(read(e)),
    }
}

/// serde_json's message without its own " at line L column C" suffix (we print those).
fn json_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    text.strip_suffix(&suffix).unwrap_or(&text).to_string()
}
