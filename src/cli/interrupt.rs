//! Ctrl-C (SIGINT) or SIGTERM (a batch system's time limit or pre-emption,
//! which sends SIGKILL only after a grace period) during a sweep: the first
//! one sets a flag that the backends check between blocks of points, so
//! the sweep stops within about a second, writes its finished chunks as
//! checkpoints and nothing else; a second one ends the process as usual.

use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};

/// Set by the first SIGINT or SIGTERM.
pub static STOP: AtomicBool = AtomicBool::new(false);
/// Which signal set it.
static SIGNAL: AtomicI32 = AtomicI32::new(0);

extern "C" fn on_signal(sig: libc::c_int) {
    // Only async-signal-safe work here: atomic stores and re-arming the
    // default action, so that a second signal ends the process.
    SIGNAL.store(sig, Ordering::Relaxed);
    STOP.store(true, Ordering::Relaxed);
    // SAFETY: signal(2) is async-signal-safe; SIG_DFL is a valid action.
    unsafe {
        libc::signal(sig, libc::SIG_DFL);
    }
}

/// Routes the next SIGINT, SIGTERM and SIGHUP to [`STOP`].
pub fn install() {
    #[cfg(unix)]
    // SAFETY: the handler only stores to atomics and calls signal(2).
    unsafe {
        // SIGHUP too: a closed terminal or ssh session stops the sweep
        // as Ctrl-C does, with its finished chunks journaled.
        for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
            libc::signal(sig, on_signal as *const () as libc::sighandler_t);
        }
    }
}

/// The exit status of a sweep stopped by a signal, as a shell reports a
/// process ended by it: 128 + the signal (130 for Ctrl-C, 143 for SIGTERM).
pub fn exit_status() -> i32 {
    match SIGNAL.load(Ordering::Relaxed) {
        0 => 128 + libc::SIGINT,
        sig => 128 + sig,
    }
}

/// The sweep stopped at the user's Ctrl-C or a SIGTERM.
#[derive(Debug)]
pub struct Interrupted(pub String);

impl std::fmt::Display for Interrupted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Interrupted {}
