//! Optimising engines over a sweep config's axes: the constrained optimum
//! of one figure ([`refine`]) and the Pareto front of two ([`pareto`]).

pub mod pareto;
pub mod pareto_table;
pub mod refine;
pub mod report;
pub mod starts;

use crate::sweep::config::ConfigError;
use crate::sweep::run::RunError;

pub use pareto::{pareto_front, ParetoFront};
pub use pareto_table::{pareto_table, ParetoTable};
pub use refine::{optimize, HistoryRow, Objective, OptimizeOptions, Optimum};
pub use report::report;

/// Why an optimisation stopped without a result.
#[derive(Debug, thiserror::Error)]
pub enum OptimizeError {
    /// The user's to fix (exit 2): a config or constraint that cannot work.
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Run(#[from] RunError),
}

impl From<crate::sweep::runner::SweepError> for OptimizeError {
    fn from(e: crate::sweep::runner::SweepError) -> Self {
        use crate::sweep::runner::SweepError;
        match e {
            SweepError::Run(e) => OptimizeError::Run(e),
            // Without shards or checkpoints only the user's input can fail.
            other => OptimizeError::Usage(other.to_string()),
        }
    }
}

/// Runs `grid` (a search grid the optimizer built) through the library
/// runner, with no shard and no checkpoints: its full arrays, if it keeps
/// them, and its reductions.
pub(crate) fn sweep(
    backend: &crate::sweep::run::Backend,
    grid: &crate::sweep::Grid,
) -> Result<
    (
        Option<crate::sweep::SweepResults>,
        Vec<crate::sweep::reduced::Reduced>,
    ),
    OptimizeError,
> {
    let out = crate::sweep::runner::Sweep::new(grid)
        .run(backend, &crate::sweep::Progress::NONE, &|_| {})?
        .expect("without checkpoints a sweep always runs");
    Ok((out.full, out.reduced))
}

impl From<ConfigError> for OptimizeError {
    fn from(e: ConfigError) -> Self {
        OptimizeError::Usage(e.to_string())
    }
}
