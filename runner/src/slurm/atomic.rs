use std::io::Write;
use std::path::Path;

use super::SlurmError;

/// Writes `bytes` to `path` so that a reader sees the old file or the new one, never a torn
/// one, even if this process is killed: temp file in the same folder, fsync, rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), SlurmError> {
    let err = |source| SlurmError::Write {
        path: path.to_path_buf(),
        error: source,
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(err)?;
    tmp.write_all(bytes).map_err(err)?;
    tmp.as_file().sync_all().map_err(err)?;
    tmp.persist(path).map_err(|e| err(e.error))?;
    Ok(())
}

/// Writes JSON atomically, pretty-printed with a trailing newline.
pub fn write_json(path: &Path, value: &impl serde::Serialize) -> Result<(), SlurmError> {
    let mut text = serde_json::to_string_pretty(value).map_err(|e| SlurmError::Write {
        path: path.to_path_buf(),
        error: std::io::Error::other(e),
    })?;
    text.push('\n');
    write_atomic(path, text.as_bytes())
}

/// Reads a JSON file written by [`write_json`].
pub fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, SlurmError> {
    let text = std::fs::read_to_string(path).map_err(|source| SlurmError::Read {
        path: path.to_path_buf(),
        error: source,
    })?;
    serde_json::from_str(&text).map_err(|e| SlurmError::json(path, &e))
}
