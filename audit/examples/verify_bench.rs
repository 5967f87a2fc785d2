//! Bench: `repro verify` on a ~400 MB published-round-like tree, built in a temporary folder
//! from copies of every published fixture round (v4.0, v4.1, v5.0 and v5.1), each copy a
//! submitter of its own; each round is verified under its own rule set.
//!
//! ```text
//! cargo run --release -p repro-audit --example verify_bench                 # repro only
//! cargo run --release -p repro-audit --example verify_bench -- --official   # and the official tools
//! ```
//!
//! It also verifies a copy of v4.1 NVIDIA gpt3 with one 100 MB MLLOG line, for the peak RSS.
//! repro runs in a child process (this example, `--verify-child`), so its wall time includes
//! start-up and its peak RSS (`VmHWM` from `/proc/self/status`) is verify's alone, not the
//! tree building's. `--official` also runs, once (they are slow), on a second copy since the
//! summarizer writes into the tree, under `/usr/bin/time -f '%e %M'`:
//! `python3 -m mlperf_logging.result_summarizer '<round>/{*}' training X.Y.0` per round and
//! `python3 -m mlperf_logging.package_checker <round>/<submitter> training X.Y.0` per submitter.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use repro_audit::verify::{verify, VerifyOptions};

/// The rounds with published fixtures.
const ROUNDS: [&str; 4] = ["4.0", "4.1", "5.0", "5.1"];
/// The tree's target size.
const TARGET_BYTES: u64 = 400_000_000;

fn shared() -> PathBuf {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    std::env::var_os("REPRO_SHARED")
        .map(PathBuf::from)
        .into_iter()
        .chain([repo.join("../shared"), PathBuf::from("/work/shared")])
        .find(|p| p.join("fixtures/mlperf-training-4.1").is_dir())
        .unwrap_or_else(|| {
            eprintln!("fixtures not found: set REPRO_SHARED");
            std::process::exit(2)
        })
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<u64> {
    std::fs::create_dir_all(to)?;
    let mut bytes = 0;
    for e in std::fs::read_dir(from)? {
        let p = e?.path();
        let target = to.join(p.file_name().unwrap_or_default());
        bytes += if p.is_dir() {
            copy_dir(&p, &target)?
        } else {
            std::fs::copy(&p, &target)?
        };
    }
    Ok(bytes)
}

fn dir_bytes(p: &Path) -> std::io::Result<u64> {
    let mut n = 0;
    for e in std::fs::read_dir(p)? {
        let e = e?;
        n += if e.file_type()?.is_dir() {
            dir_bytes(&e.path())?
        } else {
            e.metadata()?.len()
        };
    }
    Ok(n)
}

/// The submitter folders of a fixture round (its README is left out).
fn submitters(round: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(round)? {
        let p = e?.path();
        if p.is_dir() {
            out.push(p);
        }
    }
    out.sort();
    Ok(out)
}

/// Builds `<root>/<round>/<submitter><i>` copies until the tree holds [`TARGET_BYTES`].
fn build_tree(root: &Path) -> std::io::Result<u64> {
    let fixtures = shared().join("fixtures");
    let mut one = 0;
    for r in ROUNDS {
        one += dir_bytes(&fixtures.join(format!("mlperf-training-{r}")))?;
    }
    let copies = TARGET_BYTES.div_ceil(one.max(1));
    let mut bytes = 0;
    for r in ROUNDS {
        for org in submitters(&fixtures.join(format!("mlperf-training-{r}")))? {
            let name = org.file_name().unwrap_or_default().to_string_lossy();
            for i in 0..copies {
                bytes += copy_dir(&org, &root.join(r).join(format!("{name}{i:03}")))?;
            }
        }
    }
    Ok(bytes)
}

/// Peak resident memory of this process (`VmHWM`), in kB.
fn vm_hwm_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
            line.split_whitespace().nth(1)?.parse().ok()
        })
        .unwrap_or(0)
}

/// The child: verifies every round of the tree, prints one line per round and the peak RSS.
fn child(root: &Path, rounds: &[&str]) -> std::io::Result<()> {
    for &r in rounds {
        let opts = VerifyOptions {
            ruleset: format!("mlperf-training-{r}"),
            spec: None,
        };
        let t = Instant::now();
        let report =
            verify(&[root.join(r)], &opts).map_err(|e| std::io::Error::other(e.to_string()))?;
        let passed = report
            .benchmarks
            .iter()
            .filter(|b| b.verdict == repro_audit::verify::Verdict::Pass)
            .count();
        println!(
            "  v{r}: {:.3}s, {} folders, {passed} pass",
            t.elapsed().as_secs_f64(),
            report.benchmarks.len()
        );
    }
    println!("  peak RSS (VmHWM): {:.1} MB", vm_hwm_kb() as f64 / 1e3);
    Ok(())
}

