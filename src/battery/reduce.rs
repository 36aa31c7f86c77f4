//! Reductions over a battery sweep's axes (`[[reduce]]` in a battery
//! config), as for the built-in model: per cell of the kept axes, the
//! extremum of a figure (any of the battery's, `heat_NAME` included) over
//! the reduced axes, with `where` constraints on its figures, the reduced
//! axes' values at the extremum for arg-ops, how many points competed and
//! how many stayed flagged. The arrays and their metadata are those of a
//! built-in reduction (`store::reduced::Reduced`).
//!
//! Folded block by block as the sweep runs (in C order, so ties go to the
//! first point, as in the built-in reductions), so a sweep that keeps no
//! full arrays holds only the reduced cells.

use super::figure::Figure;
use super::grid::BatteryGrid;
use super::status::{BatteryFigures, BatteryStatus};
use crate::config::constraint::{comparison, Cmp, Constraints};
use crate::config::reduce::{check_with, ReductionOf};
use crate::error::Error;
use crate::store::reduced::{Accumulators, Reduced, FLAGGED_INSIDE, FOUND, NONE_PASSES};

/// One comparison of a battery figure with a number.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FigureConstraint {
    pub figure: Figure,
    pub cmp: Cmp,
    pub value: f64,
}

/// A checked reduction of a battery sweep.
pub type BatteryReduction = ReductionOf<Figure, Vec<FigureConstraint>>;

/// The constraints of `text` ("power > 1e-6 and efficiency >= 0.5") on
/// `grid`'s figures, or why not.
pub fn constraints(grid: &BatteryGrid, text: &str) -> Result<Vec<FigureConstraint>, String> {
    let mut out = Vec::new();
    for part in Constraints::parts(text).map_err(|e| e.to_string())? {
        let (name, cmp, value) = comparison(part).map_err(|e| e.to_string())?;
        let figure = figure(grid, name)?;
        out.push(FigureConstraint { figure, cmp, value });
    }
    Ok(out)
}

impl FigureConstraint {
    /// Whether the point's figures pass (NaN never does).
    pub fn holds(&self, f: &BatteryFigures) -> bool {
        self.cmp.holds(self.figure.of(f), self.value)
    }
}

/// The battery figure named `name`, or why not (naming the accepted).
pub fn figure(grid: &BatteryGrid, name: &str) -> Result<Figure, String> {
    Figure::named(name, &grid.names).ok_or_else(|| {
        let accepted: Vec<String> = Figure::all(grid.names.len())
            .iter()
            .map(|f| f.name(&grid.names))
            .collect();
        format!(
            "quantity \"{name}\" is not a figure of this battery; accepted: {}",
            accepted.join(", ")
        )
    })
}

/// Checks the `[[reduce]]` entries of `grid`'s config against its axes
/// and figures, and `full_arrays` against them.
pub fn check(grid: &BatteryGrid) -> Result<Vec<BatteryReduction>, Error> {
    let config = &grid.config;
    let arrays: Vec<String> = Figure::all(grid.names.len())
        .iter()
        .map(|f| f.name(&grid.names))
        .chain(["status".to_string()])
        .collect();
    let reds = check_with(config, &grid.axes, &arrays, |spec| {
        let quantity = figure(grid, &spec.quantity)?;
        let constraint = match spec.constraint.as_deref() {
            Some(text) => constraints(grid, text).map_err(|e| format!("where: {e}"))?,
            None => Vec::new(),
        };
        Ok((quantity, constraint, quantity.name(&grid.names)))
    })?;
    if config.full_arrays == Some(false) && reds.is_empty() {
        return Err(Error::Config(
            "full_arrays = false without [[reduce]] entries would write nothing; accepted: full_arrays = true, or reductions".into(),
        ));
    }
    Ok(reds)
}

/// Whether a sweep with `reds` writes its full arrays: asked for, or by
/// default when there are no reductions (as for the built-in model).
pub fn full_arrays(grid: &BatteryGrid, reds: &[BatteryReduction]) -> bool {
    grid.config.full_arrays.unwrap_or(reds.is_empty())
}

/// Bytes the reduced arrays of `reds` take (value, axis values, count,
/// flagged, status per cell, and the fold's key and index).
pub fn bytes(grid: &BatteryGrid, reds: &[BatteryReduction]) -> u64 {
    reds.iter()
        .map(|r| {
            let cells: u64 = kept(grid, r)
                .iter()
                .map(|&i| grid.axes[i].values.len() as u64)
                .product();
            cells.saturating_mul(8 * (r.over.len() as u64 + 5) + 1)
        })
        .fold(0u64, u64::saturating_add)
}

/// The axes `r` keeps, in config order.
fn kept(grid: &BatteryGrid, r: &BatteryReduction) -> Vec<usize> {
    (0..grid.axes.len())
        .filter(|i| !r.over.contains(i))
        .collect()
}

