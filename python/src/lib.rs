//! `nessbat._nessbat`: the library's calls for the Python package, which
//! wraps them (python/nessbat/) into dicts, xarray Datasets and pandas
//! DataFrames. Everything runs in the Rust library; this file only maps
//! Python values in and out, and library errors to exceptions: the user's
//! input to `ValueError` with the library's one line, a missing GPU to
//! `RuntimeError`, Ctrl-C to `KeyboardInterrupt`.

mod battery;
mod handover;
mod running;
mod watch;

use nessbat::Error;
use numpy::PyArray1;
use pyo3::exceptions::{PyKeyboardInterrupt, PyRuntimeError, PyValueError};
use pyo3::prelude::*;

use nessbat::backend::point::point as compute_point;
use nessbat::backend::run::{Backend, BackendChoice};
use nessbat::battery::BatteryPoint;
use nessbat::config::constraint::Constraints;
use nessbat::config::SweepConfig;
use nessbat::config::DEFAULT_CONFIG;
use nessbat::grid::Grid;
use nessbat::kernels::named::Unknown;
use nessbat::kernels::Precision;
use nessbat::kernels::Quantity;
use nessbat::model::point_spec::PointSpec;
use nessbat::model::{ModelKind, Protocol, RateKind};
use nessbat::optimize::{Objective, OptimizeOptions};
use nessbat::oracle::oss::OssOptions;

pub(crate) fn value_error(e: impl std::fmt::Display) -> PyErr {
    PyValueError::new_err(e.to_string())
}

/// The library's error as Python's exception: the user's mistakes are
/// ValueError, a missing or failing GPU RuntimeError, a stop
/// KeyboardInterrupt.
pub(crate) fn lib_error(e: Error) -> PyErr {
    match e {
        Error::Interrupted => PyKeyboardInterrupt::new_err("sweep interrupted"),
        e if e.is_users() => PyValueError::new_err(pythonic(&e.to_string())),
        e => PyRuntimeError::new_err(e.to_string()),
    }
}

/// A refusal worded for Python: the library names the CLI's flags, which
/// here are keywords (`out=`, `force=True`); continuing an interrupted
/// sweep is the CLI's `nessbat sweep --resume`.
fn pythonic(message: &str) -> String {
    message
        .replace("--out ", "out=")
        .replace("--force", "force=True")
        .replace("--resume", "`nessbat sweep --resume`")
}

fn parse<T: std::str::FromStr<Err = Unknown>>(value: &str) -> PyResult<T> {
    value
        .parse()
        .map_err(|e: Unknown| value_error(e.to_string()))
}

/// The grid of a config given as TOML text; `origin` names it in messages.
pub(crate) fn grid(config: &str, origin: &str) -> PyResult<Grid> {
    grid_with(config, origin, None)
}

/// [`grid`] keeping only the arrays `outputs` (`outputs=`), where given.
pub(crate) fn grid_with(
    config: &str,
    origin: &str,
    outputs: Option<Vec<String>>,
) -> PyResult<Grid> {
    let mut cfg = SweepConfig::parse(config, origin).map_err(value_error)?;
    if let Some(names) = outputs {
        cfg = cfg.with_outputs(&names, "outputs").map_err(value_error)?;
    }
    Grid::new(cfg).map_err(|e| value_error(format!("{origin}: {e}")))
}

pub(crate) fn backend_choice(
    backend: &str,
    precision: Option<&str>,
) -> PyResult<(BackendChoice, Option<Precision>)> {
    let choice: BackendChoice = parse(backend)?;
    let precision = precision.map(parse::<Precision>).transpose()?;
    Ok((choice, precision))
}

