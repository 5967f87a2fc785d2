//! The regularized incomplete beta function `I_x(a, b)`, the building block of the Student t
//! distribution.
//!
//! Method: Numerical Recipes in C, 2nd ed., §6.1 (`gammln`, Lanczos approximation) and §6.4
//! (`betai`/`betacf`): the continued fraction for `I_x(a, b)` evaluated with the modified
//! Lentz method (NR §5.2), using the symmetry `I_x(a, b) = 1 - I_{1-x}(b, a)` so that the
//! fraction is only evaluated where it converges quickly (`x < (a + 1) / (a + b + 2)`).

/// Natural log of the gamma function for `x > 0`.
///
/// Lanczos approximation with the g = 5, n = 6 coefficients of Numerical Recipes §6.1
/// (`gammln`); relative error below 2e-10, which is far below what the RCP bisection
/// (tolerance 1e-4 on a mean of thousands) can see.
pub fn ln_gamma(x: f64) -> f64 {
    const COF: [f64; 6] = [
        76.180_091_729_471_46,
        -86.505_320_329_416_77,
        24.014_098_240_830_91,
        -1.231_739_572_450_155,
        0.120_865_097_386_617_9e-2,
        -0.539_523_938_495_3e-5,
    ];
    let tmp = x + 5.5;
    let tmp = tmp - (x + 0.5) * tmp.ln();
    let mut y = x;
    let mut ser = 1.000_000_000_190_015;
    for c in COF {
        y += 1.0;
        ser += c / y;
    }
    -tmp + (2.506_628_274_631_000_5 * ser / x).ln()
}

/// `I_x(a, b)` for `a, b > 0` and `0 <= x <= 1`; NaN outside that domain.
pub fn regularized_incomplete_beta(a: f64, b: f64, x: f64) -> f64 {
    if !(a > 0.0 && b > 0.0 && (0.0..=1.0).contains(&x)) {
        return f64::NAN;
    }
    if x == 0.0 || x == 1.0 {
        return x;
    }
    let ln_front = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln();
    let front = ln_front.exp();
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_continued_fraction(a, b, x) / a
    } else {
        1.0 - front * beta_continued_fraction(b, a, 1.0 - x) / b
    }
}

/// The continued fraction of NR §6.4 (`betacf`), evaluated by the modified Lentz method.
fn beta_continued_fraction(a: f64, b: f64, x: f64) -> f64 {
    const MAX_ITERATIONS: u32 = 300;
    const EPS: f64 = 1e-15;
    const FPMIN: f64 = 1e-300;
    let guard = |v: f64| if v.abs() < FPMIN { FPMIN } else { v };
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 / guard(1.0 - qab * x / qap);
    let mut h = d;
    for m in 1..=MAX_ITERATIONS {
        let m = f64::from(m);
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 / guard(1.0 + aa * d);
        c = guard(1.0 + aa / c);
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 / guard(1.0 + aa * d);
        c = guard(1.0 + aa / c);
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() < EPS {
            break;
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * b.abs().max(1e-300)
    }

    #[test]
    fn ln_gamma_matches_factorials() {
        // Gamma(n) = (n-1)!
        assert!(ln_gamma(1.0).abs() < 1e-9);
        assert!(close(ln_gamma(5.0), 24.0_f64.ln(), 1e-10));
        assert!(close(ln_gamma(11.0), 3_628_800.0_f64.ln(), 1e-10));
        // Gamma(1/2) = sqrt(pi)
        assert!(close(ln_gamma(0.5), std::f64::consts::PI.sqrt().ln(), 1e-9));
    }

    #[test]
    fn incomplete_beta_matches_scipy() {
        // scipy.special.betainc(a, b, x)
        let cases = [
            (2.0, 3.0, 0.4, 0.5248),
            (0.5, 0.5, 0.3, 0.369_010_119_565_545_4),
            (5.0, 0.5, 0.9, 0.316_642_915_020_012_2),
            (10.0, 10.0, 0.5, 0.5),
            (1.0, 1.0, 0.7, 0.7),
        ];
        for (a, b, x, want) in cases {
            let got = regularized_incomplete_beta(a, b, x);
            assert!(
                close(got, want, 1e-9),
                "I_{x}({a},{b}) = {got}, want {want}"
            );
        }
    }

    #[test]
    fn incomplete_beta_rejects_outside_domain() {
        assert!(regularized_incomplete_beta(1.0, 1.0, 1.5).is_nan());
        assert!(regularized_incomplete_beta(0.0, 1.0, 0.5).is_nan());
    }
}
