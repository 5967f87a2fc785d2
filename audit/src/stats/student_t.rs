//! Student's t distribution and the two-sample t-test from summary statistics.

use super::beta::regularized_incomplete_beta;

/// Survival function `P(T > t)` of Student's t with `df` degrees of freedom.
///
/// Uses `P(|T| > |t|) = I_{df / (df + t^2)}(df / 2, 1 / 2)` (Numerical Recipes §6.4, eq. 6.4.9)
/// and the symmetry of the distribution.
pub fn student_t_sf(t: f64, df: f64) -> f64 {
    let two_sided = regularized_incomplete_beta(df / 2.0, 0.5, df / (df + t * t));
    if t >= 0.0 {
        two_sided / 2.0
    } else {
        1.0 - two_sided / 2.0
    }
}

/// The result of a two-sided t-test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TTest {
    /// The t statistic.
    pub t: f64,
    /// The two-sided p-value.
    pub p: f64,
}

/// Equal-variance two-sample t-test from means, standard deviations and sample counts.
///
/// Mirrors `scipy.stats.ttest_ind_from_stats(m1, s1, n1, m2, s2, n2, equal_var=True)`:
/// pooled variance `((n1-1) s1^2 + (n2-1) s2^2) / (n1 + n2 - 2)`, `df = n1 + n2 - 2`,
/// two-sided p-value `2 * sf(|t|)`. The RCP check uses it to find the fastest allowed mean.
pub fn ttest_ind_from_stats(m1: f64, s1: f64, n1: f64, m2: f64, s2: f64, n2: f64) -> TTest {
    let df = n1 + n2 - 2.0;
    let pooled = ((n1 - 1.0) * s1 * s1 + (n2 - 1.0) * s2 * s2) / df;
    let t = (m1 - m2) / (pooled * (1.0 / n1 + 1.0 / n2)).sqrt();
    TTest {
        t,
        p: 2.0 * student_t_sf(t.abs(), df),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * b.abs()
    }

    #[test]
    fn sf_matches_scipy() {
        // scipy.stats.t.sf(t, df)
        let cases = [
            (0.0, 5.0, 0.5),
            (1.0, 1.0, 0.25),
            (2.0, 10.0, 0.036_694_017_385_370_16),
            (-1.5, 26.0, 0.927_169_636_072_966_4),
            (3.5, 38.0, 0.000_602_522_129_065_653_8),
        ];
        for (t, df, want) in cases {
            let got = student_t_sf(t, df);
            assert!(close(got, want, 1e-9), "sf({t}, {df}) = {got}, want {want}");
        }
    }

    #[test]
    fn ttest_matches_scipy() {
        // scipy.stats.ttest_ind_from_stats(10, 2, 18, 11, 2, 8, equal_var=True)
        let r = ttest_ind_from_stats(10.0, 2.0, 18.0, 11.0, 2.0, 8.0);
        assert!(close(r.t, -1.176_696_810_829_104_3, 1e-12), "t = {}", r.t);
        assert!(close(r.p, 0.250_855_775_793_355_1, 1e-9), "p = {}", r.p);
    }
}
