use std::io::{BufRead, IsTerminal, Write};

/// What to do with submitted jobs when the user interrupts the runner (Ctrl-C, SIGTERM).
///
/// Slurm jobs outlive the runner by design, so the default is to *keep* them: a lost
/// terminal must not cancel a 64-node run. On a terminal the user is asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnInterrupt {
    /// Ask on the terminal whether to cancel.
    Ask,
    /// `--cancel-on-exit`: cancel without asking.
    Cancel,
    /// No terminal: leave the jobs running and say how to follow them.
    Leave,
}

impl OnInterrupt {
    /// `--cancel-on-exit` wins; otherwise ask when stdin is a terminal, else leave.
    pub fn from_flags(cancel_on_exit: bool) -> OnInterrupt {
        if cancel_on_exit {
            OnInterrupt::Cancel
        } else if std::io::stdin().is_terminal() {
            OnInterrupt::Ask
        } else {
            OnInterrupt::Leave
        }
    }

    /// Whether to cancel `jobs` jobs now; asks on the terminal for [`OnInterrupt::Ask`].
    pub fn should_cancel(self, jobs: usize) -> bool {
        match self {
            OnInterrupt::Cancel => true,
            OnInterrupt::Leave => false,
            OnInterrupt::Ask => ask(jobs),
        }
    }
}

fn ask(jobs: usize) -> bool {
    eprint!("interrupted: cancel the {jobs} unfinished Slurm job(s)? [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    let read = std::io::stdin().lock().read_line(&mut answer);
    read.is_ok() && matches!(answer.trim(), "y" | "Y" | "yes")
}
