use std::io::Read;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::StoreError;

/// A log file named relative to the run directory, with the sha256 of its bytes, so that a
/// result can later prove which logs it was scored from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogDigest {
    pub path: String,
    pub sha256: String,
}

impl LogDigest {
    /// Hashes `path` (streamed, logs can be large) and records it as `name`.
    pub fn of(path: &Path, name: &str) -> Result<LogDigest, StoreError> {
        let err = |source| StoreError::Log {
            path: path.to_path_buf(),
            source,
        };
        let mut file = std::fs::File::open(path).map_err(err)?;
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = file.read(&mut buf).map_err(err)?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
        }
        Ok(LogDigest {
            path: name.to_string(),
            sha256: hex::encode(hasher.finalize()),
        })
    }
}
