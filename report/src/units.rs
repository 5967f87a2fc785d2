//! Numbers with their units, the same way everywhere: `61.500 s`, `7296 samples`,
//! `12.345 min`, `1.284x`, `3.2 GPU-h`, `$12.34`.

/// Minutes: `12.345 min`.
pub fn minutes(m: f64) -> String {
    format!("{m:.3} min")
}

/// Seconds: `61.500 s`.
pub fn seconds(s: f64) -> String {
    format!("{s:.3} s")
}

/// A duration in seconds, shown in the unit that reads best (`45.0 s`, `12.3 min`, `2.50 h`).
pub fn duration(s: f64) -> String {
    if s < 120.0 {
        format!("{s:.1} s")
    } else if s < 7200.0 {
        format!("{:.1} min", s / 60.0)
    } else {
        format!("{:.2} h", s / 3600.0)
    }
}

/// A ratio: `1.284x`.
pub fn ratio(r: f64) -> String {
    format!("{r:.3}x")
}

/// A ratio interval: `[1.221x, 1.346x]`.
pub fn interval(low: f64, high: f64) -> String {
    format!("[{low:.3}x, {high:.3}x]")
}

/// A count with its unit; integral values print without decimals, large ones with
/// thousands separators: `7296 samples`, `3,932,160 samples`, `42.5 epochs`.
pub fn count(v: f64, unit: &str) -> String {
    if !v.is_finite() {
        return format!("- {unit}");
    }
    let body = if v.fract() == 0.0 && v.abs() < 1e15 {
        group(v as i64)
    } else if v.abs() >= 100.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.3}")
    };
    format!("{body} {unit}")
}

fn group(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    if digits.len() <= 4 {
        return n.to_string();
    }
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        out.insert(0, '-');
    }
    out
}

/// GPU-hours: `3.20 GPU-h`.
pub fn gpu_hours(h: f64) -> String {
    if h < 10.0 {
        format!("{h:.3} GPU-h")
    } else {
        format!("{h:.1} GPU-h")
    }
}

/// US dollars: `$12.34`.
pub fn usd(d: f64) -> String {
    format!("${d:.2}")
}

/// A percentage from a ratio: `1.28` → `28.0 %`.
pub fn percent_faster(r: f64) -> String {
    format!("{:.1} %", (r - 1.0) * 100.0)
}

/// What an MLPerf benchmark counts convergence in, as the RCP check reads it: samples for
/// the benchmarks that log `samples_count` (or count samples in `epoch_num`), else epochs.
pub fn convergence_unit(benchmark: &str) -> &'static str {
    match benchmark {
        "llama2_70b_lora" | "gpt3" | "stable_diffusion" | "flux1" | "llama31_405b"
        | "llama31_8b" => "samples",
        _ => "epochs",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_carry_units_and_separators() {
        assert_eq!(count(7296.0, "samples"), "7296 samples");
        assert_eq!(count(3_932_160.0, "samples"), "3,932,160 samples");
        assert_eq!(count(42.5, "epochs"), "42.500 epochs");
        assert_eq!(count(7131.4, "samples"), "7131.4 samples");
        assert_eq!(count(f64::NAN, "epochs"), "- epochs");
        assert_eq!(duration(45.0), "45.0 s");
        assert_eq!(duration(738.0), "12.3 min");
        assert_eq!(duration(9000.0), "2.50 h");
        assert_eq!(interval(1.2214, 1.3456), "[1.221x, 1.346x]");
        assert_eq!(percent_faster(1.28), "28.0 %");
    }
}
