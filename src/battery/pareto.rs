//! The Pareto front of two of a battery's figures over its grid
//! (`nessbat optimize --pareto` with a `[battery]`): the points that no
//! other ok point beats in both, with every figure, as for the built-in
//! model (src/optimize/pareto_table.rs makes the rows).

use super::figure::Figure;
use super::gpu::GpuStrokes;
use super::grid::{BatteryGrid, Use};
use super::reduce::{constraints, figure};
use super::status::BatteryStatus;
use super::sweep::run;
use crate::backend::Progress;
use crate::config::SweepConfig;
use crate::error::Error;
use crate::optimize::pareto_table::{check_found, check_front, front_rows, ParetoTable};

/// The front of `pair` (both maximised) over the ok points of `config`'s
/// grid that meet `constraint`; `adapter` names the GPU where `gpu` forms
/// the strokes.
pub fn pareto_table(
    config: &SweepConfig,
    pair: [&str; 2],
    constraint: Option<&str>,
    gpu: Option<&GpuStrokes>,
) -> Result<ParetoTable, Error> {
    let mut config = config.clone();
    config.reduce.clear();
    config.full_arrays = None;
    config.outputs = None;
    let grid = BatteryGrid::new(&config, Use::Sweep)?;
    check_front(grid.len(), pair)?;
    let usage = |e: String| Error::Usage(format!("--pareto: {e}"));
    let ab = [
        figure(&grid, pair[0]).map_err(usage)?,
        figure(&grid, pair[1]).map_err(usage)?,
    ];
    let limits = match constraint {
        Some(text) => {
            constraints(&grid, text).map_err(|e| Error::Usage(format!("--subject-to: {e}")))?
        }
        None => Vec::new(),
    };
    let all = Figure::all(grid.names.len());
    let res = run(&grid, &all, &Progress::NONE, gpu)?;
    let flagged = res.flagged() as usize;
    let figures: Vec<Vec<f64>> = res.arrays.into_iter().map(|(_, a)| a).collect();
    let at = |f: Figure| all.iter().position(|g| *g == f).expect("every figure kept");
    let admitted: Vec<bool> = (0..res.status.len())
        .map(|i| {
            res.status[i] == BatteryStatus::Ok.code()
                && limits
                    .iter()
                    .all(|c| c.cmp.holds(figures[at(c.figure)][i], c.value))
        })
        .collect();
    let names: Vec<String> = all.iter().map(|f| f.name(&grid.names)).collect();
    let (columns, rows, points) = front_rows(
        &grid.axes,
        &names,
        &figures,
        &admitted,
        [at(ab[0]), at(ab[1])],
    );
    let pair_names = ab.map(|f| f.name(&grid.names));
    check_found(
        &points,
        [&pair_names[0], &pair_names[1]],
        constraint,
        flagged,
    )?;
    Ok(ParetoTable {
        pair: pair_names,
        long_names: ab.map(|f| f.describe(&grid.names).0),
        figure_columns: names.len(),
        columns,
        rows,
        points,
        x: figures[at(ab[0])].clone(),
        y: figures[at(ab[1])].clone(),
        admitted,
        flagged,
        constraint: constraint.map(str::to_string),
        backend: match gpu {
            Some(_) => "gpu".into(),
            None => "cpu".into(),
        },
        adapter: gpu.map(|g| serde_json::json!(g.ctx.describe())),
        precision: "f64".into(),
    })
}
