//! A sweep from Python: the library runner on a worker thread while the
//! calling thread, with the GIL released between looks, reports progress
//! and watches for Ctrl-C.
//!
//! Python delivers SIGINT to its main thread only, as a flag that
//! `check_signals` turns into KeyboardInterrupt; so the caller wakes every
//! 100 ms, asks, and on KeyboardInterrupt sets the runner's stop flag. The
//! backends check it between blocks of points, the runner then writes
//! nothing, and the exception reaches the user well within a second.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{channel, RecvTimeoutError};
use std::sync::Mutex;
use std::time::Duration;

use numpy::PyArray1;
use pyo3::prelude::*;
use pyo3::types::PyAny;

use nessbat::backend::run::Backend;
use nessbat::backend::Progress;
use nessbat::store::arrays::{owned, ArrayData};
use nessbat::store::checkpoint::DEFAULT_CHUNK;
use nessbat::sweep::runner::{Mode, Sweep};

use crate::{backend_choice, grid_with, lib_error};

/// How often the calling thread looks for Ctrl-C and draws progress.
const LOOK: Duration = Duration::from_millis(100);

/// Runs a sweep config; returns its arrays as (name, shape, flat array)
/// in file order, handed over without copying, and its metadata.json as
/// JSON text. `progress(done, total)` and `notice(line)` are called on
/// the calling thread; `outputs` keeps only those arrays. With `out` the
/// sweep is written to that folder as `nessbat sweep --out` writes it (its
/// full arrays streamed to disk, so a grid larger than memory runs; `force`
/// overwrites a folder that holds results) and no arrays are returned: the
/// caller opens the folder.
#[pyfunction]
#[pyo3(signature = (config, origin, backend, precision, progress, notice, outputs=None, out=None, force=false))]
#[expect(clippy::type_complexity, reason = "a tuple is what Python unpacks")]
#[expect(
    clippy::too_many_arguments,
    reason = "the Python function's arguments, one by one"
)]
pub fn sweep<'py>(
    py: Python<'py>,
    config: &str,
    origin: &str,
    backend: &str,
    precision: Option<&str>,
    progress: Option<Bound<'py, PyAny>>,
    notice: Option<Bound<'py, PyAny>>,
    outputs: Option<Vec<String>>,
    out: Option<std::path::PathBuf>,
    force: bool,
) -> PyResult<(Vec<(String, Vec<usize>, Bound<'py, PyAny>)>, String)> {
    let g = grid_with(config, origin, outputs)?;
    let warnings: Vec<String> = g
        .config
        .warnings()
        .into_iter()
        .map(|w| format!("warning: {origin}: {w}"))
        .collect();
    let (choice, precision) = backend_choice(backend, precision)?;
    let sweep = match &out {
        Some(dir) => {
            let mode = if force { Mode::Force } else { Mode::Fresh };
            // The caller opens the folder: the arrays are only streamed.
            Sweep::new(&g)
                .checkpoints(dir, DEFAULT_CHUNK, mode)
                .in_memory(false)
        }
        None => Sweep::new(&g),
    };
    let total = sweep.total_points().map_err(lib_error)?;
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
    let outcome = std::thread::scope(|s| -> PyResult<_> {
        s.spawn(|| {
            let note = |m: &str| notices.lock().expect("not poisoned").push(m.to_string());
            let tick = |n: u64| {
                done.fetch_add(n, Ordering::Relaxed);
            };
            let result = Backend::choose(choice, precision, &note).and_then(|backend| {
                let progress = Progress::new(&tick).stop_on(&stop);
                sweep.run(&backend, &progress, &note)
            });
            let _ = tx.send(result);
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
    })?;
    let mut done = outcome.map_err(lib_error)?;
    done.info.command = Some(format!("python: nessbat.sweep({origin})"));
    if let Some(dir) = &out {
        let written = py.detach(|| done.write(dir, &|_| Ok(Vec::new())));
        written.map_err(|e| {
            lib_error(nessbat::Error::Io {
                path: dir.clone(),
                source: e,
            })
        })?;
        done.finish();
        return Ok((Vec::new(), String::new()));
    }
    let mut out = done;
    let meta = out.metadata();
    let arrays = owned(out.full.take(), std::mem::take(&mut out.reduced))
        .into_iter()
        .map(|a| {
            let data = match a.data {
                ArrayData::F64(v) => PyArray1::from_vec(py, v).into_any(),
                ArrayData::F32(v) => PyArray1::from_vec(py, v).into_any(),
                ArrayData::U64(v) => PyArray1::from_vec(py, v).into_any(),
                ArrayData::U32(v) => PyArray1::from_vec(py, v).into_any(),
                ArrayData::U8(v) => PyArray1::from_vec(py, v).into_any(),
            };
            (a.name, a.shape, data)
        })
        .collect();
    Ok((arrays, meta.to_string()))
}
