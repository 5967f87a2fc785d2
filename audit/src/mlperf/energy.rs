//! Energy to train, from the power logs a submission may ship beside its results
//! (`<benchmark>/power/<result>/node_*.txt` and `sw_*.txt`): what the official summarizer
//! computes in `_compute_total_power`, `_compute_power_node` and `_compute_power_sw`
//! (mlperf-logging 4.1.68, `result_summarizer.py`). The unit is joules: power readings in
//! watts integrated over milliseconds, scaled to the time to train, divided by 1000.
//!
//! Where the official code raises (no node file, no `power_measurement_start`, a zero-length
//! measurement window, a reading that is not a number) this returns the reason instead.

use std::path::Path;

use super::mllog::{LogLine, MlLog};

/// Whether a benchmark folder has power logs (`_has_power`: a `power` sub-folder).
pub fn has_power(benchmark_dir: &Path) -> bool {
    benchmark_dir.join("power").is_dir()
}

/// Energy in joules of the run logged in `result` (a `result_*.txt` of `benchmark_dir`),
/// whose time to train is `ttt_ms`: the sum over its node files and switch files.
pub fn run_energy(benchmark_dir: &Path, result: &Path, ttt_ms: f64) -> Result<f64, String> {
    let name = result
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // `result_file.split("/")[-1].split(".")[0]`
    let stem = name.split('.').next().unwrap_or_default();
    let dir = benchmark_dir.join("power").join(stem);
    let (mut nodes, mut switches) = (Vec::new(), Vec::new());
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for e in entries.flatten() {
            let file = e.file_name().to_string_lossy().into_owned();
            let is_txt = file.ends_with(".txt") && e.path().is_file();
            if is_txt && file.starts_with("node_") {
                nodes.push(e.path());
            } else if is_txt && file.starts_with("sw_") {
                switches.push(e.path());
            }
        }
    }
    if nodes.is_empty() {
        return Err(format!(
            "no power node file `{}/node_*.txt` (the official summarizer fails an assertion here)",
            dir.display()
        ));
    }
    nodes.sort();
    switches.sort();
    let read = |p: &Path| MlLog::read(p).map_err(|e| e.to_string());
    let mut total = 0.0;
    for p in &nodes {
        total +=
            node_energy(&read(p)?.lines, ttt_ms).map_err(|e| format!("{}: {e}", p.display()))?;
    }
    for p in &switches {
        total +=
            switch_energy(&read(p)?.lines, ttt_ms).map_err(|e| format!("{}: {e}", p.display()))?;
    }
    Ok(total)
}

/// `logline.value["value"]` as a number.
fn reading(l: &LogLine) -> Result<f64, String> {
    l.value.as_f64().ok_or_else(|| {
        format!(
            "line {}: `{}` value is {}, not a number (the official summarizer raises a TypeError)",
            l.file_line, l.key, l.value
        )
    })
}

/// `_compute_power_node`: readings integrated from `power_measurement_start` (until
/// `power_measurement_stop`), times `conversion_eff`, scaled from the measurement window to
/// the time to train.
pub fn node_energy(lines: &[LogLine], ttt_ms: f64) -> Result<f64, String> {
    let mut sorted: Vec<&LogLine> = lines.iter().collect();
    sorted.sort_by(|a, b| a.time_ms.total_cmp(&b.time_ms));
    let (mut prev, mut last, mut start, mut stop) = (0.0, 0.0_f64, 0.0, 0.0);
    let (mut agg, mut eff) = (0.0, 1.0);
    let (mut started, mut stopped) = (false, false);
    for l in sorted {
        match l.key.as_str() {
            "power_measurement_start" => {
                start = l.time_ms;
                prev = l.time_ms;
                started = true;
            }
            "power_reading" if started && !stopped => {
                agg += reading(l)? * (l.time_ms - prev);
                prev = l.time_ms;
                last = last.max(l.time_ms);
            }
            "power_measurement_stop" => {
                stop = l.time_ms;
                stopped = true;
            }
            "conversion_eff" => eff = reading(l)?,
            _ => {}
        }
    }
    if !started {
        return Err("no `power_measurement_start` (the official summarizer raises \"Power start timestamp not found\")".to_owned());
    }
    if !stopped {
        stop = last;
    }
    let window = stop - start;
    if window == 0.0 {
        return Err(format!("the power measurement window is empty (start and stop both at {start} ms; the official summarizer divides by zero)"));
    }
    Ok(eff * agg * ttt_ms / window / 1000.0)
}

/// `_compute_power_sw`: the first `interconnect_power_est` times `conversion_eff` (the last
/// one before it) over the time to train.
pub fn switch_energy(lines: &[LogLine], ttt_ms: f64) -> Result<f64, String> {
    let (mut agg, mut eff) = (0.0, 1.0);
    for l in lines {
        if l.key == "conversion_eff" {
            eff = reading(l)?;
        }
        if l.key == "interconnect_power_est" {
            agg = reading(l)?;
            break;
        }
    }
    Ok(eff * agg * ttt_ms / 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log(text: &str) -> Vec<LogLine> {
        MlLog::parse(text.as_bytes()).lines
    }

    fn line(t: u32, key: &str, v: f64) -> String {
        format!(":::MLLOG {{\"time_ms\": {t}, \"key\": \"{key}\", \"value\": {v}, \"metadata\": {{}}}}\n")
    }

    #[test]
    fn node_energy_integrates_readings_over_the_window() {
        // 100 W for 1 s then 300 W for 1 s over a 2 s window, ttt 4 s: 400 J x 2 = 800 J
        let text = [
            line(0, "power_measurement_start", 0.0),
            line(1000, "power_reading", 100.0),
            line(2000, "power_reading", 300.0),
            line(2000, "power_measurement_stop", 0.0),
            line(3000, "power_reading", 1e9),
        ]
        .concat();
        assert_eq!(node_energy(&log(&text), 4000.0), Ok(800.0));
    }

    #[test]
    fn a_zero_window_and_a_missing_start_are_reasons_not_crashes() {
        let text = [
            line(5, "power_measurement_start", 0.0),
            line(5, "power_measurement_stop", 0.0),
        ]
        .concat();
        assert!(node_energy(&log(&text), 1.0)
            .unwrap_err()
            .contains("divides by zero"));
        let text = line(5, "power_reading", 1.0);
        assert!(node_energy(&log(&text), 1.0)
            .unwrap_err()
            .contains("power_measurement_start"));
    }
}
