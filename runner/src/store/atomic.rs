use std::fs::File;
use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `path` so that `path` never holds a partial file.
///
/// Invariant (POSIX rename semantics): after a crash at any point, `path` is either absent,
/// its previous content, or exactly `bytes`. The directory is fsynced after the rename so the
/// new name itself survives a power loss.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut temp = tempfile::Builder::new().prefix(".tmp-").tempfile_in(dir)?;
    temp.write_all(bytes)?;
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|e| e.error)?;
    File::open(dir)?.sync_all()
}
