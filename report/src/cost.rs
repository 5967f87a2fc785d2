//! The cost of a result: GPU-hours (accelerators × time to train; for `repro run` also the
//! wall time including initialization) and, with a price table (`--prices FILE`), dollars.
//!
//! The price file is TOML (documented in `docs/formats.md`, an example in
//! `examples/prices.toml`):
//!
//! ```toml
//! # US dollars per GPU-hour, by accelerator SKU
//! [usd_per_gpu_hour]
//! "H100" = 2.49
//! "H200" = 3.49
//! ```
//!
//! A SKU matches a key when the key appears in the accelerator name, case-insensitively
//! (`NVIDIA H100 80GB HBM3` matches `H100`); the longest matching key wins, so `H100 NVL`
//! can be priced apart from `H100`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A price table read from `--prices FILE`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Prices {
    /// The file it was read from.
    pub path: PathBuf,
    /// US dollars per GPU-hour by SKU key.
    pub usd_per_gpu_hour: BTreeMap<String, f64>,
}

/// Why a price file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum PricesError {
    /// Unreadable.
    #[error("cannot read price file `{path}`: {cause}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        cause: std::io::Error,
    },
    /// Not the documented format.
    #[error("invalid price file `{path}`:{line}:{column}: {message}\nhelp: expected a `[usd_per_gpu_hour]` table of `\"SKU\" = dollars` (see docs/formats.md)")]
    Format {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct PriceFile {
    usd_per_gpu_hour: BTreeMap<String, f64>,
}

impl Prices {
    /// Reads and checks a price file.
    pub fn read(path: &Path) -> Result<Prices, PricesError> {
        let text = std::fs::read_to_string(path).map_err(|cause| PricesError::Io {
            path: path.to_owned(),
            cause,
        })?;
        Prices::parse(path, &text)
    }

    /// Parses the text of a price file (`path` names it in errors).
    pub fn parse(path: &Path, text: &str) -> Result<Prices, PricesError> {
        let at = |offset: usize, message: String| {
            let before = &text[..offset.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
            PricesError::Format {
                path: path.to_owned(),
                line,
                column,
                message,
            }
        };
        let file: PriceFile = toml::from_str(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            at(offset, e.message().to_owned())
        })?;
        for (sku, price) in &file.usd_per_gpu_hour {
            if !price.is_finite() || *price < 0.0 {
                let offset = text.find(sku.as_str()).unwrap_or(0);
                return Err(at(
                    offset,
                    format!("`usd_per_gpu_hour.{sku}` is {price}; expected dollars, zero or more"),
                ));
            }
            if sku.trim().is_empty() {
                return Err(at(0, "an empty SKU key matches every accelerator".into()));
            }
        }
        Ok(Prices {
            path: path.to_owned(),
            usd_per_gpu_hour: file.usd_per_gpu_hour,
        })
    }

    /// The price of `sku`: the longest key found in it, case-insensitively.
    pub fn lookup(&self, sku: &str) -> Option<(&str, f64)> {
        let lower = sku.to_lowercase();
        self.usd_per_gpu_hour
            .iter()
            .filter(|(k, _)| lower.contains(&k.to_lowercase()))
            .max_by_key(|(k, _)| k.len())
            .map(|(k, v)| (k.as_str(), *v))
    }
}

/// What one result cost.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Cost {
    /// Accelerators the result ran on.
    pub accelerators: u32,
    /// Their model name, if known.
    pub accelerator: Option<String>,
    /// Accelerators × time to train (the score), hours.
    pub gpu_hours: f64,
    /// Accelerators × wall time of every run including initialization (`repro run` only).
    pub wall_gpu_hours: Option<f64>,
    /// The price key that matched and its dollars per GPU-hour.
    pub price: Option<(String, f64)>,
    /// Dollars for the result: `gpu_hours` × price.
    pub usd: Option<f64>,
    /// Dollars for the wall time: `wall_gpu_hours` × price.
    pub wall_usd: Option<f64>,
    /// Why there is no dollar figure although prices were given.
    pub unpriced: Option<String>,
}

