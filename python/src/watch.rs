//! A long run from Python: the library's work on a worker thread while the
//! calling thread, with the GIL released between looks, reports progress
//! and watches for Ctrl-C.
//!
//! Python delivers SIGINT to its main thread only, as a flag that
//! `check_signals` turns into KeyboardInterrupt; so the caller wakes every
//! 100 ms, asks, and on KeyboardInterrupt sets the worker's stop flag. The
//! backends check it between blocks of points, the runner then writes
//! nothing, and the exception reaches the user well within a second.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{channel, RecvTimeoutError};
use std::sync::Mutex;
use std::time::Duration;

use pyo3::prelude::*;
use pyo3::types::PyAny;

use nessbat::backend::Progress;

/// How often the calling thread looks for Ctrl-C and draws progress.
const LOOK: Duration = Duration::from_millis(100);

/// Runs `work` on a worker thread while the calling thread, with the GIL
/// released between looks, reports progress (`progress(done, total)`),
/// hands on notices (`warnings` first) and watches for Ctrl-C or an
/// exception in a callback, which stop the worker and are raised.
pub(crate) fn watched<'py, T: Send>(
    py: Python<'py>,
    total: u64,
    warnings: Vec<String>,
    progress: Option<Bound<'py, PyAny>>,
    notice: Option<Bound<'py, PyAny>>,
    work: impl FnOnce(&Progress, &(dyn Fn(&str) + Sync)) -> Result<T, nessbat::Error> + Send,
) -> PyResult<Result<T, nessbat::Error>> {
    let (stop, done) = (AtomicBool::new(false), AtomicU64::new(0));
    let notices: Mutex<Vec<String>> = Mutex::new(warnings);
    let (tx, rx) = channel();
    // A Receiver is Send but not Sync; the lock lets the detached waits
    // borrow it.
    let rx = Mutex::new(rx);
    let tell = || -> PyResult<()> {
        let lines: Vec<String> = std::mem::take(&mut *notices.lock().expect("not poisoned"));
        if let Some(n) = &notice {
            for l in lines {
                n.call1((l,))?;
            }
        }
        if let Some(p) = &progress {
            p.call1((done.load(Ordering::Relaxed), total))?;
        }
        Ok(())
    };
    std::thread::scope(|s| -> PyResult<_> {
        s.spawn(|| {
            let note = |m: &str| notices.lock().expect("not poisoned").push(m.to_string());
            let tick = |n: u64| {
                done.fetch_add(n, Ordering::Relaxed);
            };
            let progress = Progress::new(&tick).stop_on(&stop);
            let _ = tx.send(work(&progress, &note));
        });
        loop {
            let got = py.detach(
                || match rx.lock().expect("not poisoned").recv_timeout(LOOK) {
                    Ok(r) => Some(r),
                    Err(RecvTimeoutError::Timeout) => None,
                    Err(RecvTimeoutError::Disconnected) => {
                        panic!("the sweep thread ended without a result")
                    }
                },
            );
            if let Some(r) = got {
                tell()?;
                return Ok(r);
            }
            // Ctrl-C or an exception in a callback: stop the worker, wait
            // for it (within a block of points), and raise.
            if let Err(e) = py.check_signals().and_then(|_| tell()) {
                stop.store(true, Ordering::Relaxed);
                let _ = py.detach(|| rx.lock().expect("not poisoned").recv());
                return Err(e);
            }
        }
    })
}
