use std::path::Path;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::atomic::{read_json, write_json};
use super::{
    preflight, submit, OnInterrupt, RunFolder, RunRecord, RunState, SlurmCli, SlurmEnd, SlurmError,
    SlurmOptions, SlurmOutcome, SlurmRequest, TrackEnd, Tracker,
};
use crate::events::Event;
use crate::exec::CancelFlag;
use crate::probe::{self, Drift, EnvRecord};
use crate::session::{record_for, RunPlan, Scorer};
use crate::store::{self, LogDigest, ResultRecord, ResultStore};

/// The id and path of the stored result, kept in the run folder so that a second
/// `repro collect` answers with the same result instead of storing it twice.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredRef {
    id: String,
    path: std::path::PathBuf,
}

/// `repro run --executor slurm`: submit every run of `plan` as one job array into `folder`,
/// then follow, score and store exactly as [`collect_session`] does.
#[allow(clippy::too_many_arguments)]
pub fn run_session(
    plan: &RunPlan,
    scorer: &dyn Scorer,
    store: &ResultStore,
    folder: &RunFolder,
    repro: &Path,
    cli: &dyn SlurmCli,
    options: SlurmOptions,
    cancel: &CancelFlag,
    emit: &mut dyn FnMut(Event),
) -> Result<SlurmEnd, SlurmError> {
    let request = SlurmRequest::from_plan(plan)?;
    let mut state = submit(&request, folder, repro, cli)?;
    write_json(&folder.plan(), plan)?;
    emit(Event::SessionStarted {
        plan: plan.name.clone(),
        runs: plan.runs,
        executor: "slurm".to_string(),
    });
    for run in &state.runs {
        emit(Event::RunStarted {
            index: run.index,
            run_id: run.task.clone(),
            seed: run.seed,
            dir: folder.run(run.index).display().to_string(),
        });
    }
    let tracker = Tracker {
        cli,
        poll: options.poll,
        on_interrupt: options.on_interrupt,
    };
    finish(
        plan, scorer, store, folder, &tracker, &mut state, cancel, emit,
    )
}

/// Picks the scorer for the plan read back from the run folder.
pub type ScorerFor<'a> = &'a dyn Fn(&RunPlan) -> Result<Box<dyn Scorer>, SlurmError>;

/// `repro collect RUN`: the second half of [`run_session`], from the run folder alone.
/// Runs recorded earlier are kept; an interrupt leaves the jobs running.
pub fn collect_session(
    scorer_for: ScorerFor<'_>,
    store: &ResultStore,
    folder: &RunFolder,
    cli: &dyn SlurmCli,
    poll: Duration,
    cancel: &CancelFlag,
    emit: &mut dyn FnMut(Event),
) -> Result<SlurmEnd, SlurmError> {
    folder.require(&folder.plan())?;
    let plan: RunPlan = read_json(&folder.plan())?;
    let scorer = scorer_for(&plan)?;
    let mut state = RunState::load(folder)?;
    let tracker = Tracker {
        cli,
        poll,
        on_interrupt: OnInterrupt::Leave,
    };
    finish(
        &plan,
        scorer.as_ref(),
        store,
        folder,
        &tracker,
        &mut state,
        cancel,
        emit,
    )
}

#[allow(clippy::too_many_arguments)]
fn finish(
    plan: &RunPlan,
    scorer: &dyn Scorer,
    store: &ResultStore,
    folder: &RunFolder,
    tracker: &Tracker<'_>,
    state: &mut RunState,
    cancel: &CancelFlag,
    emit: &mut dyn FnMut(Event),
) -> Result<SlurmEnd, SlurmError> {
    let mut score = |f: &RunFolder, r: &RunRecord| score_run(f, r, scorer);
    if tracker.track(folder, state, cancel, emit, &mut score)? == TrackEnd::Detached {
        return Ok(SlurmEnd::Detached);
    }
    if let Ok(stored) = read_json::<StoredRef>(&folder.stored()) {
        return Ok(SlurmEnd::Stored(Box::new(store::load(&stored.path)?)));
    }
    let record = result_record(plan, folder, state)?;
    for path in store.remove_leftovers(&record.plan)? {
        let path = path.display().to_string();
        emit(Event::LeftoverRemoved { path });
    }
    let stored = store.put(&record)?;
    let reference = StoredRef {
        id: stored.id.clone(),
        path: stored.path.clone(),
    };
    write_json(&folder.stored(), &reference)?;
    emit(Event::ResultStored {
        id: stored.id.clone(),
        path: stored.path.display().to_string(),
    });
    Ok(SlurmEnd::Stored(Box::new(stored)))
}

