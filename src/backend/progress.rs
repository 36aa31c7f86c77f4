//! What a running sweep reports and obeys: a callback told how many points
//! have finished, and an optional stop flag (Ctrl-C in the CLI, a
//! KeyboardInterrupt in Python).
//!
//! The backends check the flag between blocks of points (every few
//! milliseconds of work) and skip the rest; [`crate::backend::run::Backend`] then
//! answers [`crate::Error::Interrupted`], so a stopped run never
//! hands back arrays with holes, and the runner writes nothing.

use std::sync::atomic::{AtomicBool, Ordering};

/// A progress callback and a stop flag, both optional.
#[derive(Clone, Copy)]
pub struct Progress<'a> {
    tick: Option<&'a (dyn Fn(u64) + Sync)>,
    stop: Option<&'a AtomicBool>,
}

impl<'a> Progress<'a> {
    /// Reports nothing and never stops.
    pub const NONE: Progress<'static> = Progress {
        tick: None,
        stop: None,
    };

    /// Tells `tick` how many points have finished, in increments.
    pub fn new(tick: &'a (dyn Fn(u64) + Sync)) -> Progress<'a> {
        Progress {
            tick: Some(tick),
            stop: None,
        }
    }

    /// Stops the run soon after `flag` is set.
    pub fn stop_on(mut self, flag: &'a AtomicBool) -> Progress<'a> {
        self.stop = Some(flag);
        self
    }

    /// `n` more points have finished.
    pub fn add(&self, n: u64) {
        if let Some(t) = self.tick {
            t(n);
        }
    }

    /// Whether the run has been asked to stop.
    pub fn stopped(&self) -> bool {
        self.stop.is_some_and(|s| s.load(Ordering::Relaxed))
    }
}

impl Default for Progress<'_> {
    fn default() -> Self {
        Progress::NONE
    }
}
