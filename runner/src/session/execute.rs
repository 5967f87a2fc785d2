use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

use super::{score_runs, RunPlan, Scorer, SessionError};
use crate::events::Event;
use crate::exec::{CancelFlag, Executor, Job, RunOutcome, RunStatus};
use crate::health::{EnvelopeRegistry, HealthFinding, NodeHealth};
use crate::launch::Template;
use crate::probe::{self, Drift, EnvRecord};
use crate::store::{LogDigest, ResultRecord, ResultStore, RunRecord, RunVerdict, Stored, FORMAT};

/// Choices of the `repro run` invocation (not of the plan).
#[derive(Debug, Clone)]
pub struct SessionOptions {
    /// Run despite drift; the result is marked not reproducible.
    pub allow_drift: bool,
    /// Where run directories go (`runs/`).
    pub runs_dir: PathBuf,
}

/// Everything a session shares between its runs.
struct Context<'a> {
    plan: &'a RunPlan,
    template: Template,
    plan_dir: PathBuf,
    /// The directory repro was started in; commands in plans are relative to it.
    workdir: PathBuf,
    started_ms: u64,
}

/// Runs `plan` to a stored result. Errors are for sessions that could not produce a result
/// (drift, a broken template, a store that cannot be written); failed runs are results.
pub fn run_session(
    plan: &RunPlan,
    executor: &dyn Executor,
    scorer: &dyn Scorer,
    store: &ResultStore,
    options: &SessionOptions,
    cancel: &CancelFlag,
    emit: &mut dyn FnMut(Event),
) -> Result<Stored, SessionError> {
    if plan.runs == 0 {
        return Err(SessionError::NoRuns(plan.runs));
    }
    crate::store::check_plan_name(&plan.name)?;
    emit(Event::SessionStarted {
        plan: plan.name.clone(),
        runs: plan.runs,
        executor: executor.name().to_string(),
    });
    let (environment, drift, health) = preflight(plan, options, emit)?;
    let context = Context {
        plan,
        template: Template::load(&plan.launch.template)?,
        plan_dir: options.runs_dir.join(&plan.name),
        workdir: std::env::current_dir().map_err(|source| SessionError::RunDir {
            path: ".".into(),
            source,
        })?,
        started_ms: now_ms(),
    };
    let mut runs = Vec::new();
    for index in 0..plan.runs {
        let run = run_one(&context, index, executor, scorer, cancel, emit)?;
        let stop = run.status == RunStatus::Cancelled;
        runs.push(run);
        if stop {
            break;
        }
    }
    let mut record = result_record(&context, environment, drift, executor, runs);
    record.health = health.into_iter().collect();
    for path in store.remove_leftovers(&record.plan)? {
        let path = path.display().to_string();
        emit(Event::LeftoverRemoved { path });
    }
    let stored = store.put(&record)?;
    emit(Event::ResultStored {
        id: stored.id.clone(),
        path: stored.path.display().to_string(),
    });
    Ok(stored)
}

/// Probes and compares with the pins, then runs the GPU health checks the plan asks for;
/// refuses on drift or a refused health check unless allowed.
fn preflight(
    plan: &RunPlan,
    options: &SessionOptions,
    emit: &mut dyn FnMut(Event),
) -> Result<(EnvRecord, Vec<Drift>, Option<NodeHealth>), SessionError> {
    let environment = probe::probe()?;
    let mut drift = probe::compare(&plan.pins, &environment);
    let health = match &plan.pins.health {
        Some(policy) => {
            let registry = EnvelopeRegistry::load(&EnvelopeRegistry::default_dir())?;
            let node = NodeHealth::probe(policy, &crate::health::hostname(), &registry)?;
            drift.extend(node.findings.iter().map(HealthFinding::to_drift));
            Some(node)
        }
        None => None,
    };
    emit(Event::ProbeFinished {
        drift: drift.clone(),
        allowed: options.allow_drift,
    });
    if !drift.is_empty() && !options.allow_drift {
        return Err(SessionError::Drift(drift));
    }
    Ok((environment, drift, health))
}

fn run_one(
    context: &Context,
    index: u32,
    executor: &dyn Executor,
    scorer: &dyn Scorer,
    cancel: &CancelFlag,
    emit: &mut dyn FnMut(Event),
) -> Result<RunRecord, SessionError> {
    let job = prepare(context, index)?;
    emit(Event::RunStarted {
        index,
        run_id: job.run_id.clone(),
        seed: job.seed,
        dir: job.dir.display().to_string(),
    });
    let outcome = executor.run(&job, cancel, emit)?;
    emit(Event::RunFinished {
        index,
        status: outcome.status,
        elapsed_s: outcome.elapsed,
    });
    let metrics = match outcome.status {
        RunStatus::Cancelled => None,
        _ => Some(scorer.score(&job.rank_log(0))?),
    };
    let record = RunRecord {
        index,
        run_id: job.run_id.clone(),
        seed: job.seed,
        status: outcome.status,
        elapsed_s: outcome.elapsed,
        metrics,
        logs: digests(&job, &outcome)?,
    };
    persist(&job, &record)?;
    Ok(record)
}

/// Writes the run's record to `<run dir>/run.json` as soon as the run is scored, so that a
/// session killed before its result is stored still leaves every finished run on disk.
fn persist(job: &Job, record: &RunRecord) -> Result<(), SessionError> {
    let path = job.dir.join("run.json");
    let mut bytes = serde_json::to_vec_pretty(record).expect("a run record always serializes");
    bytes.push(b'\n');
    crate::store::write_atomic(&path, &bytes)
        .map_err(|source| SessionError::RunDir { path, source })
}

