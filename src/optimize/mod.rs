//! Optimising engines over a sweep config's axes: the constrained optimum
//! of one figure ([`refine`]) and the Pareto front of two ([`pareto`]).

pub mod pareto;
pub mod refine;
pub mod starts;

use crate::sweep::config::ConfigError;
use crate::sweep::run::RunError;

pub use pareto::{pareto_front, ParetoFront};
pub use refine::{optimize, HistoryRow, Objective, OptimizeOptions, Optimum};

/// Why an optimisation stopped without a result.
#[derive(Debug, thiserror::Error)]
pub enum OptimizeError {
    /// The user's to fix (exit 2): a config or constraint that cannot work.
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Run(#[from] RunError),
}

impl From<ConfigError> for OptimizeError {
    fn from(e: ConfigError) -> Self {
        OptimizeError::Usage(e.to_string())
    }
}
