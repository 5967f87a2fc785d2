//! No panic is reachable from input: a mutation fuzzer over the four kinds of input repro
//! reads (specs through the whole compiler, locks, result records, MLLOG logs), for runs
//! outside CI:
//!
//! ```text
//! REPRO_FUZZ_CASES=1000000 nice -n 19 cargo test --release --test fuzz_inputs -- --ignored --nocapture
//! REPRO_FUZZ_TARGET=spec ...   # one target only: spec, lock, record, mllog
//! ```
//!
//! Each case mutates a real seed file (insert hostile tokens, delete, duplicate and splice
//! ranges, flip bytes) with a seeded xorshift generator (`REPRO_FUZZ_SEED`) and feeds it to
//! the same function the CLI calls. A panic fails the test and prints the seed, the case and
//! the input. The default case count (200 per target) keeps the ignored test quick.

use std::path::{Path, PathBuf};
use std::time::Instant;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Tokens that matter to one of the four formats.
const TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    "\"",
    "${",
    "#",
    "\n",
    "\r",
    "\0",
    "=",
    ",",
    ".",
    ":",
    "-",
    "\\",
    "\\n",
    "\\u{0}",
    "/",
    "../",
    "..",
    "9223372036854775807",
    "-9223372036854775808",
    "(-9223372036854775807 - 1) / -1",
    " * ",
    " / ",
    "1e308",
    "NaN",
    "null",
    "true",
    "[[",
    "]]",
    "sweep x in [1, 2, 3]\n",
    "use \"a.run\"\n",
    "run \"x\" {",
    "3h",
    "141GB",
    "5%",
    ":::MLLOG ",
    "\"key\": ",
    "\"value\": ",
    "\"metadata\": {",
    "\"time_ms\": ",
    "\u{85}",
    "\u{2028}",
    "é",
    "\u{ff}",
    "'",
    "$(id)",
];

fn mutate(rng: &mut XorShift, seed: &[u8]) -> Vec<u8> {
    let mut out = seed.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(out.len() + 1);
        match rng.below(6) {
            0 | 1 => {
                let t = TOKENS[rng.below(TOKENS.len())].as_bytes();
                out.splice(at..at, t.iter().copied());
            }
            2 => {
                let end = (at + rng.below(40)).min(out.len());
                out.drain(at..end);
            }
            3 => {
                let end = (at + rng.below(80)).min(out.len());
                let piece = out[at..end].to_vec();
                let to = rng.below(out.len() + 1);
                out.splice(to..to, piece);
            }
            4 if !out.is_empty() => {
                let i = rng.below(out.len());
                out[i] = rng.next() as u8;
            }
            _ => {
                let end = (at + rng.below(200)).min(out.len());
                let piece = out[at..end].to_vec();
                out.extend(piece);
            }
        }
    }
    out
}

fn cases() -> u64 {
    std::env::var("REPRO_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200)
}

fn seed() -> u64 {
    std::env::var("REPRO_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x9E37_79B9_7F4A_7C15)
}

fn wanted(target: &str) -> bool {
    std::env::var("REPRO_FUZZ_TARGET").map_or(true, |t| t == target)
}

/// Runs `check` on `cases()` mutations of the seeds, reporting progress and the count.
fn fuzz(target: &str, seeds: &[Vec<u8>], mut check: impl FnMut(&[u8])) {
    if !wanted(target) {
        return;
    }
    assert!(!seeds.is_empty(), "{target}: no seed inputs");
    let (n, s) = (cases(), seed());
    let mut rng = XorShift(s ^ target.len() as u64 ^ 0xA5A5);
    let start = Instant::now();
    for case in 0..n {
        let pick = rng.below(seeds.len());
        let input = mutate(&mut rng, &seeds[pick]);
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&input)));
        if result.is_err() {
            panic!(
                "{target}: panic at case {case} (REPRO_FUZZ_SEED={s}); input:\n{}",
                String::from_utf8_lossy(&input)
            );
        }
        if case > 0 && case % 10_000 == 0 {
            eprintln!(
                "{target}: {case} cases, {:.0} s",
                start.elapsed().as_secs_f64()
            );
        }
    }
    eprintln!(
        "{target}: {n} cases without a panic in {:.1} s",
        start.elapsed().as_secs_f64()
    );
}

fn read_all(paths: &[PathBuf]) -> Vec<Vec<u8>> {
    paths.iter().filter_map(|p| std::fs::read(p).ok()).collect()
}