/// Creates `runs/<plan>/<run-id>/` and renders the launch script into it.
fn prepare(context: &Context, index: u32) -> Result<Job, SessionError> {
    let plan = context.plan;
    let run_id = format!("{}-{index}", context.started_ms);
    let dir = context.plan_dir.join(&run_id);
    let dir_error = |source| SessionError::RunDir {
        path: dir.clone(),
        source,
    };
    std::fs::create_dir_all(&dir).map_err(dir_error)?;
    let dir = dir.canonicalize().map_err(dir_error)?;
    let job = Job {
        plan: plan.name.clone(),
        index,
        run_id,
        script: dir.join("launch.sh"),
        dir,
        nodes: plan.launch.nodes,
        ranks_per_node: plan.launch.ranks_per_node,
        seed: plan.seed_of(index),
        time_limit: plan.time_limit_s.map(Duration::from_secs_f64),
    };
    let script = context.template.render(&template_values(context, &job))?;
    std::fs::write(&job.script, script).map_err(|source| crate::launch::LaunchError::Write {
        path: job.script.clone(),
        source,
    })?;
    Ok(job)
}

/// The plan's own values plus what the session knows about this run.
fn template_values(context: &Context, job: &Job) -> Value {
    let plan = context.plan;
    let mut values = plan.launch.values.clone();
    let session = json!({
        "plan": plan.name,
        "run_id": job.run_id,
        "run_index": job.index,
        "run_dir": job.dir.display().to_string(),
        "seed": job.seed,
        "nodes": job.nodes,
        "ranks_per_node": job.ranks_per_node,
        "world_size": job.world_size(),
        "time_limit_s": plan.time_limit_s,
        "workdir": context.workdir.display().to_string(),
    });
    if let Value::Object(session) = session {
        values.extend(session);
    }
    Value::Object(values)
}

fn digests(job: &Job, outcome: &RunOutcome) -> Result<Vec<LogDigest>, SessionError> {
    let mut digests = Vec::new();
    for log in outcome.logs.iter().filter(|p| p.exists()) {
        digests.push(LogDigest::of(log, &relative_name(job, log))?);
    }
    Ok(digests)
}

/// `<run-id>/rank-0.log`: logs are named relative to `runs/<plan>/`, never by absolute path.
fn relative_name(job: &Job, log: &Path) -> String {
    let file = log
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!("{}/{file}", job.run_id)
}

fn result_record(
    context: &Context,
    environment: EnvRecord,
    drift: Vec<Drift>,
    executor: &dyn Executor,
    runs: Vec<RunRecord>,
) -> ResultRecord {
    let complete = runs.len() == context.plan.runs as usize;
    let mut record = record_for(context.plan, environment, drift, runs, complete);
    record.executor = executor.name().to_string();
    record.created_unix_ms = context.started_ms;
    record
}

/// The result record of a plan's runs, as every executor stores it: the olympic score over
/// the runs, and the verdict (cancelled when a run was cancelled or runs are missing, else
/// pass when there is a score, else failed). The caller sets `executor` and
/// `created_unix_ms`.
pub fn record_for(
    plan: &RunPlan,
    environment: EnvRecord,
    drift: Vec<Drift>,
    runs: Vec<RunRecord>,
    complete: bool,
) -> ResultRecord {
    let score = score_runs(&runs, plan.dropped_allowed);
    let cancelled = !complete || runs.iter().any(|r| r.status == RunStatus::Cancelled);
    let verdict = match (cancelled, score.ttt_s) {
        (true, _) => RunVerdict::Cancelled,
        (false, Some(_)) => RunVerdict::Pass,
        (false, None) => RunVerdict::Failed,
    };
    ResultRecord {
        format: FORMAT,
        repro_version: env!("CARGO_PKG_VERSION").to_string(),
        plan: plan.name.clone(),
        plan_hash: plan.plan_hash.clone(),
        lock_hash: plan.lock_hash.clone(),
        hardware: plan.hardware.clone(),
        software: plan.software.clone(),
        unverified_sources: plan.unverified_sources.clone(),
        tolerance: plan.tolerance,
        dropped_allowed: Some(plan.dropped_allowed),
        reproducible: drift.is_empty() && !runs.iter().any(|r| r.hparams_drifted()),
        health: Vec::new(),
        environment,
        drift,
        executor: String::new(),
        created_unix_ms: 0,
        runs,
        score_s: score.ttt_s,
        verdict,
    }
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// What `repro run SPEC --dry-run` prints for a local plan: the launch script of run 0 as the
/// executor would write it to `runs/<plan>/<run-id>/launch.sh`, run folder and id shown as
/// placeholders. Nothing is created, probed or started.
pub fn dry_run_script(plan: &RunPlan, options: &SessionOptions) -> Result<String, SessionError> {
    let workdir = std::env::current_dir().map_err(|source| SessionError::RunDir {
        path: ".".into(),
        source,
    })?;
    let context = Context {
        plan,
        template: Template::load(&plan.launch.template)?,
        plan_dir: options.runs_dir.join(&plan.name),
        workdir,
        started_ms: 0,
    };
    let run_id = "RUN-ID-0".to_string();
    let job = Job {
        plan: plan.name.clone(),
        index: 0,
        dir: context.plan_dir.join(&run_id),
        script: context.plan_dir.join(&run_id).join("launch.sh"),
        run_id,
        nodes: plan.launch.nodes,
        ranks_per_node: plan.launch.ranks_per_node,
        seed: plan.seed_of(0),
        time_limit: plan.time_limit_s.map(Duration::from_secs_f64),
    };
    let script = context.template.render(&template_values(&context, &job))?;
    Ok(format!(
        "# dry run, nothing started: `{}` with {} rank(s) per node, {} run(s); run 0's launch script:\n{script}",
        job.script.display(),
        plan.launch.ranks_per_node,
        plan.runs
    ))
}
