//! The Pareto front of a grid as a table: one row per front point, best
//! first in the first figure, with the axes' values and every figure.
//! `nessbat optimize --pareto` writes it as CSV and NPY; Python returns it
//! as a pandas DataFrame.

use ndarray::Array2;
use nessbat_kernels::layout::Status;

use super::pareto::pareto_front;
use super::Error;
use crate::backend::run::Backend;
use crate::config::constraint::Constraints;
use crate::config::Axis;
use crate::grid::Grid;
use nessbat_kernels::{Quantity, OUTPUT_NAMES};

/// Most grid points a Pareto front is taken over (its full arrays are
/// kept in memory: 11 floats per point).
pub const PARETO_MAX_POINTS: u64 = 1 << 26;

/// The front of one grid.
pub struct ParetoTable {
    /// The two figures, both maximised, and their long names.
    pub pair: [String; 2],
    pub long_names: [String; 2],
    /// The axes in config order, then every figure of the model.
    pub columns: Vec<String>,
    /// How many of the columns are figures (the rest, first, are axes).
    pub figure_columns: usize,
    /// One row per front point, columns as above.
    pub rows: Array2<f64>,
    /// Flat grid indices (C order) of the rows.
    pub points: Vec<usize>,
    /// The two figures at every grid point, for plots.
    pub x: Vec<f64>,
    pub y: Vec<f64>,
    /// Which grid points competed: ok, and meeting the constraint.
    pub admitted: Vec<bool>,
    /// Grid points flagged (not resolved to the tolerance), which did not
    /// compete.
    pub flagged: usize,
    /// The constraint as written, if any.
    pub constraint: Option<String>,
    /// Where it ran: backend, adapter (null on the CPU), precision.
    pub backend: String,
    pub adapter: Option<serde_json::Value>,
    pub precision: String,
}

/// The front of figures `a` and `b` (indices into `figures`, each a
/// figure at every grid point) over the points `admitted`, as rows of
/// `axes`' values and every figure: (columns, rows, flat indices).
pub fn front_rows(
    axes: &[Axis],
    names: &[String],
    figures: &[Vec<f64>],
    admitted: &[bool],
    [a, b]: [usize; 2],
) -> (Vec<String>, Array2<f64>, Vec<usize>) {
    let front = pareto_front(&figures[a], &figures[b], &|i| admitted[i]);
    let shape: Vec<usize> = axes.iter().map(|a| a.values.len()).collect();
    let mut columns: Vec<String> = axes.iter().map(|a| a.name.clone()).collect();
    columns.extend(names.iter().cloned());
    let mut rows = Array2::<f64>::zeros((front.points.len(), columns.len()));
    for (r, &i) in front.points.iter().enumerate() {
        let mut rem = i;
        for k in (0..shape.len()).rev() {
            rows[[r, k]] = axes[k].values[rem % shape[k]];
            rem /= shape[k];
        }
        for (j, f) in figures.iter().enumerate() {
            rows[[r, shape.len() + j]] = f[i];
        }
    }
    (columns, rows, front.points)
}

/// Refuses a front without points: no ok point has both figures finite
/// and meets the constraint (`flagged` points did not compete).
pub fn check_found(
    points: &[usize],
    pair: [&str; 2],
    constraint: Option<&str>,
    flagged: usize,
) -> Result<(), Error> {
    if !points.is_empty() {
        return Ok(());
    }
    let meets = constraint
        .map(|c| format!(" and meets {c}"))
        .unwrap_or_default();
    let skipped = match flagged {
        0 => String::new(),
        n => format!(
            " ({n} points were flagged, not resolved to the tolerance, and did not compete)"
        ),
    };
    Err(Error::Usage(format!(
        "no ok point of the config's grid has a finite {} and {}{meets}{skipped}; accepted: a grid and constraint where some point does (widen the axes or relax the constraint)",
        pair[0], pair[1]
    )))
}

/// Refuses a grid too large for a front (every figure of every point is
/// held) or a pair of one figure twice.
pub fn check_front(points: u64, pair: [&str; 2]) -> Result<(), Error> {
    if pair[0] == pair[1] {
        return Err(Error::Usage(format!(
            "pareto needs two different quantities, got {} twice",
            pair[0]
        )));
    }
    if points > PARETO_MAX_POINTS {
        return Err(Error::Usage(format!(
            "a Pareto front keeps every point's figures in memory: the grid has {points} points; accepted: at most {PARETO_MAX_POINTS}"
        )));
    }
    Ok(())
}

/// Runs `grid` and takes the front of `pair` (both maximised) over its
/// converged points that meet `constraint`.
pub fn pareto_table(
    backend: &Backend,
    grid: &Grid,
    pair: [Quantity; 2],
    constraint: &Constraints,
) -> Result<ParetoTable, Error> {
    check_front(grid.len(), [pair[0].name(), pair[1].name()])?;
    let out = crate::sweep::runner::Sweep::new(grid).run(
        backend,
        &crate::backend::Progress::NONE,
        &|_| {},
    )?;
    let res = out
        .full
        .expect("a grid without reductions keeps its arrays");
    let q: Vec<Vec<f64>> = Quantity::ALL.iter().map(|n| res.values(*n)).collect();
    let row = |i: usize| -> Vec<f64> { q.iter().map(|a| a[i]).collect() };
    let admitted: Vec<bool> = (0..res.len())
        .map(|i| Status::Converged.is(res.status[i]) && constraint.holds(&row(i)))
        .collect();
    let names: Vec<String> = OUTPUT_NAMES.iter().map(|s| s.to_string()).collect();
    let (columns, rows, points) = front_rows(
        &grid.axes,
        &names,
        &q,
        &admitted,
        [pair[0].index(), pair[1].index()],
    );
    let flagged = res
        .status
        .iter()
        .filter(|w| Status::NotConverged.is(**w) || Status::Imprecise.is(**w))
        .count();
    check_found(
        &points,
        [pair[0].name(), pair[1].name()],
        constraint.text().as_deref(),
        flagged,
    )?;
    Ok(ParetoTable {
        pair: pair.map(|q| q.name().to_string()),
        long_names: pair.map(|q| q.long_name().to_string()),
        figure_columns: names.len(),
        columns,
        rows,
        points,
        x: q[pair[0].index()].clone(),
        y: q[pair[1].index()].clone(),
        admitted,
        flagged,
        constraint: constraint.text(),
        backend: out.info.backend.name().to_string(),
        adapter: out.info.adapter.clone(),
        precision: out.info.precision.name().to_string(),
    })
}