/// One point at its operational steady state, as `nessbat point --json`
/// prints it (JSON text).
#[pyfunction]
#[pyo3(signature = (params, model, protocol, rates))]
fn point(
    py: Python<'_>,
    params: Vec<(String, f64)>,
    model: &str,
    protocol: &str,
    rates: &str,
) -> PyResult<String> {
    let model: ModelKind = parse(model)?;
    let protocol: Protocol = parse(protocol)?;
    let rates: RateKind = parse(rates)?;
    let mut spec = PointSpec::default();
    for (k, v) in &params {
        spec.set(k, *v).map_err(value_error)?;
    }
    let p = spec
        .params(model, rates, &|k| k.to_string())
        .map_err(value_error)?;
    let figures = py
        .detach(|| compute_point(&p, model, protocol, &OssOptions::default()))
        .map_err(value_error)?;
    Ok(serde_json::to_string_pretty(&figures).expect("point figures serialise") + "\n")
}

/// One point of a user-defined battery (a config with a [battery] table
/// and no axes), as `nessbat point --config FILE --json` prints it.
#[pyfunction]
#[pyo3(signature = (config, origin))]
fn battery_point(py: Python<'_>, config: &str, origin: &str) -> PyResult<(String, Vec<String>)> {
    let cfg = SweepConfig::parse(config, origin).map_err(value_error)?;
    let p = BatteryPoint::from_config(&cfg).map_err(|e| value_error(format!("{origin}: {e}")))?;
    let f = py.detach(|| p.figures());
    let json = serde_json::to_string(&f.to_json()).expect("figures serialise");
    let warnings = p
        .warnings
        .iter()
        .map(|w| format!("{origin}: {w}"))
        .collect();
    Ok((json, warnings))
}

/// The optimum of one quantity over a config's axes: (the report as JSON
/// text, the search history as CSV text).
#[pyfunction]
#[pyo3(signature = (config, origin, quantity, maximize, subject_to, backend, precision, xtol))]
#[expect(
    clippy::too_many_arguments,
    reason = "one argument per keyword of nessbat.optimize"
)]
fn optimize(
    py: Python<'_>,
    config: &str,
    origin: &str,
    quantity: &str,
    maximize: bool,
    subject_to: Vec<String>,
    backend: &str,
    precision: Option<&str>,
    xtol: f64,
) -> PyResult<(String, String)> {
    let cfg = SweepConfig::parse(config, origin).map_err(value_error)?;
    if cfg.battery.is_some() {
        return battery::optimize(
            py,
            &cfg,
            quantity,
            maximize,
            subject_to,
            (backend, precision),
            xtol,
        );
    }
    let g = grid(config, origin)?
        .without_reductions()
        .map_err(value_error)?;
    let quantity: Quantity = parse(quantity)?;
    let constraint =
        Constraints::parse_all(&subject_to).map_err(|e| value_error(format!("subject_to: {e}")))?;
    let (choice, precision) = backend_choice(backend, precision)?;
    let opts = OptimizeOptions {
        xtol,
        ..OptimizeOptions::default()
    };
    let objective = Objective { quantity, maximize };
    py.detach(|| -> PyResult<(String, String)> {
        let backend =
            Backend::choose(choice, precision, &|m| eprintln!("{m}")).map_err(lib_error)?;
        let best = nessbat::optimize::optimize(&backend, &g, objective, constraint, &opts)
            .map_err(lib_error)?;
        let figures = best.figures(&g).map_err(value_error)?;
        let report = nessbat::optimize::report(
            &best,
            &figures,
            &backend.info(&Default::default()),
            serde_json::Value::Null,
        );
        Ok((report.to_string(), best.history_csv()))
    })
}

/// The front as Python unpacks it: (columns, rows as a flat float64
/// array, number of rows, run info as JSON text).
pub(crate) type Front<'py> = (Vec<String>, Bound<'py, PyArray1<f64>>, usize, String);

