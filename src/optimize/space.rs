//! What the optimizer searches: a config's axes and a way to run a grid
//! of them as one reduction. The built-in model's grids run on its
//! backends ([`BuiltIn`]); a battery's run as battery sweeps
//! (`battery::optimize`). The search itself ([`super::refine`],
//! [`super::starts`]) sees only this, and the goal by name.

use super::Error;
use crate::backend::run::Backend;
use crate::config::constraint::Constraints;
use crate::config::{Axis, SweepConfig};
use crate::grid::Grid;
use crate::store::reduced::Reduced;
use nessbat_kernels::layout::Status;
use nessbat_kernels::Quantity;

/// What to optimise, by name: a figure of the space's model, the sense,
/// and the constraint as written ("efficiency >= 0.5 and power > 0").
#[derive(Debug, Clone, PartialEq)]
pub struct Goal {
    pub quantity: String,
    pub maximize: bool,
    pub constraint: Option<String>,
}

/// A searchable grid.
pub trait Space {
    /// The config's axes, in config order.
    fn axes(&self) -> &[Axis];
    /// The config, which the search copies into local grids.
    fn config(&self) -> &SweepConfig;
    /// Points of the config's grid.
    fn points(&self) -> u64;
    /// Runs `config`, a grid the search built with one `[[reduce]]` entry
    /// and no full arrays: that reduction, and the points it ran.
    fn reduce(&self, config: SweepConfig) -> Result<(Reduced, u64), Error>;
    /// On a one-axis grid: the goal's key (the figure, negated when
    /// minimising) at each point, None where it does not compete (not
    /// ok, not finite, or failing the constraint); and how many points
    /// were flagged (not resolved to the tolerance).
    fn keys(&self, goal: &Goal) -> Result<(Vec<Option<f64>>, u64), Error>;
}

/// The built-in model's grid on one of its backends.
pub struct BuiltIn<'a> {
    pub backend: &'a Backend,
    pub grid: &'a Grid,
    pub quantity: Quantity,
    pub constraint: &'a Constraints,
}

impl Space for BuiltIn<'_> {
    fn axes(&self) -> &[Axis] {
        &self.grid.axes
    }

    fn config(&self) -> &SweepConfig {
        &self.grid.config
    }

    fn points(&self) -> u64 {
        self.grid.len()
    }

    fn reduce(&self, config: SweepConfig) -> Result<(Reduced, u64), Error> {
        let local = Grid::new(config)?;
        let (_, mut reduced) = super::sweep(self.backend, &local)?;
        Ok((reduced.remove(0), local.len()))
    }

    fn keys(&self, goal: &Goal) -> Result<(Vec<Option<f64>>, u64), Error> {
        // The config's grid as given (its own [[reduce]] entries are
        // ignored here), so the backend directly, not the runner.
        let (res, _, _) = self
            .backend
            .run(self.grid, &crate::backend::Progress::NONE)?;
        let q: Vec<Vec<f64>> = Quantity::ALL.iter().map(|q| res.values(*q)).collect();
        let sign = if goal.maximize { 1.0 } else { -1.0 };
        let flagged = res
            .status
            .iter()
            .filter(|w| Status::NotConverged.is(**w) || Status::Imprecise.is(**w))
            .count() as u64;
        let keys = (0..self.grid.len() as usize)
            .map(|k| {
                let row: Vec<f64> = q.iter().map(|a| a[k]).collect();
                let figure = row[self.quantity.index()];
                let competes = Status::Converged.is(res.status[k])
                    && figure.is_finite()
                    && self.constraint.holds(&row);
                competes.then_some(sign * figure)
            })
            .collect();
        Ok((keys, flagged))
    }
}

impl Goal {
    /// The goal of a built-in objective under `constraint`.
    pub fn of(quantity: Quantity, maximize: bool, constraint: &Constraints) -> Goal {
        Goal {
            quantity: quantity.name().to_string(),
            maximize,
            constraint: constraint.text(),
        }
    }
}