/// Runs `cmd` under `/usr/bin/time -f '%e %M'`: (wall s, peak RSS kB, success).
fn timed(mut args: Vec<String>, cwd: &Path) -> std::io::Result<(f64, u64, bool)> {
    let mut full = vec!["-f".to_owned(), "TIME %e %M".to_owned()];
    full.append(&mut args);
    let out = Command::new("/usr/bin/time")
        .args(&full)
        .current_dir(cwd)
        .output()?;
    let err = String::from_utf8_lossy(&out.stderr);
    let line = err
        .lines()
        .rev()
        .find(|l| l.starts_with("TIME "))
        .unwrap_or("");
    let mut f = line.split_whitespace().skip(1);
    let wall = f.next().and_then(|s| s.parse().ok()).unwrap_or(f64::NAN);
    let rss = f.next().and_then(|s| s.parse().ok()).unwrap_or(0);
    Ok((wall, rss, out.status.success()))
}

/// The allocator the `repro` binary uses (`src/main.rs`), so the child measures what it runs.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--verify-child") {
        let only: Vec<&str> = args[i + 2..].iter().map(String::as_str).collect();
        return child(
            Path::new(&args[i + 1]),
            if only.is_empty() { &ROUNDS } else { &only },
        );
    }
    let official = args.iter().any(|a| a == "--official");
    let dir = tempfile::tempdir()?;
    let tree = dir.path().join("tree");
    let t = Instant::now();
    let bytes = build_tree(&tree)?;
    println!(
        "built tree: {:.0} MB (rounds {}) in {:.1}s",
        bytes as f64 / 1e6,
        ROUNDS.join(", "),
        t.elapsed().as_secs_f64()
    );
    let me = std::env::current_exe()?;
    for i in 0..3 {
        let t = Instant::now();
        let out = Command::new(&me)
            .arg("--verify-child")
            .arg(&tree)
            .output()?;
        let s = t.elapsed().as_secs_f64();
        println!("repro verify run {} ({s:.3}s wall, whole process):", i + 1);
        print!("{}", String::from_utf8_lossy(&out.stdout));
        if !out.status.success() {
            eprint!("{}", String::from_utf8_lossy(&out.stderr));
        }
    }
    hostile(dir.path(), &me)?;
    if official {
        let python = std::env::var("REPRO_MLPERF_PYTHON").unwrap_or_else(|_| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../target/mlperf-venv/bin/python3")
                .display()
                .to_string()
        });
        let copy = dir.path().join("official");
        copy_dir(&tree, &copy)?;
        let (mut sum_wall, mut max_rss) = (0.0, 0);
        for r in ROUNDS {
            let round = copy.join(r);
            let (w, m, ok) = timed(
                vec![
                    python.clone(),
                    "-m".into(),
                    "mlperf_logging.result_summarizer".into(),
                    format!("{}/{{*}}", round.display()),
                    "training".into(),
                    format!("{r}.0"),
                    "--csv".into(),
                    dir.path()
                        .join(format!("summary-{r}.csv"))
                        .display()
                        .to_string(),
                ],
                dir.path(),
            )?;
            println!(
                "official result_summarizer v{r}: {w:.1}s, peak RSS {:.0} MB, exit ok: {ok}",
                m as f64 / 1e3
            );
            sum_wall += w;
            max_rss = max_rss.max(m);
            let (mut pw, mut pm, mut n) = (0.0, 0, 0);
            for org in submitters(&round)? {
                let (w, m, _) = timed(
                    vec![
                        python.clone(),
                        "-m".into(),
                        "mlperf_logging.package_checker".into(),
                        org.display().to_string(),
                        "training".into(),
                        format!("{r}.0"),
                    ],
                    dir.path(),
                )?;
                pw += w;
                pm = pm.max(m);
                n += 1;
            }
            println!(
                "official package_checker v{r}: {pw:.1}s over {n} submitters, peak RSS {:.0} MB",
                pm as f64 / 1e3
            );
            sum_wall += pw;
            max_rss = max_rss.max(pm);
        }
        println!(
            "official tools total: {sum_wall:.1}s wall, peak RSS {:.0} MB",
            max_rss as f64 / 1e3
        );
    }
    Ok(())
}

/// The v4.1 NVIDIA gpt3 folder with a 100 MB MLLOG line in one log: verify's peak RSS stays
/// near the normal case's (the line is skipped unread and reported).
fn hostile(tmp: &Path, me: &Path) -> std::io::Result<()> {
    use std::io::Write;
    let root = tmp.join("hostile");
    let org = root.join("4.1/NVIDIA");
    copy_dir(&shared().join("fixtures/mlperf-training-4.1/NVIDIA"), &org)?;
    let log = org.join("results/eos_n64_ngc24.09_nemo/gpt3/result_0.txt");
    let text = std::fs::read(&log)?;
    let mut f = std::io::BufWriter::new(std::fs::File::create(&log)?);
    f.write_all(b":::MLLOG {\"key\": \"")?;
    let block = vec![b'x'; 1 << 20];
    for _ in 0..100 {
        f.write_all(&block)?;
    }
    f.write_all(b"\"}\n")?;
    f.write_all(&text)?;
    f.flush()?;
    let out = Command::new(me)
        .arg("--verify-child")
        .arg(&root)
        .arg("4.1")
        .output()?;
    println!("hostile log (one 100 MB MLLOG line):");
    print!("{}", String::from_utf8_lossy(&out.stdout));
    Ok(())
}