/// The Pareto front of two quantities over a config's grid.
#[pyfunction]
#[pyo3(signature = (config, origin, first, second, subject_to, backend, precision))]
#[expect(
    clippy::too_many_arguments,
    reason = "one argument per keyword of nessbat.pareto"
)]
fn pareto<'py>(
    py: Python<'py>,
    config: &str,
    origin: &str,
    first: &str,
    second: &str,
    subject_to: Vec<String>,
    backend: &str,
    precision: Option<&str>,
) -> PyResult<Front<'py>> {
    let cfg = SweepConfig::parse(config, origin).map_err(value_error)?;
    if cfg.battery.is_some() {
        let t = battery::pareto(py, &cfg, [first, second], subject_to, (backend, precision))?;
        return Ok(front_for_python(py, t));
    }
    let g = grid(config, origin)?
        .without_reductions()
        .map_err(value_error)?;
    let pair = [parse::<Quantity>(first)?, parse::<Quantity>(second)?];
    let constraint =
        Constraints::parse_all(&subject_to).map_err(|e| value_error(format!("subject_to: {e}")))?;
    let (choice, precision) = backend_choice(backend, precision)?;
    let t = py.detach(|| -> PyResult<_> {
        let backend =
            Backend::choose(choice, precision, &|m| eprintln!("{m}")).map_err(lib_error)?;
        nessbat::optimize::pareto_table(&backend, &g, pair, &constraint).map_err(lib_error)
    })?;
    Ok(front_for_python(py, t))
}

/// A front as Python unpacks it, whatever model it is of.
pub(crate) fn front_for_python(py: Python<'_>, t: nessbat::optimize::ParetoTable) -> Front<'_> {
    let n = t.rows.nrows();
    let info = serde_json::json!({
        "backend": t.backend,
        "adapter": t.adapter,
        "precision": t.precision,
        "grid_points": t.admitted.len(),
        "admitted_points": t.admitted.iter().filter(|a| **a).count(),
        "flagged_points": t.flagged,
        "subject_to": t.constraint,
        "pareto": t.pair,
    });
    let (flat, _) = t.rows.into_raw_vec_and_offset();
    (t.columns, PyArray1::from_vec(py, flat), n, info.to_string())
}

/// The embedded default sweep config (TOML text).
#[pyfunction]
fn default_config() -> &'static str {
    DEFAULT_CONFIG
}

/// Units of a sweep axis (a parameter name).
#[pyfunction]
fn parameter_units(name: &str) -> &'static str {
    nessbat::config::parameter_units(name)
}

/// Parses a sweep config given as JSON text (a Python dict), checked as a
/// TOML config is; returns it as TOML text, the form the runner and
/// metadata.json record.
#[pyfunction]
fn config_from_json(json: &str) -> PyResult<String> {
    // serde_json's position ("at line 1 column 152") is in the JSON text
    // made from the user's dict, which the user never sees: left out.
    let cfg: SweepConfig = serde_json::from_str(json).map_err(|e| {
        let m = e.to_string();
        let m = m.split(" at line ").next().unwrap_or(&m).to_string();
        value_error(format!("config: {m}"))
    })?;
    nessbat::config::to_toml(&cfg).map_err(value_error)
}

/// (name, long name, units) of every quantity, in output order.
#[pyfunction]
fn quantities() -> Vec<(&'static str, &'static str, &'static str)> {
    Quantity::ALL
        .iter()
        .map(|q| (q.name(), q.long_name(), q.units()))
        .collect()
}

#[pymodule]
fn _nessbat(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(point, m)?)?;
    m.add_function(wrap_pyfunction!(battery_point, m)?)?;
    m.add_function(wrap_pyfunction!(running::sweep, m)?)?;
    m.add_function(wrap_pyfunction!(optimize, m)?)?;
    m.add_function(wrap_pyfunction!(pareto, m)?)?;
    m.add_function(wrap_pyfunction!(default_config, m)?)?;
    m.add_function(wrap_pyfunction!(quantities, m)?)?;
    m.add_function(wrap_pyfunction!(parameter_units, m)?)?;
    m.add_function(wrap_pyfunction!(config_from_json, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
