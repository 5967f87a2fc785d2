use std::time::Duration;

use super::{
    OnFinished, OnInterrupt, RunFolder, RunState, SlurmCli, SlurmError, TrackEnd, Tracker,
};
use crate::events::Event;
use crate::exec::CancelFlag;

/// `repro collect RUN`: waits for the runs that have no outcome yet and records them through
/// the same [`Tracker`] the live runner uses, so the stored results are the same as if the
/// runner had never stopped. Runs recorded earlier are left as they are (collect is
/// idempotent). An interrupt leaves the jobs running.
pub fn collect(
    folder: &RunFolder,
    cli: &dyn SlurmCli,
    poll: Duration,
    cancel: &CancelFlag,
    emit: &mut dyn FnMut(Event),
    on_finished: OnFinished<'_>,
) -> Result<(RunState, TrackEnd), SlurmError> {
    let mut state = RunState::load(folder)?;
    let tracker = Tracker {
        cli,
        poll,
        on_interrupt: OnInterrupt::Leave,
    };
    let end = tracker.track(folder, &mut state, cancel, emit, on_finished)?;
    Ok((state, end))
}
