//! The reference workload, run as a process exactly as the local executor runs it.

use std::process::{Command, Output, Stdio};

fn run(seed: &str, rank: &str, world: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_smoke-sgd"))
        .env("SEED", seed)
        .env("RANK", rank)
        .env("WORLD_SIZE", world)
        .args(args)
        .output()
        .unwrap()
}

/// The log with every `time_ms` removed: what must be identical for one seed.
fn untimed(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let mut v: serde_json::Value =
                serde_json::from_str(l.strip_prefix(":::MLLOG ").expect("only MLLOG lines"))
                    .unwrap();
            v.as_object_mut().unwrap().remove("time_ms");
            v
        })
        .collect()
}

fn keys(log: &[serde_json::Value]) -> Vec<&str> {
    log.iter().map(|v| v["key"].as_str().unwrap()).collect()
}

#[test]
fn converges_and_logs_a_complete_run() {
    let out = run("7", "0", "1", &[]);
    assert!(out.status.success());
    let log = untimed(&out);
    let keys = keys(&log);
    for key in [
        "submission_org",
        "submission_platform",
        "submission_division",
        "submission_benchmark",
        "cache_clear",
        "init_start",
        "init_stop",
        "run_start",
        "run_stop",
        "block_start",
        "block_stop",
        "epoch_start",
        "epoch_stop",
        "eval_start",
        "eval_stop",
        "eval_accuracy",
        "train_samples",
        "eval_samples",
        "global_batch_size",
        "seed",
        "opt_name",
        "opt_base_learning_rate",
        "gradient_accumulation_steps",
    ] {
        assert!(keys.contains(&key), "missing `{key}`");
    }
    let stop = log.last().unwrap();
    assert_eq!(stop["key"], "run_stop");
    assert_eq!(stop["metadata"]["status"], "success");
    let last_eval = log
        .iter()
        .rev()
        .find(|v| v["key"] == "eval_accuracy")
        .unwrap();
    assert!(last_eval["value"].as_f64().unwrap() >= 0.90);
}

#[test]
fn same_seed_same_log_other_seed_other_log() {
    let a = untimed(&run("3", "0", "1", &[]));
    let b = untimed(&run("3", "0", "1", &[]));
    let c = untimed(&run("4", "0", "1", &[]));
    assert_eq!(a, b);
    assert_ne!(a, c);
}

/// Starts `world` ranks together, as a launcher does, and returns their outputs by rank.
fn run_ranks(seed: &str, world: usize, args: &[&str]) -> Vec<Output> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let children: Vec<_> = (0..world)
        .map(|rank| {
            Command::new(env!("CARGO_BIN_EXE_smoke-sgd"))
                .env("SEED", seed)
                .env("RANK", rank.to_string())
                .env("WORLD_SIZE", world.to_string())
                .env("MASTER_ADDR", "127.0.0.1")
                .env("MASTER_PORT", port.to_string())
                .args(args)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect()
}

#[test]
fn data_parallel_ranks_train_together_and_only_rank_zero_logs() {
    let outputs = run_ranks("3", 2, &[]);
    assert!(outputs.iter().all(|o| o.status.success()));
    assert!(outputs[1].stdout.is_empty());
    let two = untimed(&outputs[0]);
    assert_eq!(
        two,
        untimed(&run_ranks("3", 2, &[])[0]),
        "deterministic for (seed, world)"
    );
    assert_eq!(keys(&two).last(), Some(&"run_stop"));
    assert_eq!(two.last().unwrap()["metadata"]["status"], "success");
    // Averaged shard gradients are full-batch gradients: the run tracks the one-process run.
    let accuracies = |log: &[serde_json::Value]| -> Vec<f64> {
        log.iter()
            .filter(|v| v["key"] == "eval_accuracy")
            .map(|v| v["value"].as_f64().unwrap())
            .collect()
    };
    let one = untimed(&run("3", "0", "1", &[]));
    let four = untimed(&run_ranks("3", 4, &[])[0]);
    assert!(!accuracies(&four).is_empty());
    for (a, b) in accuracies(&four).iter().zip(accuracies(&one)) {
        assert!((a - b).abs() < 0.01, "4 ranks {a} vs 1 rank {b}");
    }
}

#[test]
fn a_missing_peer_is_exit_3_not_a_hang() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let root = Command::new(env!("CARGO_BIN_EXE_smoke-sgd"))
        .env("RANK", "0")
        .env("WORLD_SIZE", "2")
        .env("MASTER_PORT", port.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A peer that connects, introduces itself and dies before the first gradient.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let mut peer = loop {
        match std::net::TcpStream::connect(("127.0.0.1", port)) {
            Ok(stream) => break stream,
            Err(e) if std::time::Instant::now() > deadline => panic!("rank 0 never listened: {e}"),
            Err(_) => std::thread::sleep(std::time::Duration::from_millis(10)),
        }
    };
    std::io::Write::write_all(&mut peer, &1u32.to_le_bytes()).unwrap();
    drop(peer);
    let out = root.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("smoke-sgd: error (rank 0): gradient exchange failed in epoch 1"),
        "{err}"
    );
}

#[test]
fn unreachable_target_aborts_with_exit_1() {
    let out = run("1", "0", "1", &["--target", "0.999", "--max-epochs", "2"]);
    assert_eq!(out.status.code(), Some(1));
    let log = untimed(&out);
    assert_eq!(log.last().unwrap()["metadata"]["status"], "aborted");
}

#[test]
fn bad_input_is_exit_2_with_a_message() {
    let out = run("1", "0", "1", &["--lr", "fast"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        err.trim(),
        "smoke-sgd: error: `--lr` expects a number, found `fast`"
    );
    let out = run("1", "2", "2", &[]);
    assert_eq!(out.status.code(), Some(2));
    let out = run("1", "0", "3", &["--global-batch-size", "129"]);
    assert_eq!(out.status.code(), Some(2));
    let out = run("1", "0", "3", &["--global-batch-size", "3"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "16384 samples do not split over 3 ranks"
    );
}