/// Scores one finished run and writes `run-I/record.json` at once: a result exists as soon
/// as its run ends, whatever happens to the runner afterwards.
fn score_run(folder: &RunFolder, run: &RunRecord, scorer: &dyn Scorer) -> Result<(), SlurmError> {
    let Some(outcome) = &run.outcome else {
        return Ok(());
    };
    let log = folder.rank_log(run.index, 0);
    let ran = !matches!(
        outcome,
        SlurmOutcome::Drift { .. } | SlurmOutcome::Cancelled
    );
    let metrics = match ran && log.exists() {
        true => Some(scorer.score(&log)?),
        false => None,
    };
    let record = store::RunRecord {
        index: run.index,
        run_id: run.task.clone(),
        seed: run.seed,
        status: outcome.run_status(),
        elapsed_s: run.elapsed_s,
        metrics,
        logs: digests(folder, run.index)?,
    };
    write_json(&folder.record(run.index), &record)
}

/// Digests of `run-I/rank-R.log` for every rank log that exists, in rank order.
fn digests(folder: &RunFolder, index: u32) -> Result<Vec<LogDigest>, SlurmError> {
    let mut out = Vec::new();
    for rank in 0.. {
        let path = folder.rank_log(index, rank);
        if !path.exists() {
            break;
        }
        out.push(LogDigest::of(
            &path,
            &format!("run-{index}/rank-{rank}.log"),
        )?);
    }
    Ok(out)
}

/// The stored result, built like the local session's: olympic score over the runs, drift
/// from every node's preflight, the environment of the first node probed.
fn result_record(
    plan: &RunPlan,
    folder: &RunFolder,
    state: &RunState,
) -> Result<ResultRecord, SlurmError> {
    let runs: Vec<store::RunRecord> = state
        .runs
        .iter()
        .map(|r| read_json(&folder.record(r.index)))
        .collect::<Result<_, _>>()?;
    let drift = all_drift(folder, state)?;
    let environment = first_node_record(folder, state)?;
    let mut record = record_for(plan, environment, drift, runs, true);
    for run in &state.runs {
        record
            .health
            .extend(preflight::read_health(&folder.preflight(run.index))?);
    }
    record.executor = "slurm".to_string();
    record.created_unix_ms = state.submitted_unix_ms;
    Ok(record)
}

/// Every node's drift over all runs, the field named with its node (`driver (node n2)`).
fn all_drift(folder: &RunFolder, state: &RunState) -> Result<Vec<Drift>, SlurmError> {
    let mut out: Vec<Drift> = Vec::new();
    for run in &state.runs {
        for node in preflight::read_drift(&folder.preflight(run.index))? {
            for d in node.drift {
                let d = Drift {
                    field: format!("{} (node {})", d.field, node.node),
                    ..d
                };
                if !out.contains(&d) {
                    out.push(d);
                }
            }
        }
    }
    Ok(out)
}

/// The probe record of the first node (by name) of the first run that has one. When no node
/// was probed (every run cancelled while queued) the machine that collects is recorded.
fn first_node_record(folder: &RunFolder, state: &RunState) -> Result<EnvRecord, SlurmError> {
    for run in &state.runs {
        if let Some(path) = preflight::first_record(&folder.preflight(run.index))? {
            return Ok(EnvRecord::read(&path)?);
        }
    }
    Ok(probe::probe_live())
}
