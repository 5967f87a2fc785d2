use crate::rng::Rng;

/// A labelled dataset stored row-major: `x[i*dim..(i+1)*dim]` is sample `i`.
pub struct Dataset {
    pub dim: usize,
    pub x: Vec<f64>,
    pub y: Vec<f64>,
}

impl Dataset {
    pub fn len(&self) -> usize {
        self.y.len()
    }

    pub fn row(&self, i: usize) -> &[f64] {
        &self.x[i * self.dim..(i + 1) * self.dim]
    }
}

/// Train and eval sets drawn from one linear teacher with label noise, so that the Bayes
/// accuracy is below 1 and a target accuracy is reached after a few epochs, not at once.
pub fn synthetic(seed: u64, dim: usize, train: usize, eval: usize) -> (Dataset, Dataset) {
    let mut rng = Rng::new(seed);
    let teacher: Vec<f64> = (0..dim).map(|_| rng.normal()).collect();
    let mut draw = |n: usize| {
        let mut x = Vec::with_capacity(n * dim);
        let mut y = Vec::with_capacity(n);
        for _ in 0..n {
            let row: Vec<f64> = (0..dim).map(|_| rng.normal()).collect();
            let margin: f64 = row.iter().zip(&teacher).map(|(a, b)| a * b).sum();
            y.push(if margin + 1.5 * rng.normal() > 0.0 {
                1.0
            } else {
                0.0
            });
            x.extend(row);
        }
        Dataset { dim, x, y }
    };
    let train_set = draw(train);
    let eval_set = draw(eval);
    (train_set, eval_set)
}

/// The indices rank `rank` of `world` trains on.
pub fn shard(len: usize, rank: usize, world: usize) -> Vec<usize> {
    (rank..len).step_by(world).collect()
}
