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

    /// Gradient of the mean log-loss over `batch`: `w` components, then `b`.
    pub fn gradient(&self, data: &Dataset, batch: &[usize]) -> Vec<f64> {
        let mut grad = vec![0.0; self.w.len() + 1];
        for &i in batch {
            let x = data.row(i);
            let err = self.predict(x) - data.y[i];
            grad.iter_mut().zip(x).for_each(|(g, xi)| *g += err * xi);
            grad[self.w.len()] += err;
        }
        let n = batch.len().max(1) as f64;
        grad.iter_mut().for_each(|g| *g /= n);
        grad
    }

    /// One SGD step along `grad`, with L2 `weight_decay` on `w`.
    pub fn apply(&mut self, grad: &[f64], lr: f64, weight_decay: f64) {
        for (w, g) in self.w.iter_mut().zip(grad) {
            *w -= lr * (g + weight_decay * *w);
        }
        self.b -= lr * grad[self.w.len()];
    }

    pub fn accuracy(&self, data: &Dataset) -> f64 {
        let correct = (0..data.len())
            .filter(|&i| (self.predict(data.row(i)) > 0.5) == (data.y[i] > 0.5))
            .count();
        correct as f64 / data.len() as f64
    }
}