/// One reduction's cells while the sweep runs: the accumulators of the
/// built-in reductions (one member per cell), so that a shard's share
/// folds as theirs do (`store::reduced::Partial::fold_into`).
struct Fold {
    kept: Vec<usize>,
    acc: Accumulators,
}

/// Every reduction's cells while the sweep runs.
pub struct Folding<'a> {
    grid: &'a BatteryGrid,
    reds: &'a [BatteryReduction],
    folds: Vec<Fold>,
}

impl<'a> Folding<'a> {
    pub fn new(grid: &'a BatteryGrid, reds: &'a [BatteryReduction]) -> Folding<'a> {
        let folds = reds
            .iter()
            .map(|r| {
                let kept = kept(grid, r);
                let cells: usize = kept.iter().map(|&i| grid.axes[i].values.len()).product();
                Fold {
                    kept,
                    acc: Accumulators::empty(cells),
                }
            })
            .collect();
        Folding { grid, reds, folds }
    }

    /// The accumulators of every reduction, in config order (a shard
    /// writes them for `nessbat merge`).
    pub fn accumulators(&self) -> Vec<&Accumulators> {
        self.folds.iter().map(|f| &f.acc).collect()
    }

    /// Replaces the accumulators (a merge's folded shares), in config
    /// order.
    pub fn set_accumulators(&mut self, accs: Vec<Accumulators>) {
        for (f, a) in self.folds.iter_mut().zip(accs) {
            f.acc = a;
        }
    }

    /// Folds the figures of points `start`, `start + 1`, … (in order).
    pub fn fold(&mut self, start: u64, block: &[BatteryFigures]) {
        let axes = &self.grid.axes;
        let mut at = vec![0usize; axes.len()];
        for (j, f) in block.iter().enumerate() {
            let i = start + j as u64;
            let mut rest = i;
            for (k, a) in axes.iter().enumerate().rev() {
                let n = a.values.len() as u64;
                at[k] = (rest % n) as usize;
                rest /= n;
            }
            for (r, fold) in self.reds.iter().zip(&mut self.folds) {
                let cell = fold
                    .kept
                    .iter()
                    .fold(0usize, |c, &k| c * axes[k].values.len() + at[k]);
                if f.status.flagged() {
                    fold.acc.flagged[cell] += 1;
                    continue;
                }
                if f.status != BatteryStatus::Ok {
                    continue;
                }
                let v = r.quantity.of(f);
                let passes = v.is_finite()
                    && r.constraint
                        .iter()
                        .all(|c| c.cmp.holds(c.figure.of(f), c.value));
                if !passes {
                    continue;
                }
                let key = if r.op.minimises() { -v } else { v };
                let acc = &mut fold.acc;
                // Strictly better only: ties go to the first point.
                if acc.count[cell] == 0 || key > acc.key[cell] {
                    acc.key[cell] = key;
                    acc.index[cell] = i;
                }
                acc.count[cell] += 1;
            }
        }
    }

    /// The reduced arrays, in config order.
    pub fn finish(self) -> Vec<Reduced> {
        let axes = &self.grid.axes;
        self.reds
            .iter()
            .zip(self.folds)
            .map(|(r, fold)| {
                let acc = fold.acc;
                let cells = acc.key.len();
                let mut out = Reduced {
                    name: r.name.clone(),
                    shape: fold.kept.iter().map(|&k| axes[k].values.len()).collect(),
                    kept: fold.kept.iter().map(|&k| axes[k].name.clone()).collect(),
                    value: vec![f64::NAN; cells],
                    at: match r.op.is_arg() {
                        true => r
                            .over
                            .iter()
                            .map(|&k| (axes[k].name.clone(), vec![f64::NAN; cells]))
                            .collect(),
                        false => Vec::new(),
                    },
                    count: acc.count,
                    flagged: acc.flagged,
                    status: vec![NONE_PASSES; cells],
                };
                for c in 0..cells {
                    if out.flagged[c] > 0 {
                        // Not "found": a flagged point could have won.
                        out.status[c] = FLAGGED_INSIDE;
                    }
                    if out.count[c] == 0 {
                        continue;
                    }
                    if out.flagged[c] == 0 {
                        out.status[c] = FOUND;
                    }
                    let key = acc.key[c];
                    out.value[c] = if r.op.minimises() { -key } else { key };
                    let mut rest = acc.index[c];
                    for (k, a) in axes.iter().enumerate().rev() {
                        let n = a.values.len() as u64;
                        if let Some(slot) = r.over.iter().position(|&o| o == k) {
                            if let Some((_, v)) = out.at.get_mut(slot) {
                                v[c] = a.values[(rest % n) as usize];
                            }
                        }
                        rest /= n;
                    }
                }
                out
            })
            .collect()
    }
}
