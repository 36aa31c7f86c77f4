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
use crate::grid::Grid;
use crate::store::output::RunInfo;
use nessbat_kernels::{Quantity, OUTPUT_NAMES};

/// Most grid points a Pareto front is taken over (its full arrays are
/// kept in memory: 11 floats per point).
pub const PARETO_MAX_POINTS: u64 = 1 << 26;

/// The front of one grid.
pub struct ParetoTable {
    /// The axes in config order, then every quantity in output order.
    pub columns: Vec<String>,
    /// One row per front point, columns as above.
    pub rows: Array2<f64>,
    /// Flat grid indices (C order) of the rows.
    pub points: Vec<usize>,
    /// Every grid point's figures (quantity-major), for plots.
    pub figures: Vec<Vec<f64>>,
    /// Which grid points competed: converged, and meeting the constraint.
    pub admitted: Vec<bool>,
    pub info: RunInfo,
}

/// Runs `grid` and takes the front of `pair` (both maximised) over its
/// converged points that meet `constraint`.
pub fn pareto_table(
    backend: &Backend,
    grid: &Grid,
    pair: [Quantity; 2],
    constraint: &Constraints,
) -> Result<ParetoTable, Error> {
    if pair[0] == pair[1] {
        return Err(Error::Usage(format!(
            "pareto needs two different quantities, got {} twice",
            pair[0].name()
        )));
    }
    if grid.len() > PARETO_MAX_POINTS {
        return Err(Error::Usage(format!(
            "a Pareto front keeps every point's figures in memory: the grid has {} points; accepted: at most {PARETO_MAX_POINTS}",
            grid.len()
        )));
    }
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
    let front = pareto_front(&q[pair[0].index()], &q[pair[1].index()], &|i| admitted[i]);
    let shape = grid.shape();
    let mut columns: Vec<String> = grid.axes.iter().map(|a| a.name.clone()).collect();
    columns.extend(OUTPUT_NAMES.iter().map(|s| s.to_string()));
    let mut rows = Array2::<f64>::zeros((front.points.len(), columns.len()));
    for (r, &i) in front.points.iter().enumerate() {
        let mut rem = i;
        for k in (0..shape.len()).rev() {
            rows[[r, k]] = grid.axes[k].values[rem % shape[k]];
            rem /= shape[k];
        }
        for (j, v) in row(i).into_iter().enumerate() {
            rows[[r, shape.len() + j]] = v;
        }
    }
    Ok(ParetoTable {
        columns,
        rows,
        points: front.points,
        figures: q,
        admitted,
        info: out.info,
    })
}
