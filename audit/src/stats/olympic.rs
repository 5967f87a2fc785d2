//! Means as the official MLPerf tools compute them (numpy semantics).

/// Arithmetic mean (`numpy.mean`); NaN for an empty slice, as numpy returns.
pub fn mean(xs: &[f64]) -> f64 {
    if xs.is_empty() {
        return f64::NAN;
    }
    xs.iter().sum::<f64>() / xs.len() as f64
}

/// Population standard deviation, ddof 0 (`numpy.std` default, used for RCP stdevs).
pub fn population_std(xs: &[f64]) -> f64 {
    let m = mean(xs);
    (xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / xs.len() as f64).sqrt()
}

/// Olympic mean: sort ascending, drop the `low` smallest and `high` largest, average the rest.
///
/// This is the MLPerf scoring rule (`result_summarizer`: drop the fastest and the slowest run;
/// a non-compliant run stands in for the slowest, so the caller passes `high = 1 - dropped`).
/// Returns `None` when nothing would be left to average.
pub fn olympic_mean(xs: &[f64], low: usize, high: usize) -> Option<f64> {
    if xs.len() <= low + high {
        return None;
    }
    let mut sorted = xs.to_vec();
    sorted.sort_by(f64::total_cmp);
    Some(mean(&sorted[low..sorted.len() - high]))
}

/// How many runs the olympic mean drops at each end (`result_summarizer`): with `failed` runs
/// not converging and at most `allowed` that may (the round's `olympic_dropped_allowed` for
/// the benchmark), the `allowed` fastest and the `allowed - failed` slowest converged runs;
/// the failed runs stand in for the rest of the slowest. `None` when too many runs failed.
pub fn olympic_drops(failed: usize, allowed: usize) -> Option<(usize, usize)> {
    (failed <= allowed).then(|| (allowed, allowed - failed))
}

/// Linear interpolation of `y` at `x` between `(x0, y0)` and `(x1, y1)`, clamped to the ends
/// like `numpy.interp` with two points.
pub fn interp(x: f64, (x0, y0): (f64, f64), (x1, y1): (f64, f64)) -> f64 {
    if x <= x0 {
        y0
    } else if x >= x1 {
        y1
    } else {
        y0 + (x - x0) * (y1 - y0) / (x1 - x0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn olympic_mean_drops_extremes() {
        assert_eq!(olympic_mean(&[5.0, 1.0, 3.0, 9.0], 1, 1), Some(4.0));
        // one dropped run stands in for the slowest: drop only the fastest
        assert_eq!(olympic_mean(&[5.0, 1.0, 3.0], 1, 0), Some(4.0));
        assert_eq!(olympic_mean(&[1.0, 2.0], 1, 1), None);
    }

    #[test]
    fn failed_runs_stand_in_for_the_slowest() {
        assert_eq!(olympic_drops(0, 1), Some((1, 1)));
        assert_eq!(olympic_drops(1, 1), Some((1, 0)));
        assert_eq!(olympic_drops(2, 1), None);
        // v4.0 unet3d: 4 may fail
        assert_eq!(olympic_drops(3, 4), Some((4, 1)));
        assert_eq!(olympic_drops(5, 4), None);
    }

    #[test]
    fn std_is_population_std() {
        // numpy.std([2, 4, 4, 4, 5, 5, 7, 9]) == 2.0
        assert_eq!(
            population_std(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]),
            2.0
        );
    }

    #[test]
    fn interp_clamps_and_interpolates() {
        assert_eq!(interp(64.0, (16.0, 10.0), (128.0, 24.0)), 16.0);
        assert_eq!(interp(1.0, (16.0, 10.0), (128.0, 24.0)), 10.0);
        assert_eq!(interp(200.0, (16.0, 10.0), (128.0, 24.0)), 24.0);
    }
}
