//! A sweep from Python: the library runner watched for Ctrl-C and
//! progress (`watch`), its arrays handed over without copying; a
//! `[battery]` config goes to `battery`.

use pyo3::prelude::*;
use pyo3::types::PyAny;

use nessbat::backend::run::Backend;
use nessbat::store::arrays::owned;
use nessbat::store::checkpoint::DEFAULT_CHUNK;
use nessbat::sweep::runner::{Mode, Sweep};

use crate::handover::to_python;
use crate::watch::watched;
use crate::{backend_choice, grid_with, lib_error};

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
    let parsed = nessbat::config::SweepConfig::parse(config, origin).map_err(crate::value_error)?;
    if parsed.battery.is_some() {
        let how = (backend, precision, outputs, out, force);
        return crate::battery::sweep(py, parsed, origin, how, progress, notice);
    }
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
    let outcome = watched(py, total, warnings, progress, notice, |progress, note| {
        Backend::choose(choice, precision, note)
            .and_then(|backend| sweep.run(&backend, progress, note))
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
        .map(|a| to_python(py, a))
        .collect();
    Ok((arrays, meta.to_string()))
}
