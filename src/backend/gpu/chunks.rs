//! The chunk schedule both GPU loops share (the sweep kernel's and the
//! reduction passes'): a small first chunk, then chunks of about
//! [`PROGRESS_STEP`] of work between the host's waits, in whole workgroups
//! and up to the buffers' capacity, so that progress moves and a stop is
//! seen within a second even where a full chunk takes seconds (the density
//! matrix on a software adapter). Results do not depend on the chunking:
//! every point is computed alone, and the folds break ties by traversal
//! index whatever the chunk.

use std::time::{Duration, Instant};

use crate::backend::Progress;
use nessbat_kernels::layout::WORKGROUP;

/// Points in the first chunk, before the rate is known.
pub const FIRST_CHUNK: u64 = 1 << 14;
/// Work per wait once the rate is known: progress and Ctrl-C need less
/// than a second.
pub const PROGRESS_STEP: Duration = Duration::from_millis(250);

/// Where a loop stands: the next chunk's start and length, and the rate so
/// far.
pub struct Chunks {
    /// Positions are relative to the range the loop covers.
    start: u64,
    total: u64,
    cap: u64,
    next_len: u64,
    /// Chunks submitted between two waits of the host.
    per_wait: u64,
    done: u64,
    began: Instant,
}

impl Chunks {
    /// The schedule of `total` points in chunks of at most `cap` (a whole
    /// number of workgroups), with `per_wait` chunks between the host's
    /// waits.
    pub fn new(total: u64, cap: u64, per_wait: u64) -> Chunks {
        Chunks {
            start: 0,
            total,
            cap,
            next_len: cap.min(FIRST_CHUNK),
            per_wait: per_wait.max(1),
            done: 0,
            began: Instant::now(),
        }
    }

    /// The next chunk, `(start, len)` relative to the range, or None once
    /// every point is submitted or the run is stopped (a stopped run
    /// submits no more chunks; its caller drains what is in flight).
    pub fn next(&mut self, progress: &Progress) -> Option<(u64, u64)> {
        if self.start >= self.total || progress.stopped() {
            return None;
        }
        let len = self.next_len.min(self.total - self.start);
        let chunk = (self.start, len);
        self.start += len;
        Some(chunk)
    }

    /// Whether every point has been submitted.
    pub fn submitted_all(&self) -> bool {
        self.start >= self.total
    }

    /// `n` more points are finished: tells `progress`, and sizes the next
    /// chunks from the rate so far.
    pub fn finished(&mut self, n: u64, progress: &Progress) {
        progress.add(n);
        self.done += n;
        let rate = self.done as f64 / self.began.elapsed().as_secs_f64().max(1e-9);
        let want = (rate * PROGRESS_STEP.as_secs_f64() / self.per_wait as f64) as u64;
        let w = u64::from(WORKGROUP);
        self.next_len = want.clamp(w, self.cap) / w * w;
    }
}
