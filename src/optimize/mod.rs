//! Optimising engines over a sweep config's axes: the constrained optimum
//! of one figure ([`refine`]) and the Pareto front of two ([`pareto`]).

pub mod pareto;
pub mod pareto_table;
pub mod refine;
pub mod report;
pub mod space;
pub mod starts;

pub use pareto::{pareto_front, ParetoFront};
pub use pareto_table::{pareto_table, ParetoTable};
pub use refine::{optimize, HistoryRow, Objective, OptimizeOptions, Optimum};
pub use report::report;

use crate::error::Error;

/// Runs `grid` (a search grid the optimizer built) through the library
/// runner, with no shard and no checkpoints: its full arrays, if it keeps
/// them, and its reductions.
pub(crate) fn sweep(
    backend: &crate::backend::run::Backend,
    grid: &crate::grid::Grid,
) -> Result<
    (
        Option<crate::store::SweepResults>,
        Vec<crate::store::reduced::Reduced>,
    ),
    Error,
> {
    let out = crate::sweep::runner::Sweep::new(grid).run(
        backend,
        &crate::backend::Progress::NONE,
        &|_| {},
    )?;
    Ok((out.full, out.reduced))
}
