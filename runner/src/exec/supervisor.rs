//! A rank and everything it starts die with the runner.
//!
//! `PR_SET_PDEATHSIG` on the rank alone is not enough: a process the rank forks (a data
//! loader, `sleep` under a shell, a helper daemon) is re-parented when the runner is
//! SIGKILLed and lives on. So each rank runs under a supervisor: the process that the runner
//! forks stays behind as the rank's parent, forks once more, and the second child becomes
//! the rank (it continues into `exec bash script`). Both are in the job's process group
//! (set by `Command::process_group` before this runs).
//!
//! - The supervisor gets the parent-death signal ([`PARENT_DIED`]). Its handler kills the
//!   whole process group with SIGKILL (`kill(0, SIGKILL)`), which takes the rank and every
//!   descendant that stayed in the group, then the supervisor itself. The handler does this
//!   whenever the signal comes, so there is no window between a check and a wait.
//! - The rank gets `PR_SET_PDEATHSIG = SIGKILL` against the supervisor, so it also dies if
//!   the supervisor alone is killed.
//! - While the runner lives nothing changes for it: the supervisor ignores the stop signals
//!   the runner sends to the group (SIGTERM, SIGINT, SIGHUP, SIGQUIT; SIGKILL at the end of
//!   the grace still takes it), waits for the rank and ends the way the rank ended (same
//!   exit code, or the same signal raised on itself), so exit statuses mean what they meant.
//! - It closes every file descriptor: the rank's output pipes reach EOF when the rank and
//!   its descendants close them, and `spawn` in the runner, which waits for its
//!   close-on-exec error pipe, returns as soon as the rank has exec'd.
//!
//! Why not a re-exec'd `repro` subcommand: the runner is a library (its tests have no
//! `repro` binary), and the supervisor needs no allocation, no threads and no Rust runtime,
//! only async-signal-safe system calls, which is exactly what may run between `fork` and
//! `exec`. Why not a subreaper: a killed group already reaches every descendant that stayed
//! in it; a descendant that leaves the group on purpose (`setsid`) escapes either way, and
//! only a cgroup could hold it.
//!
//! The parent-death signal fires when the runner *thread* that spawned the supervisor exits;
//! ranks are spawned by the thread that runs the job and waits for it, so that thread
//! outlives them, and the handler also checks that the parent really changed.

use std::os::unix::process::CommandExt;
use std::process::Command;
use std::sync::atomic::{AtomicI32, Ordering};

/// The signal the kernel sends the supervisor when the runner dies; any signal the runner
/// never sends to the group would do.
const PARENT_DIED: libc::c_int = libc::SIGUSR1;

/// Signals the runner sends the group to stop it; they are for the rank, not the supervisor.
const STOP_SIGNALS: [libc::c_int; 4] = [libc::SIGTERM, libc::SIGINT, libc::SIGHUP, libc::SIGQUIT];

/// The runner's pid, as seen by the supervisor's handler (set in the supervisor's own copy
/// of memory after `fork`; the runner never writes it).
static RUNNER: AtomicI32 = AtomicI32::new(0);

/// Makes `command` start under a supervisor, see the module documentation.
pub(crate) fn supervise(command: &mut Command) {
    let runner = std::process::id() as libc::pid_t;
    // SAFETY: between fork and exec only async-signal-safe calls run (fork, prctl, getpid,
    // getppid, signal, sigaction, setrlimit, close_range/close, waitpid, kill, _exit);
    // nothing allocates or takes a lock.
    unsafe {
        command.pre_exec(move || {
            let supervisor = libc::getpid();
            match libc::fork() {
                -1 => Err(std::io::Error::last_os_error()),
                0 => {
                    if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL, 0, 0, 0) != 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                    // The supervisor died between fork and prctl: no signal will come.
                    if libc::getppid() != supervisor {
                        libc::_exit(137);
                    }
                    Ok(())
                }
                rank => supervise_rank(runner, rank),
            }
        });
    }
}

/// The supervisor: never returns.
///
/// SAFETY: only between `fork` and `exec` (see [`supervise`]).
unsafe fn supervise_rank(runner: libc::pid_t, rank: libc::pid_t) -> ! {
    RUNNER.store(runner, Ordering::SeqCst);
    if libc::syscall(libc::SYS_close_range, 0u32, u32::MAX, 0u32) != 0 {
        for fd in 0..4096 {
            libc::close(fd);
        }
    }
    for signal in STOP_SIGNALS {
        libc::signal(signal, libc::SIG_IGN);
    }
    let mut action: libc::sigaction = std::mem::zeroed();
    action.sa_sigaction = on_parent_death as *const () as libc::sighandler_t;
    libc::sigemptyset(&mut action.sa_mask);
    if libc::sigaction(PARENT_DIED, &action, std::ptr::null_mut()) != 0 {
        kill_group();
    }
    // Ending by the rank's signal must not leave a core file of the supervisor.
    let no_core = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    libc::setrlimit(libc::RLIMIT_CORE, &no_core);
    if libc::prctl(libc::PR_SET_PDEATHSIG, PARENT_DIED, 0, 0, 0) != 0 {
        kill_group();
    }
    // The runner died between fork and prctl: no signal will come.
    if libc::getppid() != runner {
        kill_group();
    }
    let mut status = 0;
    loop {
        let reaped = libc::waitpid(rank, &mut status, 0);
        if reaped == rank {
            break;
        }
        let interrupted = std::io::Error::last_os_error().raw_os_error() == Some(libc::EINTR);
        if reaped == -1 && !interrupted {
            libc::_exit(127);
        }
    }
    if libc::WIFEXITED(status) {
        libc::_exit(libc::WEXITSTATUS(status));
    }
    let signal = libc::WTERMSIG(status);
    libc::signal(signal, libc::SIG_DFL);
    libc::kill(libc::getpid(), signal);
    libc::_exit(128 + signal)
}

extern "C" fn on_parent_death(_: libc::c_int) {
    // SAFETY: getppid, kill and _exit are async-signal-safe.
    unsafe {
        if libc::getppid() != RUNNER.load(Ordering::SeqCst) {
            kill_group();
        }
    }
}

/// SIGKILL to the whole process group, the supervisor included.
unsafe fn kill_group() -> ! {
    libc::kill(0, libc::SIGKILL);
    libc::_exit(137)
}
