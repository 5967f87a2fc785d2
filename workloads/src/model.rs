use crate::data::Dataset;

/// Logistic regression: p(y=1|x) = sigmoid(w.x + b).
pub struct Model {
    pub w: Vec<f64>,
    pub b: f64,
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

impl Model {
    pub fn predict(&self, x: &[f64]) -> f64 {
        sigmoid(x.iter().zip(&self.w).map(|(a, b)| a * b).sum::<f64>() + self.b)
    }

    /// One SGD step on the mean log-loss of `batch`, with L2 `weight_decay` on `w`.
    pub fn step(&mut self, data: &Dataset, batch: &[usize], lr: f64, weight_decay: f64) {
        let mut grad_w = vec![0.0; self.w.len()];
        let mut grad_b = 0.0;
        for &i in batch {
            let x = data.row(i);
            let err = self.predict(x) - data.y[i];
            grad_w.iter_mut().zip(x).for_each(|(g, xi)| *g += err * xi);
            grad_b += err;
        }
        let n = batch.len() as f64;
        for (w, g) in self.w.iter_mut().zip(&grad_w) {
            *w -= lr * (g / n + weight_decay * *w);
        }
        self.b -= lr * grad_b / n;
    }

    pub fn accuracy(&self, data: &Dataset) -> f64 {
        let correct = (0..data.len())
            .filter(|&i| (self.predict(data.row(i)) > 0.5) == (data.y[i] > 0.5))
            .count();
        correct as f64 / data.len() as f64
    }
}
