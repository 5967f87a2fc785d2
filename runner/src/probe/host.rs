//! CPU, memory, OS, InfiniBand and container runtimes, from `/proc`, `/sys`, `/etc` and `PATH`.
//! Each reader returns "absent" (None / empty) when its source is missing.

use std::path::Path;

use super::record::{Cpu, Os};

pub fn cpu() -> Cpu {
    let info = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    Cpu {
        model: cpu_model(&info),
        cores: std::thread::available_parallelism().map_or(0, |n| n.get() as u32),
    }
}

/// First `model name` in `/proc/cpuinfo` (x86); ARM kernels may not have one.
pub(crate) fn cpu_model(cpuinfo: &str) -> Option<String> {
    cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.trim().to_string())
}

pub fn memory_bytes() -> Option<u64> {
    parse_meminfo(&std::fs::read_to_string("/proc/meminfo").ok()?)
}

/// `MemTotal:  131072000 kB` -> bytes.
pub(crate) fn parse_meminfo(text: &str) -> Option<u64> {
    let line = text.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

pub fn os() -> Os {
    let release = std::fs::read_to_string("/etc/os-release").unwrap_or_default();
    Os {
        name: pretty_name(&release),
        kernel: kernel_release(),
    }
}

pub(crate) fn pretty_name(os_release: &str) -> Option<String> {
    let line = os_release.lines().find(|l| l.starts_with("PRETTY_NAME="))?;
    Some(line["PRETTY_NAME=".len()..].trim_matches('"').to_string())
}

fn kernel_release() -> Option<String> {
    let text = std::fs::read_to_string("/proc/sys/kernel/osrelease").ok()?;
    Some(text.trim().to_string()).filter(|s| !s.is_empty())
}

pub fn infiniband() -> Vec<String> {
    let Ok(entries) = std::fs::read_dir("/sys/class/infiniband") else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Runtimes repro can launch containers with.
const RUNTIMES: [&str; 5] = ["apptainer", "docker", "enroot", "podman", "singularity"];

pub fn container_runtimes() -> Vec<String> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let dirs: Vec<_> = std::env::split_paths(&path).collect();
    RUNTIMES
        .iter()
        .filter(|name| dirs.iter().any(|d| is_executable(&d.join(name))))
        .map(|name| name.to_string())
        .collect()
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proc_files_parse() {
        let cpuinfo = "processor\t: 0\nmodel name\t: Intel(R) Xeon(R) Platinum 8480C\n";
        assert_eq!(
            cpu_model(cpuinfo).as_deref(),
            Some("Intel(R) Xeon(R) Platinum 8480C")
        );
        assert_eq!(
            parse_meminfo("MemTotal:       2048 kB\nMemFree: 1 kB\n"),
            Some(2048 * 1024)
        );
        assert_eq!(
            pretty_name("NAME=x\nPRETTY_NAME=\"Ubuntu 22.04.4 LTS\"\n").as_deref(),
            Some("Ubuntu 22.04.4 LTS")
        );
        assert_eq!(parse_meminfo("nothing"), None);
    }
}
