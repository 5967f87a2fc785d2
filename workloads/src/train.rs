use serde_json::json;

use crate::comm::Comm;
use crate::config::Config;
use crate::data;
use crate::mllog::Logger;
use crate::model::Model;
use crate::rng::Rng;

/// Trains until the eval accuracy reaches the target or `max_epochs` pass; logs the whole
/// MLPerf run. Returns whether it converged, or why the ranks could not talk.
///
/// Every rank evaluates the same (bit-identical) model on the whole eval set, so all ranks
/// take the same stop decision without another message.
pub fn run(config: &Config, log: &mut Logger) -> Result<bool, String> {
    let no_meta = || json!({});
    log.point("cache_clear", json!(true), no_meta());
    log.start("init_start", no_meta());
    log_submission(log);
    let (train, eval) = data::synthetic(
        config.data_seed,
        config.dim,
        config.train_samples,
        config.eval_samples,
    );
    let mut shard = data::shard(train.len(), config.rank, config.world_size);
    log_hparams(config, log);
    let mut init = Rng::new(config.seed);
    let mut model = Model {
        w: (0..config.dim).map(|_| 0.01 * init.normal()).collect(),
        b: 0.0,
    };
    let mut rng = Rng::new(config.seed ^ (config.rank as u64 + 1).wrapping_mul(0x9E37_79B9));
    let mut comm = Comm::connect(
        config.rank,
        config.world_size,
        &config.master_addr,
        config.master_port,
    )
    .map_err(|e| {
        format!(
            "cannot reach the other ranks at {}:{}: {e}",
            config.master_addr, config.master_port
        )
    })?;
    log.end("init_stop", no_meta());
    log.start("run_start", no_meta());
    let mut converged = false;
    let mut epoch = 0;
    while epoch < config.max_epochs && !converged {
        epoch += 1;
        log.start(
            "block_start",
            json!({"first_epoch_num": epoch, "epoch_count": 1}),
        );
        log.start("epoch_start", json!({"epoch_num": epoch}));
        rng.shuffle(&mut shard);
        for batch in shard.chunks(config.local_batch()) {
            let mut grad = model.gradient(&train, batch);
            comm.allreduce_mean(&mut grad)
                .map_err(|e| format!("gradient exchange failed in epoch {epoch}: {e}"))?;
            model.apply(&grad, config.learning_rate, config.weight_decay);
        }
        log.end("epoch_stop", json!({"epoch_num": epoch}));
        log.start("eval_start", json!({"epoch_num": epoch}));
        let accuracy = model.accuracy(&eval);
        log.point(
            "eval_accuracy",
            json!(accuracy),
            json!({"epoch_num": epoch}),
        );
        log.end("eval_stop", json!({"epoch_num": epoch}));
        log.end("block_stop", json!({"first_epoch_num": epoch}));
        converged = accuracy >= config.target_accuracy;
    }
    let status = if converged { "success" } else { "aborted" };
    log.end("run_stop", json!({"status": status, "epoch_num": epoch}));
    Ok(converged)
}

fn log_submission(log: &mut Logger) {
    let points = [
        ("submission_org", "repro"),
        ("submission_platform", "local-cpu"),
        ("submission_division", "open"),
        ("submission_status", "research"),
        ("submission_benchmark", "smoke_sgd"),
    ];
    for (key, value) in points {
        log.point(key, json!(value), json!({}));
    }
}

fn log_hparams(config: &Config, log: &mut Logger) {
    let points = [
        ("seed", json!(config.seed)),
        ("global_batch_size", json!(config.global_batch_size)),
        ("train_samples", json!(config.train_samples)),
        ("eval_samples", json!(config.eval_samples)),
        ("gradient_accumulation_steps", json!(1)),
        ("opt_name", json!("sgd")),
        ("opt_base_learning_rate", json!(config.learning_rate)),
        ("opt_weight_decay", json!(config.weight_decay)),
        ("target_accuracy", json!(config.target_accuracy)),
    ];
    for (key, value) in points {
        log.point(key, value, json!({}));
    }
}
