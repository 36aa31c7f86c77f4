//! `nessbat.sweep` over a `[battery]` config: the library's battery sweep
//! (f64; strokes on the GPU with backend="gpu") watched for Ctrl-C like any sweep, its arrays handed over
//! without copying, or written to `out` as `nessbat sweep --out` writes
//! them.

use numpy::PyArray1;
use pyo3::prelude::*;
use pyo3::types::PyAny;

use nessbat::battery::checkpoint::{self, Saver};
use nessbat::battery::gpu::{self, GpuStrokes};
use nessbat::battery::grid::Use;
use nessbat::battery::output::{self, BatteryRun};
use nessbat::battery::sweep::{self, Plan};
use nessbat::battery::BatteryGrid;
use nessbat::config::SweepConfig;
use nessbat::optimize::space::Goal;
use nessbat::store::arrays::owned;
use nessbat::store::checkpoint::{Mode, DEFAULT_CHUNK};
use nessbat::sweep::runner::DEFAULT_CHECKPOINT_EVERY;

use crate::handover::to_python;
use crate::watch::watched;
use crate::{backend_choice, lib_error, value_error};

/// How the sweep was asked for: backend, precision, outputs, out, force.
pub(crate) type How<'a> = (
    &'a str,
    Option<&'a str>,
    Option<Vec<String>>,
    Option<std::path::PathBuf>,
    bool,
);

