//! An exact decimal number: `mantissa / 10^scale`.
//!
//! Quantities are stored in base units (bytes, bits/s, milliseconds). Converting `1.5h` or
//! `141GB` with floats would round; with a decimal and integer unit factors the value is
//! exact, so lockfiles and comparisons are stable.

use std::fmt;

use serde::{Serialize, Serializer};

/// Invariant: normalized, i.e. `scale == 0` or `mantissa % 10 != 0`; so equal values have
/// equal representations and derived equality is numeric equality.
///
/// Serialized as its decimal string (`"0.00002"`, `"141000000000"`): exact, and JSON
/// numbers cannot hold every `i128`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Decimal {
    pub mantissa: i128,
    pub scale: u32,
}

/// Largest scale kept; `1e-30` is still exact, smaller numbers are rejected as out of range.
const MAX_SCALE: u32 = 30;

impl Decimal {
    pub const ZERO: Decimal = Decimal {
        mantissa: 0,
        scale: 0,
    };

    /// Parse an unsigned number lexeme `DIGITS[.DIGITS][(e|E)[+-]DIGITS]`.
    /// `None` when it does not fit (more than ~38 significant digits or a huge exponent).
    pub fn parse(text: &str) -> Option<Decimal> {
        let (number, exponent) = match text.find(['e', 'E']) {
            Some(i) => (&text[..i], text[i + 1..].parse::<i32>().ok()?),
            None => (text, 0),
        };
        let (int, frac) = number.split_once('.').unwrap_or((number, ""));
        let digits = format!("{int}{frac}");
        let mantissa: i128 = digits.parse().ok()?;
        let scale = i64::from(frac.len() as u32) - i64::from(exponent);
        Decimal::from_parts(mantissa, scale)
    }

    /// `mantissa * 10^-scale` with a possibly negative scale.
    fn from_parts(mantissa: i128, scale: i64) -> Option<Decimal> {
        if scale < 0 {
            let factor = 10i128.checked_pow(u32::try_from(-scale).ok()?)?;
            return Some(Decimal::new(mantissa.checked_mul(factor)?, 0));
        }
        let scale = u32::try_from(scale).ok()?;
        let d = Decimal::new(mantissa, scale);
        (d.scale <= MAX_SCALE).then_some(d)
    }

    pub fn new(mantissa: i128, scale: u32) -> Decimal {
        let (mut mantissa, mut scale) = (mantissa, scale);
        while scale > 0 && mantissa % 10 == 0 {
            mantissa /= 10;
            scale -= 1;
        }
        if mantissa == 0 {
            scale = 0;
        }
        Decimal { mantissa, scale }
    }

    pub fn from_int(value: i128) -> Decimal {
        Decimal::new(value, 0)
    }

    /// Exact product, `None` on overflow.
    pub fn checked_mul(self, other: Decimal) -> Option<Decimal> {
        let mantissa = self.mantissa.checked_mul(other.mantissa)?;
        Decimal::from_parts(mantissa, i64::from(self.scale) + i64::from(other.scale))
    }

    /// The value as an integer when it has no fractional part.
    pub fn to_integer(self) -> Option<i128> {
        (self.scale == 0).then_some(self.mantissa)
    }

    /// The nearest `f64` (for statistics and comparisons with floats).
    pub fn to_f64(self) -> f64 {
        self.to_string().parse().unwrap_or(f64::NAN)
    }
}

impl Serialize for Decimal {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl fmt::Display for Decimal {
    /// Plain decimal notation without exponent: `1.5`, `-0.002`, `141000000000`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.mantissa < 0 { "-" } else { "" };
        let digits = self.mantissa.unsigned_abs().to_string();
        let scale = self.scale as usize;
        if scale == 0 {
            return write!(f, "{sign}{digits}");
        }
        let padded = format!("{digits:0>width$}", width = scale + 1);
        let (int, frac) = padded.split_at(padded.len() - scale);
        write!(f, "{sign}{int}.{frac}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_fractions_and_exponents_exactly() {
        assert_eq!(Decimal::parse("1.50").unwrap(), Decimal::new(15, 1));
        assert_eq!(Decimal::parse("2e-5").unwrap().to_string(), "0.00002");
        assert_eq!(Decimal::parse("1.5E3").unwrap().to_integer(), Some(1500));
        assert_eq!(Decimal::parse("0.000").unwrap(), Decimal::ZERO);
        assert_eq!(Decimal::parse("1e99999"), None);
        assert_eq!(Decimal::parse("1e-31"), None);
    }

    #[test]
    fn serializes_as_an_exact_string() {
        let huge = Decimal::parse("1.5e35").unwrap();
        assert_eq!(
            serde_json::to_string(&huge).unwrap(),
            format!("\"15{}\"", "0".repeat(34))
        );
    }

    #[test]
    fn multiplication_stays_exact() {
        let h = Decimal::parse("1.5").unwrap();
        let ms = h.checked_mul(Decimal::from_int(3_600_000)).unwrap();
        assert_eq!(ms.to_integer(), Some(5_400_000));
        assert_eq!(Decimal::new(-25, 3).to_string(), "-0.025");
    }
}
