//! Ctrl-C during a sweep: the first SIGINT sets a flag that the backends
//! check between blocks of points, so the sweep stops within about a
//! second, keeps its finished checkpoint chunks and writes nothing else;
//! a second one kills the process as usual.

use std::sync::atomic::{AtomicBool, Ordering};

/// Set by the first SIGINT.
pub static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_sigint(_: libc::c_int) {
    // Only async-signal-safe work here: an atomic store and re-arming the
    // default action, so that a second Ctrl-C ends the process.
    STOP.store(true, Ordering::Relaxed);
    // SAFETY: signal(2) is async-signal-safe; SIG_DFL is a valid action.
    unsafe {
        libc::signal(libc::SIGINT, libc::SIG_DFL);
    }
}

/// Routes the next SIGINT to [`STOP`].
pub fn install() {
    #[cfg(unix)]
    // SAFETY: the handler only stores to an atomic and calls signal(2).
    unsafe {
        libc::signal(libc::SIGINT, on_sigint as *const () as libc::sighandler_t);
    }
}

/// The sweep stopped at the user's Ctrl-C: exit status 130, as a shell
/// reports a process ended by SIGINT.
#[derive(Debug)]
pub struct Interrupted(pub String);

impl std::fmt::Display for Interrupted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Interrupted {}
