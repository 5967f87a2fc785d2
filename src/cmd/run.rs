//! `repro run SPEC`: lock (or check the lock under `--locked`), probe, launch every run,
//! score, store, and optionally compare. A sweep runs its plans one after the other.
//! A plan JSON (as `repro plan --format json` hands it to the runner) is accepted too.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::Context;
use repro_runner::diff::{diff, DiffOptions};
use repro_runner::exec::{CancelFlag, Executor, Fake, Local};
use repro_runner::report::{Plain, Progress, Reporter, ResultReport, Silent};
use repro_runner::session::{run_session, MlperfScorer, RunPlan, SessionOptions};
use repro_runner::store::{ResultStore, Stored};

pub use super::format::Format;
use crate::exit::Exit;
use repro_compiler::executor_kind::ExecutorKind;

/// Hidden, for tests: a JSON list of scripted runs replaces the local executor.
const FAKE_EXECUTOR_VAR: &str = "REPRO_FAKE_EXECUTOR";

#[derive(clap::Args)]
pub struct Args {
    /// The spec to run (`.run`), or a runner plan as JSON
    pub plan: PathBuf,
    #[command(flatten)]
    pub compile: super::compile_flags::CompileFlags,
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
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Price table ($ per GPU-hour per accelerator SKU) for the cost of the result
    #[arg(long, value_name = "FILE")]
    pub prices: Option<PathBuf>,
    /// Echo every line the ranks print, raw MLLOG lines included
    #[arg(long, short)]
    pub verbose: bool,
    /// Where to run: the spec's `launch` block decides unless this says otherwise
    #[arg(long, value_enum)]
    pub executor: Option<ExecutorArg>,
    /// Print the rendered Slurm script and the steps, submit nothing
    #[arg(long)]
    pub dry_run: bool,
    /// On Ctrl-C, cancel the Slurm jobs without asking
    #[arg(long)]
    pub cancel_on_exit: bool,
    /// Seconds between two `squeue` polls (Slurm)
    #[arg(long, default_value_t = 2.0)]
    pub poll: f64,
}

/// `--executor local|slurm`: the flag's spelling of [`ExecutorKind`].
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExecutorArg {
    Local,
    Slurm,
}

impl From<ExecutorArg> for ExecutorKind {
    fn from(arg: ExecutorArg) -> ExecutorKind {
        match arg {
            ExecutorArg::Local => ExecutorKind::Local,
            ExecutorArg::Slurm => ExecutorKind::Slurm,
        }
    }
}

pub fn run(args: Args) -> anyhow::Result<Exit> {
    let plans = match load_plans(&args) {
        Ok(plans) => plans,
        Err(exit) => return Ok(exit),
    };
    let mut exit = Exit::Pass;
    for (plan, from_spec) in plans {
        let kind = args.executor.map(ExecutorKind::from).unwrap_or(from_spec);
        let this = match (kind, args.dry_run) {
            (ExecutorKind::Slurm, true) => dry_run(&args, &plan)?,
            (ExecutorKind::Local, true) => dry_run_local(&args, &plan),
            (ExecutorKind::Slurm, false) => super::run_slurm::run(&args, &plan)?,
            (ExecutorKind::Local, false) => run_plan(&args, plan)?,
        };
        if (this as i32) > (exit as i32) {
            exit = this;
        }
    }
    Ok(exit)
}

/// The plans to run: a spec is compiled and locked (or checked against its lock), a JSON
/// file is read as one runner plan. A dry run compiles without writing any lock.
fn load_plans(args: &Args) -> Result<Vec<(RunPlan, ExecutorKind)>, Exit> {
    if args.plan.extension().is_none_or(|e| e != "run") {
        return read_plan(&args.plan)
            .map(|p| vec![(p, ExecutorKind::Local)])
            .map_err(|e| fail(Exit::Invalid, &e));
    }
    let mut opts = args.compile.options();
    // A real run proves every commit the lock has not: it fetches it before launching.
    opts.verify_unfetched = !args.dry_run;
    let locked = if args.dry_run && !opts.must_match() {
        repro_compiler::compile::compile(&args.plan, &opts).map(|c| (c, Vec::new()))
    } else {
        repro_compiler::locker::lock(&args.plan, &opts)
    };
    let (compiled, updates) = locked.map_err(|failed| {
        eprint!("{}", failed.render());
        Exit::Invalid
    })?;
    eprint!("{}", compiled.render_warnings());
    if args.format == Format::Human {
        updates.iter().for_each(|u| eprint!("{}", u.render()));
    }
    let root = repro_compiler::compile::lock_root(&args.plan, &opts);
    compiled
        .plans
        .iter()
        .map(|p| {
            let kind = p.launch().executor;
            let mut plan = RunPlan::from_compiled(p, &root, &compiled.sources)
                .map_err(|e| fail(Exit::Invalid, &e.into()))?;
            if opts.may_resolve() {
                // The locker fetched them (under `--locked` the lock keeps `fetched = false`).
                plan.unverified_sources.clear();
            } else if !args.dry_run {
                warn_unverified(p, &plan, &compiled.sources, &root);
            }
            Ok((plan, kind))
        })
        .collect()
}

