//! `Claim`: a claimed speed-up of A over B, as `compare --claim` takes it: `28%` (28 % faster,
//! ratio 1.28) or `1.28x` (1.28 times as fast). A bare number is refused (is `28` a percentage
//! or a ratio?), and so is anything that is not a speed-up (`0x`, `-5%`, `0.9x`).

use std::str::FromStr;

/// A speed-up ratio above 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Claim(f64);

impl Claim {
    /// The ratio (1.28 for `28%`).
    pub fn ratio(self) -> f64 {
        self.0
    }
}

/// Why a claim was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClaimError {
    #[error("`{0}` has no unit\nhelp: write `{0}%` ({0} % faster) or `{0}x` ({0} times as fast)")]
    NoUnit(String),
    #[error("`{0}` is not a speed-up claim\nhelp: write e.g. `28%` or `1.28x`")]
    NotANumber(String),
    #[error("`{0}` is not a speed-up: a claim says A is faster than B (more than `0%`, more than `1x`)\nhelp: to claim that B is faster, swap A and B")]
    NotFaster(String),
}

impl FromStr for Claim {
    type Err = ClaimError;

    fn from_str(s: &str) -> Result<Claim, ClaimError> {
        let text = s.trim();
        let number = |n: &str| {
            n.trim()
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| ClaimError::NotANumber(text.to_string()))
        };
        let ratio = if let Some(p) = text.strip_suffix('%') {
            1.0 + number(p)? / 100.0
        } else if let Some(x) = text.strip_suffix(['x', 'X']) {
            number(x)?
        } else {
            return Err(match text.parse::<f64>() {
                Ok(_) => ClaimError::NoUnit(text.to_string()),
                Err(_) => ClaimError::NotANumber(text.to_string()),
            });
        };
        if ratio > 1.0 {
            Ok(Claim(ratio))
        } else {
            Err(ClaimError::NotFaster(text.to_string()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_and_ratios_parse() {
        assert_eq!("28%".parse::<Claim>().unwrap().ratio(), 1.28);
        assert_eq!("1.28x".parse::<Claim>().unwrap().ratio(), 1.28);
        assert_eq!(" 2X ".parse::<Claim>().unwrap().ratio(), 2.0);
    }

    #[test]
    fn a_bare_number_zero_and_negative_claims_are_refused() {
        assert_eq!("28".parse::<Claim>(), Err(ClaimError::NoUnit("28".into())));
        assert_eq!(
            "0x".parse::<Claim>(),
            Err(ClaimError::NotFaster("0x".into()))
        );
        assert_eq!(
            "-5%".parse::<Claim>(),
            Err(ClaimError::NotFaster("-5%".into()))
        );
        assert_eq!(
            "0.9x".parse::<Claim>(),
            Err(ClaimError::NotFaster("0.9x".into()))
        );
        assert_eq!(
            "1x".parse::<Claim>(),
            Err(ClaimError::NotFaster("1x".into()))
        );
        assert_eq!(
            "fast".parse::<Claim>(),
            Err(ClaimError::NotANumber("fast".into()))
        );
        assert_eq!(
            "infx".parse::<Claim>(),
            Err(ClaimError::NotANumber("infx".into()))
        );
        assert_eq!(
            "28".parse::<Claim>().unwrap_err().to_string(),
            "`28` has no unit\nhelp: write `28%` (28 % faster) or `28x` (28 times as fast)"
        );
    }
}