fn files_with(dir: &Path, ext: &str, limit: usize) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == ext) && out.len() < limit {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
#[ignore = "long: run by hand with REPRO_FUZZ_CASES"]
fn specs_never_panic_the_compiler() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(ROOT);
    let mut seeds = read_all(&files_with(&root.join("specs"), "run", 50));
    seeds.extend(read_all(&files_with(
        &root.join("compiler/tests/fixtures"),
        "run",
        200,
    )));
    std::fs::create_dir_all(dir.path().join("templates")).unwrap();
    std::fs::write(dir.path().join("templates/nemo.sbatch"), "#!/bin/bash\n").unwrap();
    std::fs::write(dir.path().join("templates/local.sh"), "#!/bin/bash\n").unwrap();
    let spec = dir.path().join("x.run");
    let opts = repro_compiler::Options {
        root: Some(dir.path().to_path_buf()),
        validate_only: true,
        ..Default::default()
    };
    fuzz("spec", &seeds, |input| {
        std::fs::write(&spec, input).unwrap();
        let _ = repro_compiler::compile(&spec, &opts).map_err(|f| f.render());
    });
}

#[test]
#[ignore = "long: run by hand with REPRO_FUZZ_CASES"]
fn locks_never_panic_the_reader() {
    let seeds = read_all(&files_with(&Path::new(ROOT).join("lockfiles"), "lock", 50));
    let path = Path::new("fuzz.lock");
    fuzz("lock", &seeds, |input| {
        let text = String::from_utf8_lossy(input);
        if let Ok(lock) = repro_compiler::Lockfile::parse(path, &text) {
            let _ = lock.verify();
            let _ = repro_compiler::Launch::from_lock(&lock);
            let _ = repro_compiler::Pins::from_lock(&lock);
            let _ = lock.write_bytes();
        }
    });
}

#[test]
#[ignore = "long: run by hand with REPRO_FUZZ_CASES"]
fn result_records_never_panic_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let seeds = vec![record_seed()];
    let path = dir.path().join("record.json");
    fuzz("record", &seeds, |input| {
        std::fs::write(&path, input).unwrap();
        if let Ok(stored) = repro_runner::store::load(&path) {
            let _ = repro_runner::store::check_plan_name(&stored.record.plan);
        }
    });
}

/// A complete result record, as the store writes it.
fn record_seed() -> Vec<u8> {
    use repro_runner::exec::RunStatus;
    use repro_runner::probe::EnvRecord;
    use repro_runner::store::{LogDigest, ResultRecord, RunMetrics, RunRecord, RunVerdict, FORMAT};
    let env = Path::new(ROOT).join("runner/tests/fixtures/probe/no-gpu.json");
    let run = RunRecord {
        index: 0,
        run_id: "1-0".into(),
        seed: 1,
        status: RunStatus::Succeeded,
        elapsed_s: 1.5,
        metrics: Some(RunMetrics {
            ttt_s: Some(1.0),
            converged: true,
            samples_to_converge: Some(65536.0),
            throughput: Some(50000.0),
            messages: vec!["ok".into()],
            hparams_drift: Vec::new(),
            nccl_loaded: None,
            nccl_drift: None,
        }),
        logs: vec![LogDigest {
            path: "1-0/rank-0.log".into(),
            sha256: "0".repeat(64),
        }],
    };
    ResultRecord {
        format: FORMAT,
        repro_version: "0.1.0".into(),
        plan: "smoke[nodes=1]".into(),
        plan_hash: "p".into(),
        lock_hash: "l".into(),
        hardware: Default::default(),
        software: Default::default(),
        unverified_sources: Vec::new(),
        tolerance: 0.05,
        dropped_allowed: Some(1),
        environment: EnvRecord::read(&env).unwrap(),
        drift: vec![],
        reproducible: true,
        health: Vec::new(),
        executor: "local".into(),
        created_unix_ms: 1,
        runs: vec![run],
        score_s: Some(1.0),
        verdict: RunVerdict::Pass,
    }
    .to_bytes()
}

#[test]
#[ignore = "long: run by hand with REPRO_FUZZ_CASES"]
fn mllog_logs_never_panic_the_checker() {
    let shared = Path::new("/work/shared/fixtures");
    let fixtures = if shared.is_dir() {
        shared.to_path_buf()
    } else {
        Path::new(ROOT).join("audit/tests/fixtures")
    };
    let seeds: Vec<Vec<u8>> = read_all(&files_with(&fixtures, "txt", 20))
        .into_iter()
        // Short seeds keep a case fast; the checker sees every rule either way.
        .map(|s| s.into_iter().take(64 * 1024).collect())
        .collect();
    let book = repro_audit::mlperf::RuleBook::training_4_1().unwrap();
    fuzz("mllog", &seeds, |input| {
        let log = repro_audit::mlperf::MlLog::parse(input);
        let _ = repro_audit::mlperf::check_compliance(&log, &book);
    });
}