/// `--offline`/`--frozen`: the run goes ahead on commits nobody fetched; say which, where.
fn warn_unverified(
    p: &repro_compiler::plan::Plan,
    plan: &RunPlan,
    sources: &repro_lang::SourceMap,
    root: &Path,
) {
    for name in &plan.unverified_sources {
        let field = format!("software.sources.{name}");
        let at = p.location(&field, sources, root).unwrap_or(field);
        eprintln!(
            "warning: {at}: source `{name}` is pinned to a commit that was never fetched from its remote, and `--offline`/`--frozen` forbid fetching it now\n  = note: the run goes ahead; its result records the source as unverified (`unverified_sources`)\n  = help: run online (or `repro lock --fetch`) to prove the remote has that commit"
        );
    }
}

/// `--dry-run`: the script and the steps, nothing submitted.
fn dry_run(args: &Args, plan: &RunPlan) -> anyhow::Result<Exit> {
    let paths = repro_runner::slurm::Paths {
        run_root: super::run_slurm::run_root(args, plan),
        repro: std::env::current_exe().context("cannot find the repro binary")?,
    };
    match repro_runner::slurm::DryRun::for_plan(plan, &paths) {
        Ok(dry) => {
            print!("{dry}");
            Ok(Exit::Pass)
        }
        Err(e) => Ok(fail(Exit::Invalid, &e.into())),
    }
}

/// `--dry-run` of a local plan: run 0's launch script, nothing created or started.
fn dry_run_local(args: &Args, plan: &RunPlan) -> Exit {
    let options = SessionOptions {
        allow_drift: args.allow_drift,
        runs_dir: args.runs_dir.clone(),
    };
    match repro_runner::session::dry_run_script(plan, &options) {
        Ok(script) => {
            print!("{script}");
            Exit::Pass
        }
        Err(e) => fail(Exit::Invalid, &anyhow::Error::new(e)),
    }
}

fn run_plan(args: &Args, plan: RunPlan) -> anyhow::Result<Exit> {
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
    let prices = match super::format::prices(args.prices.as_deref()) {
        Ok(p) => p,
        Err(exit) => return Ok(exit),
    };
    let mut reporter = reporter(args.format, args.verbose);
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
        Err(e) => return Ok(fail(Exit::for_session_error(&e), &anyhow::Error::new(e))),
    };
    let compared = args
        .compare
        .as_ref()
        .map(|query| compare(&store, &stored, query, args.across_locks));
    let diff = match compared.transpose() {
        Ok(diff) => diff,
        Err(e) => {
            let _ = print_result(&stored, None, args.format, prices.as_ref());
            return Ok(fail(Exit::Invalid, &e));
        }
    };
    let verdict = diff.as_ref().map(|d| d.verdict);
    if let Err(exit) = print_result(&stored, diff, args.format, prices.as_ref()) {
        return Ok(exit);
    }
    Ok(Exit::for_result(&stored.record, verdict))
}

/// A runner plan given as JSON (tests and tools that build plans themselves).
fn read_plan(path: &Path) -> anyhow::Result<RunPlan> {
    // Bounded and regular only: a FIFO or `/dev/zero` named as the plan is an error, not a hang.
    let bytes = repro_lang::read_bounded(path, repro_lang::MAX_SPEC_BYTES)
        .with_context(|| format!("cannot read plan `{}`", path.display()))?;
    let text = String::from_utf8(bytes)
        .with_context(|| format!("cannot read plan `{}`: not UTF-8", path.display()))?;
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

fn reporter(format: Format, verbose: bool) -> Box<dyn Reporter> {
    match format {
        Format::Json => Box::new(Silent),
        _ if std::io::stderr().is_terminal() => Box::new(Progress::new()),
        _ => Box::new(Plain::new(std::io::stderr()).verbose(verbose)),
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

fn print_result(
    stored: &Stored,
    diff: Option<repro_runner::diff::Diff>,
    format: Format,
    prices: Option<&repro_report::Prices>,
) -> Result<(), Exit> {
    let report = ResultReport::new(stored, diff);
    super::format::print(repro_report::run::render(&report, format.into(), prices))
}

/// Prints `error` the way main does and returns the exit code to use.
pub fn fail(exit: Exit, error: &anyhow::Error) -> Exit {
    eprintln!("error: {error:#}");
    exit
}
