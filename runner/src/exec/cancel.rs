use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Set when the user asked to stop (Ctrl-C, SIGTERM); executors poll it.
///
/// A flag rather than a handler that kills: the executor owns the process group and is the
/// only one that knows what to stop and how to record it (as `cancelled`).
#[derive(Debug, Clone, Default)]
pub struct CancelFlag(Arc<AtomicBool>);

impl CancelFlag {
    /// A flag that only [`CancelFlag::cancel`] sets.
    pub fn new() -> CancelFlag {
        CancelFlag::default()
    }

    /// A flag that SIGINT and SIGTERM set.
    pub fn on_signals() -> std::io::Result<CancelFlag> {
        let flag = CancelFlag::new();
        for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
            signal_hook::flag::register(signal, Arc::clone(&flag.0))?;
        }
        Ok(flag)
    }

    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}
