//! `repro run PLAN`: probe, launch every run, score, store, and optionally compare.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::Context;
use repro_runner::diff::{diff, DiffOptions, DiffVerdict};
use repro_runner::exec::{CancelFlag, Executor, Fake, Local};
use repro_runner::report::{summary, Plain, Progress, Reporter, Silent};
use repro_runner::session::{run_session, MlperfScorer, RunPlan, SessionError, SessionOptions};
use repro_runner::store::{ResultStore, RunVerdict, StoreError, Stored};

use crate::exit::Exit;

/// Hidden, for tests: a JSON list of scripted runs replaces the local executor.
const FAKE_EXECUTOR_VAR: &str = "REPRO_FAKE_EXECUTOR";

#[derive(clap::Args)]
pub struct Args {
    /// The locked plan to run (JSON, as the compiler hands it to the runner)
    pub plan: PathBuf,
    /// Result store directory
    #[arg(long, default_value = "results")]
    pub store: PathBuf,
    /// Where run directories go (`<runs>/<plan>/<run-id>/`)
    #[arg(long, default_value = "runs")]
    pub runs_dir: PathBuf,
    /// Run even if the machine differs from the pins; the result is marked not reproducible
    #[arg(long)]
    pub allow_drift: bool,
    /// Compare with `latest` (the prior result of this plan) or a result id, file or baseline
    #[arg(long, value_name = "latest|BASELINE")]
    pub compare: Option<String>,
    /// Compare even when hardware or software groups differ (lists the differences)
    #[arg(long)]
    pub across_locks: bool,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
}

pub fn run(args: Args) -> anyhow::Result<Exit> {
    let plan = match read_plan(&args.plan) {
        Ok(plan) => plan,
        Err(e) => return Ok(fail(Exit::Invalid, &e)),
    };
    let scorer = match MlperfScorer::for_plan(&plan) {
        Ok(scorer) => scorer,
        Err(e) => return Ok(fail(Exit::Invalid, &anyhow::Error::new(e))),
    };
    let executor = executor()?;
    let store = ResultStore::new(&args.store);
    let options = SessionOptions {
        allow_drift: args.allow_drift,
        runs_dir: args.runs_dir.clone(),
    };
    let cancel = CancelFlag::on_signals().context("cannot install the Ctrl-C handler")?;
    let mut reporter = reporter(args.format);
    let outcome = run_session(
        &plan,
        executor.as_ref(),
        &scorer,
        &store,
        &options,
        &cancel,
        &mut |e| reporter.event(&e),
    );
    reporter.finish();
    let stored = match outcome {
        Ok(stored) => stored,
        Err(e) => return Ok(fail(session_exit(&e), &anyhow::Error::new(e))),
    };
    let compared = match &args.compare {
        Some(query) => Some(compare(&store, &stored, query, args.across_locks)),
        None => None,
    };
    let diff = match compared.transpose() {
        Ok(diff) => diff,
        Err(e) => {
            print_result(&stored, None, args.format);
            return Ok(fail(Exit::Invalid, &e));
        }
    };
    print_result(&stored, diff.as_ref(), args.format);
    Ok(exit_for(
        stored.record.verdict,
        diff.as_ref().map(|d| d.verdict),
    ))
}

/// Until the compiler hands plans over in-process, the runner reads them as JSON.
fn read_plan(path: &Path) -> anyhow::Result<RunPlan> {
    if path.extension().is_some_and(|e| e == "run") {
        anyhow::bail!(
            "`{}` is a spec; `repro run` takes the locked plan as JSON until the compiler is wired in\nhelp: pass the plan JSON (see `workloads/smoke-local.plan.json`)",
            path.display()
        );
    }
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read plan `{}`", path.display()))?;
    serde_json::from_str(&text).map_err(|e| {
        let position = format!(" at line {} column {}", e.line(), e.column());
        let message = e.to_string();
        let message = message.strip_suffix(&position).unwrap_or(&message);
        anyhow::anyhow!(
            "invalid plan `{}` at line {}, column {}: {message}",
            path.display(),
            e.line(),
            e.column()
        )
    })
}

fn executor() -> anyhow::Result<Box<dyn Executor>> {
    let Some(path) = std::env::var_os(FAKE_EXECUTOR_VAR) else {
        return Ok(Box::new(Local::default()));
    };
    let text = std::fs::read_to_string(&path).with_context(|| {
        format!(
            "cannot read `{}` (from `{FAKE_EXECUTOR_VAR}`)",
            Path::new(&path).display()
        )
    })?;
    let fake: Fake = serde_json::from_str(&text).with_context(|| {
        format!(
            "invalid fake executor file `{}`",
            Path::new(&path).display()
        )
    })?;
    Ok(Box::new(fake))
}

fn reporter(format: Format) -> Box<dyn Reporter> {
    match format {
        Format::Json => Box::new(Silent),
        Format::Human if std::io::stderr().is_terminal() => Box::new(Progress::new()),
        Format::Human => Box::new(Plain::new(std::io::stderr())),
    }
}

fn compare(
    store: &ResultStore,
    stored: &Stored,
    query: &str,
    across_locks: bool,
) -> anyhow::Result<repro_runner::diff::Diff> {
    let baseline = if query == "latest" {
        store.latest(&stored.record.plan, Some(&stored.id))?
    } else {
        store.resolve(query)?
    };
    Ok(diff(stored, &baseline, DiffOptions { across_locks })?)
}

fn print_result(stored: &Stored, diff: Option<&repro_runner::diff::Diff>, format: Format) {
    match format {
        Format::Human => {
            print!("{}", summary::result(stored));
            if let Some(diff) = diff {
                print!("{}", summary::diff(diff));
            }
        }
        Format::Json => {
            let report = serde_json::json!({
                "id": stored.id,
                "path": stored.path,
                "result": stored.record,
                "diff": diff,
            });
            println!("{report:#}");
        }
    }
}

/// A run that failed is exit 1 whatever the comparison says; otherwise the diff decides.
pub fn exit_for(verdict: RunVerdict, diff: Option<DiffVerdict>) -> Exit {
    match (verdict, diff) {
        (RunVerdict::Cancelled, _) => Exit::Execution,
        (RunVerdict::Failed, _) => Exit::Failed,
        (RunVerdict::Pass, None) => Exit::Pass,
        (RunVerdict::Pass, Some(d)) => diff_exit(d),
    }
}

pub fn diff_exit(verdict: DiffVerdict) -> Exit {
    match verdict {
        DiffVerdict::Pass | DiffVerdict::Improved => Exit::Pass,
        DiffVerdict::Regressed => Exit::Failed,
        DiffVerdict::Inconclusive => Exit::Inconclusive,
    }
}

fn session_exit(error: &SessionError) -> Exit {
    match error {
        SessionError::Drift(_) => Exit::Drift,
        SessionError::Probe(_)
        | SessionError::Launch(_)
        | SessionError::NoRuns(_)
        | SessionError::Store(StoreError::PlanName { .. }) => Exit::Invalid,
        SessionError::Exec(_)
        | SessionError::Score(_)
        | SessionError::Store(_)
        | SessionError::RunDir { .. } => Exit::Execution,
    }
}

/// Prints `error` the way main does and returns the exit code to use.
pub fn fail(exit: Exit, error: &anyhow::Error) -> Exit {
    eprintln!("error: {error:#}");
    exit
}
