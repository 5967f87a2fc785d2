use std::path::{Path, PathBuf};

use super::{Envelope, HealthError};

/// The environment variable naming the envelope folder (default: `envelopes/` in the
/// directory repro runs in, the repository root for `repro run`).
pub const ENVELOPES_VAR: &str = "REPRO_ENVELOPES";

/// Every envelope file of a folder. A new SKU is a new file, not a code change.
#[derive(Debug, Clone, Default)]
pub struct EnvelopeRegistry {
    entries: Vec<(PathBuf, Envelope)>,
    /// The folder read, for messages ("no envelope for `X` in `envelopes/`").
    pub dir: PathBuf,
}

impl EnvelopeRegistry {
    /// The folder `REPRO_ENVELOPES` names, else `./envelopes`.
    pub fn default_dir() -> PathBuf {
        std::env::var_os(ENVELOPES_VAR)
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("envelopes"))
    }

    /// Reads every `*.toml` in `dir`, sorted by file name. A missing folder is an empty
    /// registry (the preflight then notes that no envelope was found); a broken file or a
    /// GPU name claimed twice is an error.
    pub fn load(dir: &Path) -> Result<EnvelopeRegistry, HealthError> {
        let mut registry = EnvelopeRegistry {
            entries: Vec::new(),
            dir: dir.to_path_buf(),
        };
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(registry),
            Err(source) => {
                return Err(HealthError::Read {
                    path: dir.to_path_buf(),
                    source,
                })
            }
        };
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        paths.sort();
        for path in paths {
            let envelope = read(&path)?;
            registry.check_unique(&path, &envelope)?;
            registry.entries.push((path, envelope));
        }
        Ok(registry)
    }

    /// The envelope for a GPU named `name`, with the file it came from.
    pub fn find(&self, name: &str) -> Option<(&Path, &Envelope)> {
        self.entries
            .iter()
            .find(|(_, e)| e.covers(name))
            .map(|(p, e)| (p.as_path(), e))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn check_unique(&self, path: &Path, envelope: &Envelope) -> Result<(), HealthError> {
        for name in &envelope.names {
            if let Some((first, _)) = self.find(name) {
                return Err(HealthError::Duplicate {
                    name: name.clone(),
                    first: first.to_path_buf(),
                    second: path.to_path_buf(),
                });
            }
        }
        Ok(())
    }
}

fn read(path: &Path) -> Result<Envelope, HealthError> {
    let text = std::fs::read_to_string(path).map_err(|source| HealthError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let envelope: Envelope = toml::from_str(&text).map_err(|e| HealthError::Envelope {
        path: path.to_path_buf(),
        message: e.to_string().trim_end().to_string(),
    })?;
    if envelope.names.is_empty() {
        return Err(HealthError::Envelope {
            path: path.to_path_buf(),
            message: "`names` is empty: list the GPU names this envelope is for".into(),
        });
    }
    Ok(envelope)
}
