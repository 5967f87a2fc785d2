//! `NcclLoaded`: the NCCL a job actually loaded, as NCCL itself prints it on rank 0
//! (`NCCL version 2.28.9+cuda13.0`, printed with `NCCL_DEBUG=VERSION` or more). The host's
//! `libnccl.so` that `repro probe` finds can differ: a PyTorch wheel or a container brings its
//! own (a real H200 host had 2.28.3 while the job loaded 2.28.9).

use serde::{Deserialize, Serialize};

/// The version line of one rank's output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NcclLoaded {
    /// `2.28.9`
    pub version: String,
    /// The CUDA it was built for (`13.0`), when printed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cuda: Option<String>,
    /// 1-based line of the log that printed it.
    pub log_line: u32,
}

/// The first `NCCL version X.Y.Z[+cudaA.B]` line of a rank's output, if any.
pub fn nccl_loaded(text: &str) -> Option<NcclLoaded> {
    text.lines().enumerate().find_map(|(i, line)| {
        let rest = line.split("NCCL version ").nth(1)?;
        let word = rest.split_whitespace().next()?;
        let (version, cuda) = match word.split_once('+') {
            Some((v, c)) => (v, c.strip_prefix("cuda").map(str::to_string)),
            None => (word, None),
        };
        let numeric = version.split('.').count() >= 2
            && version
                .split('.')
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
        numeric.then(|| NcclLoaded {
            version: version.to_string(),
            cuda,
            log_line: u32::try_from(i + 1).unwrap_or(u32::MAX),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// NCCL's INFO lines as a PyTorch job printed them on a real H200 machine
    /// (`../shared/fixtures/h200/nccl-debug-excerpt.txt`).
    const H200: &str = "vm:581:581 [0] NCCL INFO Bootstrap: Using eth0:192.0.2.2<0>
vm:581:581 [0] NCCL INFO cudaDriverVersion 13000
vm:581:581 [0] NCCL INFO NCCL version 2.28.9+cuda13.0
vm:581:581 [0] NCCL INFO comm 0x4820db60 rank 0 nRanks 1 nNodes 1 localRanks 1 localRank 0 MNNVL 0
";

    #[test]
    fn reads_the_version_the_job_loaded() {
        assert_eq!(
            nccl_loaded(H200),
            Some(NcclLoaded {
                version: "2.28.9".into(),
                cuda: Some("13.0".into()),
                log_line: 3,
            })
        );
        let plain = "x\nNCCL version 2.22.3+cuda12.6\n";
        assert_eq!(nccl_loaded(plain).unwrap().version, "2.22.3");
        assert_eq!(nccl_loaded("NCCL version unknown\n"), None);
        assert_eq!(nccl_loaded("no nccl here\n"), None);
    }

    #[test]
    fn the_recorded_fixture_parses_when_present() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared/fixtures/h200/nccl-debug-excerpt.txt");
        let Ok(text) = std::fs::read_to_string(path) else {
            return;
        };
        assert_eq!(nccl_loaded(&text).unwrap().version, "2.28.9");
    }
}
