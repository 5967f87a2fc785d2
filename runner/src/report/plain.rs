use std::io::Write;

use super::Reporter;
use crate::events::{Event, Stream};

/// One line per event on a writer (stderr off a terminal); rank output is prefixed with
/// `[run N rank R]` so interleaved ranks stay readable. Raw MLLOG lines (`:::MLLOG {...}`)
/// are left out unless [`Plain::verbose`]: the scorer reads them from the log files, and a
/// person reads the rest.
pub struct Plain<W: Write> {
    out: W,
    verbose: bool,
}

impl<W: Write> Plain<W> {
    pub fn new(out: W) -> Plain<W> {
        Plain {
            out,
            verbose: false,
        }
    }

    /// Echo raw MLLOG lines too (`repro run --verbose`).
    pub fn verbose(mut self, verbose: bool) -> Plain<W> {
        self.verbose = verbose;
        self
    }

    pub fn into_inner(self) -> W {
        self.out
    }
}

/// The line a plain reporter prints for `event`.
pub fn line(event: &Event) -> String {
    match event {
        Event::SessionStarted {
            plan,
            runs,
            executor,
        } => {
            format!("running `{plan}`: {runs} run(s) on the {executor} executor")
        }
        Event::ProbeFinished { drift, .. } if drift.is_empty() => {
            "environment matches the pins".into()
        }
        Event::ProbeFinished { drift, allowed } => format!(
            "environment drifted in {} field(s){}",
            drift.len(),
            if *allowed {
                "; running anyway (--allow-drift), result not reproducible"
            } else {
                ""
            }
        ),
        Event::RunStarted {
            index, seed, dir, ..
        } => format!("run {index} started (seed {seed}) in {dir}"),
        Event::RankOutput {
            index,
            rank,
            stream,
            line,
        } => {
            let tag = if *stream == Stream::Stderr {
                " stderr"
            } else {
                ""
            };
            format!("[run {index} rank {rank}{tag}] {line}")
        }
        Event::RunFinished {
            index,
            status,
            elapsed_s,
        } => {
            format!("run {index} {} after {elapsed_s:.2}s", status.label())
        }
        Event::LeftoverRemoved { path } => {
            format!("removed `{path}`, a temporary file left by an interrupted run")
        }
        Event::ResultStored { id, path } => {
            format!("result {} stored in {path}", &id[..12.min(id.len())])
        }
        Event::QueueChanged {
            pending,
            running,
            finished,
            total,
            eta_s,
        } => {
            let eta = eta_s.map_or("ETA unknown until a run finishes".into(), |s| {
                format!("ETA {}", duration(s))
            });
            format!(
                "slurm: {pending} pending, {running} running, {finished}/{total} finished, {eta}"
            )
        }
    }
}

/// `1h 02m`, `4m 10s`, `12s`.
fn duration(seconds: f64) -> String {
    let s = seconds.max(0.0).round() as u64;
    match (s / 3600, s % 3600 / 60, s % 60) {
        (0, 0, sec) => format!("{sec}s"),
        (0, min, sec) => format!("{min}m {sec:02}s"),
        (h, min, _) => format!("{h}h {min:02}m"),
    }
}

impl<W: Write> Reporter for Plain<W> {
    fn event(&mut self, event: &Event) {
        if !self.verbose && is_mllog(event) {
            return;
        }
        // A closed stderr must not stop the run; the result is still stored.
        let _ = writeln!(self.out, "{}", line(event));
    }
}

/// A rank's raw MLLOG line.
pub fn is_mllog(event: &Event) -> bool {
    matches!(event, Event::RankOutput { line, .. } if line.trim_start().starts_with(":::MLLOG"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queue_lines_carry_counts_and_an_eta() {
        let event = Event::QueueChanged {
            pending: 2,
            running: 1,
            finished: 3,
            total: 6,
            eta_s: Some(250.0),
        };
        assert_eq!(
            line(&event),
            "slurm: 2 pending, 1 running, 3/6 finished, ETA 4m 10s"
        );
        assert_eq!(duration(3720.0), "1h 02m");
        assert_eq!(duration(12.4), "12s");
    }
}