#[expect(clippy::type_complexity, reason = "a tuple is what Python unpacks")]
pub(crate) fn sweep<'py>(
    py: Python<'py>,
    cfg: SweepConfig,
    origin: &str,
    how: How,
    progress: Option<Bound<'py, PyAny>>,
    notice: Option<Bound<'py, PyAny>>,
) -> PyResult<(Vec<(String, Vec<usize>, Bound<'py, PyAny>)>, String)> {
    let began = std::time::Instant::now();
    let (backend, precision, outputs, out, force) = how;
    let (choice, precision) = backend_choice(backend, precision)?;
    if precision == Some(nessbat::kernels::Precision::F32) {
        return Err(value_error(
            "precision=\"f32\": battery sweeps do not support it yet; accepted: \"f64\" or None (battery points are f64 on either backend)",
        ));
    }
    let grid =
        BatteryGrid::new(&cfg, Use::Sweep).map_err(|e| value_error(format!("{origin}: {e}")))?;
    let wanted = outputs.as_deref().or(cfg.outputs.as_deref());
    let plan = Plan::new(&grid, wanted).map_err(|e| value_error(format!("{origin}: {e}")))?;
    sweep::check_memory(&grid, &plan).map_err(lib_error)?;
    // With `out`, a checkpoint as `nessbat sweep` keeps, so that Ctrl-C
    // leaves what was computed for `nessbat sweep --resume`.
    let mode = if force { Mode::Force } else { Mode::Fresh };
    let range = plan.points(&grid);
    let chunk = checkpoint::chunk_points(range.end - range.start, DEFAULT_CHUNK);
    if let Some(dir) = &out {
        output::check_space(dir, &grid, &plan, Some((chunk, mode))).map_err(lib_error)?;
    }
    // "auto" stays on the CPU, as on the command line: the GPU forms the
    // strokes only (battery::gpu).
    let ctx = match choice {
        nessbat::backend::run::BackendChoice::Gpu => {
            Some(gpu::acquire(grid.battery.levels()).map_err(lib_error)?)
        }
        _ => None,
    };
    let gpu = match &ctx {
        Some(ctx) => Some(GpuStrokes::new(ctx, grid.battery.levels()).map_err(lib_error)?),
        None => None,
    };
    let id = checkpoint::identity(
        &grid,
        &plan,
        &range,
        if gpu.is_some() { "gpu" } else { "cpu" },
    );
    let mut saver = match &out {
        Some(dir) => {
            let every = DEFAULT_CHECKPOINT_EVERY;
            Saver::open(dir, &id, (chunk, every), mode, &grid, &range).map_err(lib_error)?
        }
        None => None,
    };
    let res = watched(
        py,
        grid.len(),
        grid.warnings()
            .into_iter()
            .map(|w| format!("warning: {origin}: {w}"))
            .collect(),
        progress,
        notice,
        |progress, _| {
            let saving = saver.as_mut();
            sweep::run_saving(&grid, &plan, progress, gpu.as_ref(), saving, range.clone())
        },
    )?
    .map_err(lib_error)?;
    let run = BatteryRun {
        elapsed_seconds: began.elapsed().as_secs_f64(),
        command: Some(format!("python: nessbat.sweep({origin})")),
        adapter: ctx.as_ref().map(|c| c.describe()),
        shard: None,
        merged_compute: None,
        identity: saver.is_some().then(|| id.clone()),
    };
    if let Some(dir) = &out {
        let written =
            py.detach(|| output::write(dir, &grid, &plan, &res, &run, &|_| Ok(Vec::new())));
        if let Err(e) = written {
            // What was computed stays for `nessbat sweep --resume`.
            if let Some(mut s) = saver {
                let _ = s.write_all();
            }
            return Err(lib_error(nessbat::Error::Io {
                path: dir.clone(),
                source: e,
            }));
        }
        if let Some(s) = saver {
            s.finish();
        }
        return Ok((Vec::new(), String::new()));
    }
    let meta = output::metadata(&grid, &plan, &res, &run, &serde_json::Map::new());
    let shape = res.shape.clone();
    let mut arrays: Vec<(String, Vec<usize>, Bound<'py, PyAny>)> = Vec::new();
    for (f, a) in res.arrays {
        let data = PyArray1::from_vec(py, a).into_any();
        arrays.push((f.name(&grid.names), shape.clone(), data));
    }
    if plan.full {
        let status = PyArray1::from_vec(py, res.status).into_any();
        arrays.push(("status".into(), shape, status));
    }
    arrays.extend(
        owned(None, res.reduced)
            .into_iter()
            .map(|a| to_python(py, a)),
    );
    Ok((arrays, meta.to_string()))
}

/// `nessbat.optimize` over a `[battery]` config: (the report as JSON text,
/// the search history as CSV text), as for the built-in model.
pub(crate) fn optimize(
    py: Python<'_>,
    cfg: &SweepConfig,
    quantity: &str,
    maximize: bool,
    subject_to: Vec<String>,
    device: (&str, Option<&str>),
    xtol: f64,
) -> PyResult<(String, String)> {
    let constraint = joined(&subject_to);
    let goal = Goal {
        quantity: quantity.trim().to_string(),
        maximize,
        constraint,
    };
    let opts = nessbat::optimize::OptimizeOptions {
        xtol,
        ..Default::default()
    };
    on_device(py, cfg, device, |strokes| {
        let best =
            nessbat::battery::optimize::optimize(cfg, strokes, &goal, &opts).map_err(lib_error)?;
        let backend = match strokes {
            Some(g) => format!("gpu strokes ({})", g.ctx.describe()),
            None => "cpu".to_string(),
        };
        let report = best.report(&backend, serde_json::Value::Null);
        Ok((report.to_string(), best.found.history_csv()))
    })
}

/// `nessbat.pareto` over a `[battery]` config.
pub(crate) fn pareto(
    py: Python<'_>,
    cfg: &SweepConfig,
    pair: [&str; 2],
    subject_to: Vec<String>,
    how: (&str, Option<&str>),
) -> PyResult<nessbat::optimize::ParetoTable> {
    let constraint = joined(&subject_to);
    on_device(py, cfg, how, |strokes| {
        nessbat::battery::pareto::pareto_table(cfg, pair, constraint.as_deref(), strokes)
            .map_err(lib_error)
    })
}

/// Constraints given as several texts, joined with " and ".
fn joined(texts: &[String]) -> Option<String> {
    let texts: Vec<&str> = texts.iter().map(|s| s.trim()).collect();
    (!texts.is_empty()).then(|| texts.join(" and "))
}

/// Runs `work` without the GIL with the strokes on the GPU where the
/// backend asks for it (f64 only: battery points are f64 on either).
fn on_device<T: Send>(
    py: Python<'_>,
    cfg: &SweepConfig,
    (backend, precision): (&str, Option<&str>),
    work: impl FnOnce(Option<&GpuStrokes>) -> PyResult<T> + Send,
) -> PyResult<T> {
    let (choice, precision) = backend_choice(backend, precision)?;
    if precision == Some(nessbat::kernels::Precision::F32) {
        return Err(value_error(
            "precision=\"f32\": battery points are f64 on either backend; accepted: \"f64\" or None",
        ));
    }
    py.detach(|| -> PyResult<T> {
        let levels = BatteryGrid::new(cfg, Use::Sweep)
            .map_err(lib_error)?
            .battery
            .levels();
        let ctx = match choice {
            nessbat::backend::run::BackendChoice::Gpu => {
                Some(gpu::acquire(levels).map_err(lib_error)?)
            }
            _ => None,
        };
        let strokes = match &ctx {
            Some(ctx) => Some(GpuStrokes::new(ctx, levels).map_err(lib_error)?),
            None => None,
        };
        work(strokes.as_ref())
    })
}
