//! Exit codes, in one place. CI gates depend on them; the README documents them.

/// What a `repro` invocation ended with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Everything passed.
    Pass = 0,
    /// A verdict failed or a result regressed.
    Failed = 1,
    /// The input could not be read or is invalid.
    Invalid = 2,
    /// The machine drifted from the pins in the lock.
    Drift = 3,
    /// The run could not be executed or measured.
    Execution = 4,
    /// Too few runs to tell.
    Inconclusive = 5,
}

/// Restores the default SIGPIPE action so that `repro ... | head` ends quietly instead of
/// panicking on a closed pipe (Rust ignores SIGPIPE by default).
pub fn reset_sigpipe() {
    // SAFETY: setting a signal disposition to its default at start-up, before any thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
