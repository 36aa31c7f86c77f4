//! The optimizer over a battery's axes (`nessbat optimize --config FILE`
//! with a `[battery]`): the search of src/optimize (starts on the config's
//! grid, then ever finer local grids) with each grid run as a battery
//! sweep of one reduction, on the CPU or with the strokes on the GPU, and
//! the figures at the optimum from the f64 point.

use super::figure::Figure;
use super::gpu::GpuStrokes;
use super::grid::{BatteryGrid, Use};
use super::reduce::{constraints, figure, FigureConstraint};
use super::run::BatteryPoint;
use super::status::{BatteryFigures, BatteryStatus};
use super::sweep::{run, run_plan, Plan};
use crate::backend::Progress;
use crate::config::{Axis, SweepConfig};
use crate::error::Error;
use crate::optimize::refine::{search, Found};
use crate::optimize::space::{Goal, Space};
use crate::optimize::OptimizeOptions;
use crate::store::reduced::Reduced;
use serde_json::{json, Value};

/// A battery's grid as the optimizer searches it.
pub struct BatterySpace<'a> {
    pub grid: &'a BatteryGrid,
    pub gpu: Option<&'a GpuStrokes<'a>>,
}

impl Space for BatterySpace<'_> {
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
        let local = BatteryGrid::new(&config, Use::Sweep)?;
        let plan = Plan::new(&local, None)?;
        let res = run_plan(&local, &plan, &Progress::NONE, self.gpu)?;
        let reduced = res.reduced.into_iter().next();
        let reduced = reduced
            .ok_or_else(|| Error::Numerical("a search grid without its reduction".into()))?;
        Ok((reduced, local.len()))
    }

    fn keys(&self, goal: &Goal) -> Result<(Vec<Option<f64>>, u64), Error> {
        let (quantity, limits) = checked(self.grid, goal)?;
        let res = run(
            self.grid,
            &Figure::all(self.grid.names.len()),
            &Progress::NONE,
            self.gpu,
        )?;
        let sign = if goal.maximize { 1.0 } else { -1.0 };
        let column = |f: Figure| {
            &res.arrays
                .iter()
                .find(|(g, _)| *g == f)
                .expect("every figure kept")
                .1
        };
        let flagged = res.flagged();
        let keys = (0..res.status.len())
            .map(|i| {
                let v = column(quantity)[i];
                let competes = res.status[i] == BatteryStatus::Ok.code()
                    && v.is_finite()
                    && limits
                        .iter()
                        .all(|c| c.cmp.holds(column(c.figure)[i], c.value));
                competes.then_some(sign * v)
            })
            .collect();
        Ok((keys, flagged))
    }
}

/// The goal's figure and constraints on `grid`, or a usage error naming
/// what is accepted.
fn checked(grid: &BatteryGrid, goal: &Goal) -> Result<(Figure, Vec<FigureConstraint>), Error> {
    let quantity = figure(grid, &goal.quantity).map_err(Error::Usage)?;
    let limits = match &goal.constraint {
        Some(text) => {
            constraints(grid, text).map_err(|e| Error::Usage(format!("--subject-to: {e}")))?
        }
        None => Vec::new(),
    };
    Ok((quantity, limits))
}

/// An optimum of a battery: where the search ended and every figure there.
#[derive(Debug, Clone)]
pub struct BatteryOptimum {
    pub goal: Goal,
    pub found: Found,
    /// The f64 point at the optimum.
    pub figures: BatteryFigures,
    /// Whether the point meets the constraint.
    pub constraint_satisfied: bool,
    /// Maximising an engine figure (ergotropy, power, efficiency), no point
    /// extracts work: there is no engine on this grid.
    pub no_engine: bool,
}

/// The best `goal` over the axes of the battery config `config` (its own
/// `[[reduce]]` entries and `full_arrays` are ignored).
pub fn optimize(
    config: &SweepConfig,
    gpu: Option<&GpuStrokes>,
    goal: &Goal,
    opts: &OptimizeOptions,
) -> Result<BatteryOptimum, Error> {
    let mut config = config.clone();
    config.reduce.clear();
    config.full_arrays = None;
    config.outputs = None;
    let grid = BatteryGrid::new(&config, Use::Sweep)?;
    let (quantity, limits) = checked(&grid, goal)?;
    let found = search(&BatterySpace { grid: &grid, gpu }, goal, opts)?;
    // The point itself, every parameter fixed at the optimum.
    let mut at = config.clone();
    for (a, x) in found.axes.iter().zip(&found.coords) {
        at.fixed.insert(a.clone(), *x);
    }
    at.axes.clear();
    let figures = BatteryPoint::from_config(&at)?.figures();
    let engine = matches!(
        quantity,
        Figure::Ergotropy | Figure::Power | Figure::Efficiency
    );
    let no_engine = goal.maximize && engine && !(figures.ergotropy > 0.0 && found.value > 0.0);
    Ok(BatteryOptimum {
        goal: goal.clone(),
        constraint_satisfied: limits.iter().all(|c| c.holds(&figures)),
        found,
        figures,
        no_engine,
    })
}

impl BatteryOptimum {
    /// The report, with the keys of the built-in model's (`nessbat optimize
    /// --json`): the point's figures, the parameters, the objective on the
    /// point and on the search, the constraint, the outcome.
    pub fn report(&self, backend: &str, history: Value) -> Value {
        let best = self;
        let mut v = best.figures.to_json();
        let found = &best.found;
        v["parameters"] = Value::Object(
            found
                .axes
                .iter()
                .zip(&found.coords)
                .map(|(a, x)| (a.clone(), json!(x)))
                .collect(),
        );
        let on_point = v
            .get(best.goal.quantity.as_str())
            .cloned()
            .unwrap_or(Value::Null);
        v["objective"] = json!({
            "quantity": best.goal.quantity,
            "sense": if best.goal.maximize { "maximize" } else { "minimize" },
            "value": on_point,
            "value_on_backend": if found.value.is_finite() { json!(found.value) } else { Value::Null },
        });
        v["subject_to"] = json!(best.goal.constraint);
        v["constraint_satisfied"] = json!(best.constraint_satisfied);
        v["outcome"] = json!(if best.no_engine {
            "no_engine"
        } else {
            "optimum"
        });
        v["converged"] = json!(found.converged && !best.no_engine);
        v["on_boundary"] = json!(found.on_boundary);
        v["evaluations"] = json!(found.evaluations);
        v["flagged_points"] = json!(found.flagged);
        v["backend"] = json!(backend);
        v["precision"] = json!("f64");
        v["history"] = history;
        v
    }
}
