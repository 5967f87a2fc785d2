//! Numbers with units: durations, sizes, rates and percentages.

use std::fmt;

use serde::Serialize;

use crate::decimal::Decimal;
use crate::diagnostic::Diagnostic;
use crate::span::Span;
use crate::unit::Unit;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Dimension {
    /// Base unit: milliseconds.
    Duration,
    /// Base unit: bytes.
    Size,
    /// Base unit: bits per second.
    Rate,
    /// Base unit: percent points (`5%` is 5).
    Percent,
}

/// A number with a unit, e.g. `141GB`.
///
/// Invariant: `value` is `number * unit factor`, exact, in the base unit of `dimension`;
/// `lexeme` is the text as written (for display and formatting).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Quantity {
    pub dimension: Dimension,
    pub value: Decimal,
    /// The number as written, without the unit.
    pub number: Decimal,
    pub unit: &'static str,
    pub lexeme: String,
}

/// Why a number with a unit could not be turned into a [`Quantity`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuantityError {
    #[error("unknown unit `{0}`")]
    UnknownUnit(String),
    #[error("number `{0}` is out of range")]
    OutOfRange(String),
}

impl Dimension {
    /// With an article, for messages: "a duration".
    pub fn describe(self) -> &'static str {
        match self {
            Dimension::Duration => "a duration",
            Dimension::Size => "a size",
            Dimension::Rate => "a rate",
            Dimension::Percent => "a percentage",
        }
    }

    /// The example shown in `help:` lines.
    pub fn example(self) -> &'static str {
        match self {
            Dimension::Duration => "`90s`, `45min`, `3h`",
            Dimension::Size => "`141GB`, `80GiB`",
            Dimension::Rate => "`400Gb/s`, `25GB/s`",
            Dimension::Percent => "`5%`",
        }
    }
}

impl Quantity {
    /// Build from the number text and unit suffix as written.
    pub fn parse(number: &str, suffix: &str) -> Result<Quantity, QuantityError> {
        let unit = Unit::lookup(suffix).ok_or_else(|| QuantityError::UnknownUnit(suffix.into()))?;
        let out_of_range = || QuantityError::OutOfRange(format!("{number}{suffix}"));
        let n = Decimal::parse(number).ok_or_else(out_of_range)?;
        let value = n
            .checked_mul(Decimal::from_int(unit.factor))
            .ok_or_else(out_of_range)?;
        Ok(Quantity {
            dimension: unit.dimension,
            value,
            number: n,
            unit: unit.suffix,
            lexeme: format!("{number}{suffix}"),
        })
    }

    /// Milliseconds, if this is a duration with a whole number of milliseconds.
    pub fn as_millis(&self) -> Option<i128> {
        self.of(Dimension::Duration)
    }

    /// Bytes, if this is a size with a whole number of bytes.
    pub fn as_bytes(&self) -> Option<i128> {
        self.of(Dimension::Size)
    }

    /// Bits per second, if this is a rate with a whole number of bits per second.
    pub fn as_bits_per_second(&self) -> Option<i128> {
        self.of(Dimension::Rate)
    }

    fn of(&self, dimension: Dimension) -> Option<i128> {
        (self.dimension == dimension)
            .then(|| self.value.to_integer())
            .flatten()
    }

    /// Check the dimension; the error reads "expected a duration, found a size (`141GB`)"
    /// and points at `span` (the value in the spec). Boxed because diagnostics are large
    /// and the success path should stay small.
    pub fn expect(&self, expected: Dimension, span: Span) -> Result<(), Box<Diagnostic>> {
        if self.dimension == expected {
            return Ok(());
        }
        Err(Box::new(
            Diagnostic::error(
                span,
                format!(
                    "expected {}, found {} (`{}`)",
                    expected.describe(),
                    self.dimension.describe(),
                    self.lexeme
                ),
            )
            .with_help(format!(
                "write {} such as {}",
                expected.describe(),
                expected.example()
            )),
        ))
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.lexeme)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::FileId;

    #[test]
    fn converts_to_exact_base_units() {
        assert_eq!(
            Quantity::parse("1.5", "h").unwrap().as_millis(),
            Some(5_400_000)
        );
        assert_eq!(
            Quantity::parse("143771", "MiB").unwrap().as_bytes(),
            Some(143_771 * 1_048_576)
        );
        assert_eq!(
            Quantity::parse("400", "Gb/s").unwrap().as_bits_per_second(),
            Some(400_000_000_000)
        );
        let pct = Quantity::parse("5", "%").unwrap();
        assert_eq!(
            (pct.dimension, pct.value),
            (Dimension::Percent, Decimal::from_int(5))
        );
        assert_eq!(Quantity::parse("0.5", "ms").unwrap().as_millis(), None);
    }

    #[test]
    fn rejects_unknown_units_and_overflow() {
        assert_eq!(
            Quantity::parse("3", "hrs"),
            Err(QuantityError::UnknownUnit("hrs".into()))
        );
        assert!(matches!(
            Quantity::parse("99999999999999999999999999", "PiB"),
            Err(QuantityError::OutOfRange(_))
        ));
    }

    #[test]
    fn dimension_mismatch_names_both_and_the_lexeme() {
        let q = Quantity::parse("141", "GB").unwrap();
        let span = Span::new(FileId(0), 0, 5);
        let err = q.expect(Dimension::Duration, span).unwrap_err();
        assert_eq!(err.message, "expected a duration, found a size (`141GB`)");
        assert!(q.expect(Dimension::Size, span).is_ok());
    }
}
