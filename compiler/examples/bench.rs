//! Timings for the compiler's speed targets. Run with
//! `cargo run --release -p repro-compiler --example bench`.
//!
//! - lock a gpt3-512xh200-like spec, warm (the lock exists and is unchanged): target < 30 ms
//! - lock a 1,000-point sweep (1,000 lock files written): target < 1 s
//! - `--check` of 100 specs: target < 1 s
//!
//! Everything runs in a tempdir with a real git repository as the source, so ref resolution
//! is part of every measurement. Writing 1,000 new files is dominated by the filesystem
//! (ext4 inode allocation on a busy disk), hence the separate compile-only line. Writing 1,000 new files is dominated by the filesystem
//! (ext4 inode allocation on a busy disk), hence the separate compile-only line.

use std::path::Path;
use std::time::{Duration, Instant};

use repro_compiler::locker::{check, lock};
use repro_compiler::options::Options;

const GPT3: &str = include_str!("../tests/fixtures/gpt3/specs/gpt3-512xh200.run");

fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    make_repo(&root.join("repo"));
    write(
        root,
        "templates/nemo.sbatch",
        "#!/bin/bash\nsrun python train.py\n",
    );
    write(root, "specs/gpt3-512xh200.run", GPT3);
    let opts = Options {
        root: Some(root.to_path_buf()),
        ..Options::default()
    };

    let spec = root.join("specs/gpt3-512xh200.run");
    lock(&spec, &opts).expect("lock gpt3");
    let warm = median((0..50).map(|_| time(|| drop(lock(&spec, &opts).expect("lock")))));
    report(
        "lock gpt3-512xh200 (warm, median of 50)",
        warm,
        Duration::from_millis(30),
    );

    write(root, "specs/sweep.run", &sweep_spec());
    let sweep = root.join("specs/sweep.run");
    let compiled = time(|| {
        let c = repro_compiler::compile(&sweep, &opts).expect("compile sweep");
        assert_eq!(c.plans.len(), 1000);
    });
    report(
        "  of which compiling the 1,000 plans",
        compiled,
        Duration::from_secs(1),
    );
    let cold = median((0..3).map(|_| {
        // no lock directory each time, so every run writes 1,000 new files
        let _ = std::fs::remove_dir_all(root.join("lockfiles"));
        time(|| {
            let (_, updates) = lock(&sweep, &opts).expect("lock sweep");
            assert_eq!(updates.len(), 1000);
        })
    }));
    report(
        "lock 1,000-point sweep (1,000 new locks, median of 3)",
        cold,
        Duration::from_secs(1),
    );
    let warm = time(|| drop(lock(&sweep, &opts).expect("relock sweep")));
    report(
        "relock the same sweep (1,000 locks unchanged)",
        warm,
        Duration::from_secs(1),
    );

    let specs: Vec<_> = (0..100)
        .map(|i| {
            let text = GPT3
                .replace("gpt3-512xh200", &format!("gpt3-{i}"))
                .replace("gpt3-1024xh200", &format!("gpt3-big-{i}"));
            let rel = format!("specs/many/s{i}.run");
            write(
                root,
                &rel,
                &text
                    .replace("../templates", "../../templates")
                    .replace("../repo", "../../repo"),
            );
            root.join(rel)
        })
        .collect();
    for s in &specs {
        lock(s, &opts).expect("lock many");
    }
    let checked = time(|| {
        for s in &specs {
            check(s, &opts).expect("check");
        }
    });
    report(
        "--check of 100 specs (200 plans)",
        checked,
        Duration::from_secs(1),
    );
}

fn sweep_spec() -> String {
    let seeds: Vec<String> = (1..=100).map(|i| i.to_string()).collect();
    GPT3.replace(
        "  runs = 3\n}\n",
        &format!("  runs = 3\n  sweep nodes in [8, 16, 24, 32, 40, 48, 56, 64, 72, 80]\n  sweep seed in [{}]\n}}\n", seeds.join(", ")),
    )
    .split("run \"gpt3-1024xh200\"")
    .next()
    .unwrap()
    .to_string()
}

fn time(f: impl FnOnce()) -> Duration {
    let start = Instant::now();
    f();
    start.elapsed()
}

fn median(it: impl Iterator<Item = Duration>) -> Duration {
    let mut v: Vec<Duration> = it.collect();
    v.sort();
    v[v.len() / 2]
}

fn report(what: &str, took: Duration, target: Duration) {
    let verdict = if took < target { "ok" } else { "OVER TARGET" };
    println!(
        "{what:<48} {:>10.2} ms   (target < {} ms) {verdict}",
        took.as_secs_f64() * 1e3,
        target.as_millis()
    );
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn make_repo(path: &Path) {
    let repo = git2::Repository::init(path).unwrap();
    std::fs::write(path.join("README"), "bench\n").unwrap();
    let mut index = repo.index().unwrap();
    index.add_path(Path::new("README")).unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let sig = git2::Signature::now("bench", "bench@example.com").unwrap();
    repo.commit(Some("refs/heads/main"), &sig, &sig, "bench", &tree, &[])
        .unwrap();
}
