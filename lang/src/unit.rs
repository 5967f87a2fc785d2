//! The unit suffixes the language knows, with their dimension and exact factor to the
//! base unit of that dimension.
//!
//! Base units: durations in milliseconds, sizes in bytes, rates in bits per second,
//! percentages in percent points. Decimal (`GB`) and binary (`GiB`) prefixes are distinct
//! units; `Gb/s` is bits and `GB/s` is bytes (8 bits) per second.

use crate::quantity::Dimension;

/// One unit suffix as written after a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unit {
    pub suffix: &'static str,
    pub dimension: Dimension,
    /// How many base units one of this unit is.
    pub factor: i128,
}

const K: i128 = 1_000;
const KI: i128 = 1_024;

const fn unit(suffix: &'static str, dimension: Dimension, factor: i128) -> Unit {
    Unit {
        suffix,
        dimension,
        factor,
    }
}

/// Every unit, in the order `docs/language.md` lists them.
pub const UNITS: &[Unit] = &[
    unit("ms", Dimension::Duration, 1),
    unit("s", Dimension::Duration, K),
    unit("min", Dimension::Duration, 60 * K),
    unit("h", Dimension::Duration, 3_600 * K),
    unit("d", Dimension::Duration, 86_400 * K),
    unit("B", Dimension::Size, 1),
    unit("KB", Dimension::Size, K),
    unit("MB", Dimension::Size, K * K),
    unit("GB", Dimension::Size, K * K * K),
    unit("TB", Dimension::Size, K * K * K * K),
    unit("PB", Dimension::Size, K * K * K * K * K),
    unit("KiB", Dimension::Size, KI),
    unit("MiB", Dimension::Size, KI * KI),
    unit("GiB", Dimension::Size, KI * KI * KI),
    unit("TiB", Dimension::Size, KI * KI * KI * KI),
    unit("PiB", Dimension::Size, KI * KI * KI * KI * KI),
    unit("b/s", Dimension::Rate, 1),
    unit("Kb/s", Dimension::Rate, K),
    unit("Mb/s", Dimension::Rate, K * K),
    unit("Gb/s", Dimension::Rate, K * K * K),
    unit("Tb/s", Dimension::Rate, K * K * K * K),
    unit("B/s", Dimension::Rate, 8),
    unit("KB/s", Dimension::Rate, 8 * K),
    unit("MB/s", Dimension::Rate, 8 * K * K),
    unit("GB/s", Dimension::Rate, 8 * K * K * K),
    unit("TB/s", Dimension::Rate, 8 * K * K * K * K),
    unit("KiB/s", Dimension::Rate, 8 * KI),
    unit("MiB/s", Dimension::Rate, 8 * KI * KI),
    unit("GiB/s", Dimension::Rate, 8 * KI * KI * KI),
    unit("TiB/s", Dimension::Rate, 8 * KI * KI * KI * KI),
    unit("%", Dimension::Percent, 1),
];

/// Common spellings that are not units, with the unit the writer most likely meant.
const ALIASES: &[(&str, &str)] = &[
    ("m", "min"),
    ("mins", "min"),
    ("minute", "min"),
    ("minutes", "min"),
    ("sec", "s"),
    ("secs", "s"),
    ("second", "s"),
    ("seconds", "s"),
    ("hr", "h"),
    ("hrs", "h"),
    ("hour", "h"),
    ("hours", "h"),
    ("day", "d"),
    ("days", "d"),
    ("Gbps", "Gb/s"),
    ("Mbps", "Mb/s"),
    ("Tbps", "Tb/s"),
];

impl Unit {
    /// The unit spelled exactly `suffix` (case matters: `Gb/s` is not `GB/s`).
    pub fn lookup(suffix: &str) -> Option<Unit> {
        UNITS.iter().copied().find(|u| u.suffix == suffix)
    }

    /// The most likely intended unit for an unknown suffix: a known alias, then a
    /// case-insensitive match, then the closest unit by edit distance (at most 2 edits).
    pub fn suggest(suffix: &str) -> Option<&'static str> {
        if let Some((_, to)) = ALIASES.iter().find(|(from, _)| *from == suffix) {
            return Some(to);
        }
        if let Some(u) = UNITS.iter().find(|u| u.suffix.eq_ignore_ascii_case(suffix)) {
            return Some(u.suffix);
        }
        UNITS
            .iter()
            .map(|u| (strsim::levenshtein(u.suffix, suffix), u.suffix))
            .filter(|(distance, _)| *distance <= 2 && *distance < suffix.len())
            .min_by_key(|(distance, _)| *distance)
            .map(|(_, s)| s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_prefer_aliases_and_case() {
        assert_eq!(Unit::suggest("Gib"), Some("GiB"));
        assert_eq!(Unit::suggest("m"), Some("min"));
        assert_eq!(Unit::suggest("hours"), Some("h"));
        assert_eq!(Unit::suggest("Gbps"), Some("Gb/s"));
        assert_eq!(Unit::suggest("xyzzy"), None);
    }

    #[test]
    fn binary_and_decimal_sizes_differ() {
        assert_eq!(Unit::lookup("GB").unwrap().factor, 1_000_000_000);
        assert_eq!(Unit::lookup("GiB").unwrap().factor, 1 << 30);
        assert_eq!(
            Unit::lookup("Gb/s").unwrap().factor * 8,
            Unit::lookup("GB/s").unwrap().factor
        );
    }
}