impl Cost {
    /// The cost of a result that took `ttt_minutes` on `accelerators` × `accelerator`.
    pub fn new(
        accelerators: u32,
        accelerator: Option<&str>,
        ttt_minutes: f64,
        wall_seconds: Option<f64>,
        prices: Option<&Prices>,
    ) -> Cost {
        let gpu_hours = f64::from(accelerators) * ttt_minutes / 60.0;
        let wall_gpu_hours = wall_seconds.map(|s| f64::from(accelerators) * s / 3600.0);
        let price = match (prices, accelerator) {
            (Some(p), Some(a)) => p.lookup(a).map(|(k, v)| (k.to_owned(), v)),
            _ => None,
        };
        let unpriced = match (prices, accelerator, &price) {
            (Some(p), Some(a), None) => {
                Some(format!("no price for `{a}` in `{}`", p.path.display()))
            }
            (Some(_), None, _) => Some("the accelerator model is not known".into()),
            _ => None,
        };
        Cost {
            accelerators,
            accelerator: accelerator.map(str::to_owned),
            gpu_hours,
            wall_gpu_hours,
            usd: price.as_ref().map(|(_, p)| p * gpu_hours),
            wall_usd: price
                .as_ref()
                .and_then(|(_, p)| wall_gpu_hours.map(|h| p * h)),
            price,
            unpriced,
        }
    }

    /// One line: `cost 12.3 GPU-h (64 x NVIDIA H100), $30.63 at $2.49/GPU-h (`H100`)`.
    pub fn line(&self) -> String {
        use crate::units::{gpu_hours, usd};
        let on = match &self.accelerator {
            Some(a) => format!("{} x {a}", self.accelerators),
            None => format!("{} accelerators", self.accelerators),
        };
        let mut s = format!("cost {} ({on})", gpu_hours(self.gpu_hours));
        if let Some(w) = self.wall_gpu_hours {
            s.push_str(&format!(", wall time incl. init {}", gpu_hours(w)));
        }
        match (&self.price, self.usd, &self.unpriced) {
            (Some((key, p)), Some(d), _) => {
                s.push_str(&format!(
                    ", {} per result at {}/GPU-h (`{key}`)",
                    usd(d),
                    usd(*p)
                ));
                if let Some(w) = self.wall_usd {
                    s.push_str(&format!(", {} wall", usd(w)));
                }
            }
            (_, _, Some(why)) => s.push_str(&format!(", {why}")),
            _ => {}
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_key_wins_and_bad_prices_are_located() {
        let p = Prices::parse(
            Path::new("p.toml"),
            "[usd_per_gpu_hour]\n\"H100\" = 2.0\n\"H100 NVL\" = 3.0\n",
        )
        .unwrap();
        assert_eq!(p.lookup("NVIDIA H100 80GB HBM3"), Some(("H100", 2.0)));
        assert_eq!(p.lookup("NVIDIA h100 nvl"), Some(("H100 NVL", 3.0)));
        assert_eq!(p.lookup("NVIDIA B200"), None);
        let e = Prices::parse(Path::new("p.toml"), "[usd_per_gpu_hour]\n\"H100\" = -1.0\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("invalid price file `p.toml`:2:2:"), "{e}");
        let e = Prices::parse(Path::new("p.toml"), "[usd_per_gpu_hour]\nH100 = \"x\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("p.toml`:2:"), "{e}");
        let c = Cost::new(
            16,
            Some("NVIDIA H100 80GB HBM3"),
            90.0,
            Some(6000.0),
            Some(&p),
        );
        assert_eq!(c.gpu_hours, 24.0);
        assert_eq!(c.usd, Some(48.0));
        assert!(
            c.line().contains("$48.00 per result at $2.00/GPU-h"),
            "{}",
            c.line()
        );
    }
}
