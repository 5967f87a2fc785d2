//! The reference workload, run as a process exactly as the local executor runs it.

use std::process::{Command, Output};

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

#[test]
fn only_rank_zero_logs_and_shards_change_the_result() {
    let other = run("3", "1", "2", &[]);
    assert!(other.status.success());
    assert!(other.stdout.is_empty());
    let sharded = untimed(&run("3", "0", "2", &[]));
    assert_ne!(sharded, untimed(&run("3", "0", "1", &[])));
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
}
