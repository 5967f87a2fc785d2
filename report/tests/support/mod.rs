//! Shared helpers of the report tests: the published fixtures, two result records, and the
//! checks every HTML and JUnit rendering must pass.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use repro_runner::diff::{diff, Diff, DiffOptions};
use repro_runner::probe::Gpu;
use repro_runner::store::{ResultRecord, ResultStore, Stored};

/// `$REPRO_SHARED/fixtures/mlperf-training-4.1`, else `../shared` beside the repository or
/// `/work/shared`. `None` (and a visible note) when absent.
pub fn fixtures() -> Option<PathBuf> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let candidates = std::env::var_os("REPRO_SHARED")
        .map(PathBuf::from)
        .into_iter()
        .chain([
            repo.join("../shared"),
            repo.join("shared"),
            PathBuf::from("/work/shared"),
        ]);
    for shared in candidates {
        let dir = shared.join("fixtures/mlperf-training-4.1");
        if dir.is_dir() {
            return Some(dir);
        }
    }
    eprintln!(
        "SKIPPED: MLPerf fixtures not found (set REPRO_SHARED or put `shared/` beside the repo)"
    );
    None
}

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The committed smoke baseline, and a "current" result of the same plan on 8 H100s whose
/// runs take `factor` times as long.
pub fn two_results(store: &Path, factor: f64) -> (Stored, Stored, Diff) {
    let text = std::fs::read_to_string(repo().join("baselines/smoke-local.json")).unwrap();
    let base: ResultRecord = serde_json::from_str(&text).unwrap();
    let mut cur = base.clone();
    cur.created_unix_ms += 1000;
    for run in &mut cur.runs {
        run.elapsed_s *= factor;
        if let Some(m) = run.metrics.as_mut() {
            m.ttt_s = m.ttt_s.map(|t| t * factor);
            m.throughput = m.throughput.map(|t| t / factor);
        }
    }
    cur.score_s = cur.score_s.map(|s| s * factor);
    let gpu = Gpu {
        name: "NVIDIA H100 80GB HBM3".into(),
        memory_bytes: 80 << 30,
        compute_capability: "9.0".into(),
    };
    cur.environment.gpu.devices = vec![gpu; 8];
    let s = ResultStore::new(store);
    let (b, c) = (s.put(&base).unwrap(), s.put(&cur).unwrap());
    let d = diff(&c, &b, DiffOptions { across_locks: true }).unwrap();
    (c, b, d)
}

/// An HTML report stands alone: one document, inline CSS, no script, nothing fetched.
pub fn assert_self_contained(html: &str) {
    assert!(
        html.starts_with("<!DOCTYPE html>"),
        "{}",
        &html[..80.min(html.len())]
    );
    assert!(html.trim_end().ends_with("</html>"));
    assert!(!html.contains("<script"), "no scripts");
    for bad in [
        "src=", "href=", "@import", "url(", "<link", "<img", "<iframe",
    ] {
        assert!(!html.contains(bad), "`{bad}` could load something");
    }
    // the only URL is the SVG namespace
    let urls = html.matches("http").count();
    let ns = html.matches("xmlns=\"http://www.w3.org/2000/svg\"").count();
    assert_eq!(urls, ns, "no URL other than the SVG namespace");
}

/// The `<svg>` elements of a page, each as a string.
pub fn svgs(html: &str) -> Vec<&str> {
    html.split("<svg ")
        .skip(1)
        .map(|s| &s[..s.find("</svg>").expect("every svg is closed")])
        .collect()
}

/// Parses JUnit XML (quick-junit's reader checks it is well-formed and a JUnit report).
pub fn junit(xml: &str) -> quick_junit::Report {
    assert!(xml.starts_with("<?xml"), "{xml}");
    quick_junit::Report::deserialize_from_str(xml).unwrap_or_else(|e| panic!("{e}\n{xml}"))
}

pub fn redact(text: &str, root: &Path) -> String {
    text.replace(&root.display().to_string(), "[FIXTURES]")
}
