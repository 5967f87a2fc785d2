//! The plain-text verdict line and drift tables of a result, shared by every human
//! rendering of a result (`repro run`, `repro collect`, the report crate's human format).

use std::fmt::Write;

use crate::store::ResultRecord;

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
