//! Paths written into a lock: relative to the lock root, `/`-separated, never absolute, so
//! the same project in two directories locks to the same bytes.

use std::path::{Component, Path, PathBuf};

/// `path` relative to `root` (both made absolute and lexically normalized first), with `..`
/// where `path` lies outside `root`.
pub fn relative(root: &Path, path: &Path) -> String {
    let root = normalize(root);
    let path = normalize(path);
    let r: Vec<Component> = root.components().collect();
    let p: Vec<Component> = path.components().collect();
    let common = r.iter().zip(&p).take_while(|(a, b)| a == b).count();
    let ups = std::iter::repeat_n("..".to_string(), r.len() - common);
    let downs = p[common..]
        .iter()
        .map(|c| c.as_os_str().to_string_lossy().into_owned());
    ups.chain(downs).collect::<Vec<_>>().join("/")
}

/// Absolute, with `.` and `..` removed lexically (symlinks are kept as written, so the
/// result does not depend on how the machine's directories are linked).
pub fn normalize(path: &Path) -> PathBuf {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .unwrap_or_else(|_| PathBuf::from("/"))
            .join(path)
    };
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            c => out.push(c.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        let root = Path::new("/p/root");
        assert_eq!(
            relative(root, Path::new("/p/root/specs/a.run")),
            "specs/a.run"
        );
        assert_eq!(relative(root, Path::new("/p/root/specs/../t/x")), "t/x");
        assert_eq!(relative(root, Path::new("/p/other/x")), "../other/x");
    }
}
