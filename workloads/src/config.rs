/// Everything the workload's result depends on, from `RANK`/`WORLD_SIZE`/`SEED` and flags.
#[derive(Debug, Clone)]
pub struct Config {
    pub rank: usize,
    pub world_size: usize,
    pub seed: u64,
    /// Where rank 0 listens for the other ranks (`MASTER_ADDR`, `MASTER_PORT`).
    pub master_addr: String,
    pub master_port: u16,
    pub data_seed: u64,
    pub dim: usize,
    pub train_samples: usize,
    pub eval_samples: usize,
    pub global_batch_size: usize,
    pub learning_rate: f64,
    pub weight_decay: f64,
    pub target_accuracy: f64,
    pub max_epochs: usize,
}

impl Config {
    pub fn from_env_and_args(args: impl Iterator<Item = String>) -> Result<Config, String> {
        let mut config = Config {
            rank: env_number("RANK", 0)?,
            world_size: env_number("WORLD_SIZE", 1)?,
            seed: env_number("SEED", 0)?,
            master_addr: std::env::var("MASTER_ADDR").unwrap_or_else(|_| "127.0.0.1".into()),
            master_port: env_number("MASTER_PORT", 29500)?,
            data_seed: 20_241_113,
            dim: 32,
            train_samples: 16_384,
            eval_samples: 4_096,
            global_batch_size: 128,
            learning_rate: 0.002,
            weight_decay: 0.0,
            target_accuracy: 0.90,
            max_epochs: 20,
        };
        let args: Vec<String> = args.collect();
        for pair in args.chunks(2) {
            let [flag, value] = pair else {
                return Err(format!("`{}` needs a value", pair[0]));
            };
            config.set(flag, value)?;
        }
        config.validate()?;
        Ok(config)
    }

    fn set(&mut self, flag: &str, value: &str) -> Result<(), String> {
        match flag {
            "--data-seed" => self.data_seed = parse(flag, value)?,
            "--dim" => self.dim = parse(flag, value)?,
            "--train-samples" => self.train_samples = parse(flag, value)?,
            "--eval-samples" => self.eval_samples = parse(flag, value)?,
            "--global-batch-size" => self.global_batch_size = parse(flag, value)?,
            "--lr" => self.learning_rate = parse(flag, value)?,
            "--weight-decay" => self.weight_decay = parse(flag, value)?,
            "--target" => self.target_accuracy = parse(flag, value)?,
            "--max-epochs" => self.max_epochs = parse(flag, value)?,
            _ => return Err(format!("unknown flag `{flag}`")),
        }
        Ok(())
    }

    fn validate(&self) -> Result<(), String> {
        if self.world_size == 0 || self.rank >= self.world_size {
            return Err(format!(
                "`RANK` {} is not below `WORLD_SIZE` {}",
                self.rank, self.world_size
            ));
        }
        if self.global_batch_size == 0 || !self.global_batch_size.is_multiple_of(self.world_size) {
            return Err(format!(
                "`--global-batch-size` {} is not a positive multiple of `WORLD_SIZE` {}",
                self.global_batch_size, self.world_size
            ));
        }
        if !self.train_samples.is_multiple_of(self.world_size) {
            return Err(format!(
                "`--train-samples` {} is not a multiple of `WORLD_SIZE` {}: ranks would take different numbers of steps",
                self.train_samples, self.world_size
            ));
        }
        if self.dim == 0 || self.train_samples < self.world_size || self.eval_samples == 0 {
            return Err("`--dim`, `--train-samples` and `--eval-samples` must be positive".into());
        }
        Ok(())
    }

    /// Samples per step on this rank.
    pub fn local_batch(&self) -> usize {
        self.global_batch_size / self.world_size
    }
}

fn env_number<T: std::str::FromStr>(name: &str, default: T) -> Result<T, String> {
    match std::env::var(name) {
        Ok(text) => text
            .parse()
            .map_err(|_| format!("`{name}` must be a non-negative integer, found `{text}`")),
        Err(_) => Ok(default),
    }
}

fn parse<T: std::str::FromStr>(flag: &str, value: &str) -> Result<T, String> {
    value
        .parse()
        .map_err(|_| format!("`{flag}` expects a number, found `{value}`"))
}
