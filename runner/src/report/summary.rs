//! Human renderings of a stored result and of a diff (the JSON ones are serde's).

use std::fmt::Write;

use crate::diff::Diff;
use crate::store::{ResultRecord, RunRecord, Stored};

/// The result as a short table: one line per run, then score and verdict.
pub fn result(stored: &Stored) -> String {
    let r = &stored.record;
    let mut out = String::new();
    let _ = writeln!(out, "plan `{}`  result {}", r.plan, short(&stored.id));
    let _ = writeln!(
        out,
        "  {:>3}  {:>20}  {:<10}  {:>9}  {:>9}  converged",
        "run", "seed", "status", "elapsed", "ttt"
    );
    for run in &r.runs {
        out.push_str(&run_line(run));
    }
    let score = r.score_s.map_or("none".to_string(), |s| format!("{s:.3}s"));
    let _ = writeln!(out, "score (olympic mean of time to train): {score}");
    if !r.reproducible {
        out.push_str(&drift(r));
    }
    out.push_str(&verdict_line(r));
    let _ = writeln!(out, "stored: {}", stored.path.display());
    out
}

/// `verdict: pass`, or why nothing was measured: a workload that never started is not a
/// failed benchmark.
pub fn verdict_line(r: &ResultRecord) -> String {
    if r.workload_not_found() {
        "verdict: not run: the workload was not found (every run exited 127 or 126 before it started)\n".to_string()
    } else if r.hparams_drifted() {
        format!(
            "verdict: drifted: the job did not run what the lock pins (scored {})\n",
            r.verdict.label()
        )
    } else {
        format!("verdict: {}\n", r.verdict.label())
    }
}

/// What drifted, as two tables: the machine (field, pinned, found; Slurm names the node in
/// the field, `driver (node n2)`) and the hparams the job's own log reported (run, key,
/// pinned, logged, where the spec pins it). Empty when nothing drifted.
pub fn drift(r: &ResultRecord) -> String {
    let mut out = String::new();
    if !r.drift.is_empty() {
        let _ = writeln!(
            out,
            "not reproducible: the environment drifted from the pins ({} field(s))",
            r.drift.len()
        );
        let width = r
            .drift
            .iter()
            .map(|d| d.field.len())
            .max()
            .unwrap_or(5)
            .max(5);
        let _ = writeln!(out, "  {:<width$}  {:<24}  found", "field", "pinned");
        for d in &r.drift {
            let _ = writeln!(out, "  {:<width$}  {:<24}  {}", d.field, d.pinned, d.found);
        }
    }
    let hparams: Vec<_> = r
        .runs
        .iter()
        .filter_map(|run| Some((run.index, &run.metrics.as_ref()?.hparams_drift)))
        .flat_map(|(index, ds)| ds.iter().map(move |d| (index, d)))
        .collect();
    for run in &r.runs {
        if let Some(d) = run.metrics.as_ref().and_then(|m| m.nccl_drift.as_ref()) {
            let _ = writeln!(
                out,
                "nccl drifted: run {} loaded NCCL {}, the lock pins {}",
                run.index, d.found, d.pinned
            );
        }
    }
    if !hparams.is_empty() {
        let _ = writeln!(
            out,
            "hparams drifted: the job's own log reports other values than the lock ({} value(s))",
            hparams.len()
        );
        let _ = writeln!(
            out,
            "  {:>3}  {:<28}  {:<12}  {:<12}  spec",
            "run", "key", "pinned", "logged"
        );
        for (index, d) in hparams {
            let _ = writeln!(
                out,
                "  {:>3}  {:<28}  {:<12}  {:<12}  {}",
                index,
                d.key,
                d.pinned,
                d.logged,
                d.spec.as_deref().unwrap_or("-")
            );
        }
    }
    out
}

fn run_line(run: &RunRecord) -> String {
    let metrics = run.metrics.as_ref();
    let ttt = metrics
        .and_then(|m| m.ttt_s)
        .map_or("-".into(), |t| format!("{t:.3}s"));
    let converged = metrics.map_or("-", |m| if m.converged { "yes" } else { "no" });
    let mut line = format!(
        "  {:>3}  {:>20}  {:<10}  {:>8.2}s  {:>9}  {converged}\n",
        run.index,
        run.seed,
        run.status.label(),
        run.elapsed_s,
        ttt
    );
    for message in metrics
        .map(|m| m.messages.as_slice())
        .unwrap_or_default()
        .iter()
        .take(3)
    {
        let _ = writeln!(line, "       {message}");
    }
    line
}

/// The diff as a table of metrics with their ratio intervals.
pub fn diff(diff: &Diff) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} vs baseline {}  (tolerance {:.1}%)",
        short(&diff.current),
        short(&diff.baseline),
        diff.tolerance * 100.0
    );
    let score = |s: Option<f64>| s.map_or("none".to_string(), |s| format!("{s:.3}s"));
    let _ = writeln!(
        out,
        "  score                {} vs {}",
        score(diff.score_s),
        score(diff.baseline_score_s)
    );
    for d in &diff.lock_differences {
        let _ = writeln!(out, "  lock differs: {d}");
    }
    for m in &diff.metrics {
        let ratio = m.ratio.map_or("-".into(), |ci| {
            format!("{:.3} [{:.3}, {:.3}]", ci.estimate, ci.low, ci.high)
        });
        let _ = writeln!(
            out,
            "  {:<20} n={}/{}  ratio {:<24} {}",
            m.name,
            m.current.len(),
            m.baseline.len(),
            ratio,
            verdict_word(m.verdict)
        );
    }
    let _ = writeln!(out, "verdict: {}", verdict_word(diff.verdict));
    out
}

fn verdict_word(v: crate::diff::DiffVerdict) -> &'static str {
    match v {
        crate::diff::DiffVerdict::Pass => "pass",
        crate::diff::DiffVerdict::Regressed => "regressed",
        crate::diff::DiffVerdict::Improved => "improved",
        crate::diff::DiffVerdict::Inconclusive => {
            "inconclusive (too few runs or too wide an interval)"
        }
    }
}

fn short(id: &str) -> &str {
    &id[..12.min(id.len())]
}
