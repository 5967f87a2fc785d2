//! Seeded percentile bootstrap for the ratio of two means (used by `repro compare`).
//!
//! Method: Efron & Tibshirani, *An Introduction to the Bootstrap* (1993), §13.3, percentile
//! interval. Each replicate resamples both groups with replacement, independently. The random
//! source is SplitMix64 (Steele, Lea & Flood, OOPSLA 2014) so that results are deterministic
//! for a given seed on every platform.

/// SplitMix64: a tiny, fast, well-distributed 64-bit generator with a fixed algorithm.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator whose sequence is fully determined by `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A uniform index in `0..n` (`n > 0`); the modulo bias is below 2^-40 for small `n`.
    pub fn index(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

/// A two-sided confidence interval around a point estimate.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct ConfidenceInterval {
    /// The statistic on the original samples.
    pub estimate: f64,
    /// Lower bound.
    pub low: f64,
    /// Upper bound.
    pub high: f64,
    /// Coverage, e.g. 0.95.
    pub level: f64,
}

/// Percentile bootstrap CI of `statistic(a) / statistic(b)`.
///
/// `statistic` is applied to each resample (the caller passes the olympic mean, or a plain
/// mean); replicates where it is undefined are skipped. `None` if either group is empty.
pub fn bootstrap_ratio_ci(
    a: &[f64],
    b: &[f64],
    statistic: impl Fn(&[f64]) -> Option<f64>,
    replicates: usize,
    level: f64,
    seed: u64,
) -> Option<ConfidenceInterval> {
    let estimate = statistic(a)? / statistic(b)?;
    let mut rng = SplitMix64::new(seed);
    let ratios: Vec<f64> = (0..replicates)
        .filter_map(|_| {
            let ra = resample(a, &mut rng);
            let rb = resample(b, &mut rng);
            Some(statistic(&ra)? / statistic(&rb)?)
        })
        .collect();
    percentile_interval(estimate, ratios, level)
}

/// Paired percentile bootstrap CI of `mean(a) / mean(b)` where `a[i]` and `b[i]` were measured
/// under the same conditions (the same seed): each replicate draws one set of indices and
/// takes both sides at those indices, so variation *between* pairs (a seed that converges
/// slowly on both sides) cancels instead of widening the interval. Efron & Tibshirani (1993),
/// §14.3 (bootstrap of paired data, resampling the pairs). `None` if the lengths differ or
/// are zero.
pub fn bootstrap_paired_ratio_ci(
    a: &[f64],
    b: &[f64],
    replicates: usize,
    level: f64,
    seed: u64,
) -> Option<ConfidenceInterval> {
    if a.len() != b.len() || a.is_empty() {
        return None;
    }
    let ratio = |idx: &[usize]| {
        let (sa, sb) = idx
            .iter()
            .fold((0.0, 0.0), |(x, y), &i| (x + a[i], y + b[i]));
        sa / sb
    };
    let all: Vec<usize> = (0..a.len()).collect();
    let mut rng = SplitMix64::new(seed);
    let ratios: Vec<f64> = (0..replicates)
        .map(|_| {
            let idx: Vec<usize> = (0..a.len()).map(|_| rng.index(a.len())).collect();
            ratio(&idx)
        })
        .filter(|r| r.is_finite())
        .collect();
    percentile_interval(ratio(&all), ratios, level)
}

/// The percentile interval of bootstrap replicates around `estimate`; `None` without any.
fn percentile_interval(
    estimate: f64,
    mut replicates: Vec<f64>,
    level: f64,
) -> Option<ConfidenceInterval> {
    if replicates.is_empty() {
        return None;
    }
    replicates.sort_by(f64::total_cmp);
    let alpha = (1.0 - level) / 2.0;
    Some(ConfidenceInterval {
        estimate,
        low: percentile(&replicates, alpha),
        high: percentile(&replicates, 1.0 - alpha),
        level,
    })
}

fn resample(xs: &[f64], rng: &mut SplitMix64) -> Vec<f64> {
    (0..xs.len()).map(|_| xs[rng.index(xs.len())]).collect()
}

/// Linear-interpolated percentile of sorted data (numpy's default "linear" method).
fn percentile(sorted: &[f64], q: f64) -> f64 {
    let pos = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    sorted[lo] + (pos - lo as f64) * (sorted[hi] - sorted[lo])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::mean;

    fn plain_mean(xs: &[f64]) -> Option<f64> {
        Some(mean(xs))
    }

    #[test]
    fn splitmix_reference_values() {
        // First outputs for seed 1234567 of the reference algorithm (splitmix64.c, Vigna).
        let mut r = SplitMix64::new(1_234_567);
        assert_eq!(r.next_u64(), 6_457_827_717_110_365_317);
        assert_eq!(r.next_u64(), 3_203_168_211_198_807_973);
    }

    #[test]
    fn bootstrap_is_deterministic_and_brackets_the_estimate() {
        let a = [2.0, 2.1, 1.9, 2.05, 1.95];
        let b = [1.0, 1.1, 0.9, 1.05, 0.95];
        let x = bootstrap_ratio_ci(&a, &b, plain_mean, 2000, 0.95, 7).unwrap();
        let y = bootstrap_ratio_ci(&a, &b, plain_mean, 2000, 0.95, 7).unwrap();
        assert_eq!(x, y);
        assert!((x.estimate - 2.0).abs() < 1e-12);
        assert!(
            x.low < 2.0 && x.high > 2.0 && x.low > 1.7 && x.high < 2.3,
            "{x:?}"
        );
    }

    #[test]
    fn pairing_cancels_the_spread_between_pairs() {
        // Pairs differ a lot from each other (slow and fast seeds) but each pair is 10% apart.
        let b = [1.0, 3.0, 2.0, 5.0, 1.5];
        let a: Vec<f64> = b.iter().map(|x| x * 1.1).collect();
        let paired = bootstrap_paired_ratio_ci(&a, &b, 2000, 0.95, 7).unwrap();
        assert!((paired.low - 1.1).abs() < 1e-12 && (paired.high - 1.1).abs() < 1e-12);
        let unpaired = bootstrap_ratio_ci(&a, &b, plain_mean, 2000, 0.95, 7).unwrap();
        assert!(unpaired.high - unpaired.low > 0.5, "{unpaired:?}");
        assert!(bootstrap_paired_ratio_ci(&a, &b[..4], 10, 0.95, 7).is_none());
    }

    #[test]
    fn constant_samples_give_a_point_interval() {
        let x = bootstrap_ratio_ci(&[3.0; 4], &[1.5; 4], plain_mean, 100, 0.9, 1).unwrap();
        assert_eq!((x.low, x.high), (2.0, 2.0));
    }
}
