/// The environment one rank starts with: the torch.distributed contract.
///
/// Invariant: `local_rank < ranks_per_node`, `rank < world_size`; `CUDA_VISIBLE_DEVICES` holds
/// exactly the local rank's GPU so that every rank sees its own device as device 0.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RankEnv {
    pub rank: u32,
    pub world_size: u32,
    pub local_rank: u32,
    pub master_addr: String,
    pub master_port: u16,
    /// Seed of the run this rank belongs to (`SEED`); the workload must use it.
    pub seed: u64,
}

impl RankEnv {
    /// The variables to set, in a fixed order.
    pub fn vars(&self) -> Vec<(&'static str, String)> {
        vec![
            ("RANK", self.rank.to_string()),
            ("WORLD_SIZE", self.world_size.to_string()),
            ("LOCAL_RANK", self.local_rank.to_string()),
            ("MASTER_ADDR", self.master_addr.clone()),
            ("MASTER_PORT", self.master_port.to_string()),
            ("CUDA_VISIBLE_DEVICES", self.local_rank.to_string()),
            ("SEED", self.seed.to_string()),
        ]
    }

    /// One environment per local rank of a single-node run.
    pub fn local(world_size: u32, master_port: u16, seed: u64) -> Vec<RankEnv> {
        (0..world_size)
            .map(|rank| RankEnv {
                rank,
                world_size,
                local_rank: rank,
                master_addr: "127.0.0.1".to_string(),
                master_port,
                seed,
            })
            .collect()
    }
}
