//! The constrained optimum of one figure: start on the config's grid (see
//! [`super::starts`]), then refine around each start on ever finer local
//! grids, each run on the backend as one reduction (so on the device),
//! until every continuous axis is bracketed to `xtol`.
//!
//! A local grid spans the current best ± one spacing of the previous grid
//! (clamped to the axis's range), with 9 points per axis for one or two
//! axes, 7 for three and 5 beyond: the bracket shrinks 4×, 3× or 2× per
//! step and always holds the previous best, so the best never worsens by
//! more than rounding. Points that fail the constraint do not compete, so a
//! constrained optimum on the constraint's boundary is approached from the
//! feasible side to within one spacing. Axes given as `values` lists are
//! discrete choices and stay at the start's value; so do 1-point axes.

use std::fmt::Write;

use super::space::{BuiltIn, Goal, Space};
use super::starts::{best_of, starts, Start};
use super::Error;
use crate::backend::point::point as compute_point;
use crate::backend::run::Backend;
use crate::config::constraint::Constraints;
use crate::config::{Axis, AxisSpec};
use crate::grid::Grid;
use crate::oracle::oss::OssOptions;
use crate::oracle::PointFigures;
use nessbat_kernels::Quantity;

/// The figure to optimise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Objective {
    pub quantity: Quantity,
    pub maximize: bool,
}

/// How far to refine.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OptimizeOptions {
    /// Stop when every continuous axis's bracket half-width is below
    /// xtol · max(|x|, 1e-6 · the axis's span).
    pub xtol: f64,
    /// Most refinement steps per start.
    pub max_iterations: u32,
    /// Most starts refined.
    pub starts: usize,
}

impl Default for OptimizeOptions {
    fn default() -> Self {
        OptimizeOptions {
            xtol: 1e-7,
            max_iterations: 100,
            starts: 3,
        }
    }
}

/// One step of the search.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryRow {
    /// Which start (0 = best on the grid).
    pub start: usize,
    /// 0 for the start itself, then one per local grid.
    pub iteration: u32,
    /// Points evaluated in this step (the config's grid for start 0's
    /// first row).
    pub points: u64,
    /// The figure at the step's best point.
    pub value: f64,
    /// The step's best point, per axis in config order.
    pub coords: Vec<f64>,
    /// The bracket for the next step, per continuous axis.
    pub bracket: Vec<(f64, f64)>,
}

/// The result of [`optimize`]: the built-in objective and where the
/// search ended.
#[derive(Debug, Clone)]
pub struct Optimum {
    pub objective: Objective,
    pub constraint: Constraints,
    pub found: Found,
}

impl std::ops::Deref for Optimum {
    type Target = Found;

    fn deref(&self) -> &Found {
        &self.found
    }
}

/// Finds the best `objective` subject to `constraint` over `grid`'s axes.
pub fn optimize(
    backend: &Backend,
    grid: &Grid,
    objective: Objective,
    constraint: Constraints,
    opts: &OptimizeOptions,
) -> Result<Optimum, Error> {
    let space = BuiltIn {
        backend,
        grid,
        quantity: objective.quantity,
        constraint: &constraint,
    };
    let goal = Goal::of(objective.quantity, objective.maximize, &constraint);
    let found = search(&space, &goal, opts)?;
    Ok(Optimum {
        objective,
        constraint,
        found,
    })
}

/// Where the search ended, in any [`Space`].
#[derive(Debug, Clone)]
pub struct Found {
    /// Axis names in config order, and the optimum's values on them.
    pub axes: Vec<String>,
    pub coords: Vec<f64>,
    /// The figure at the optimum, as the space computed it.
    pub value: f64,
    /// The continuous (refined) axes, indices into `axes`.
    pub refined: Vec<usize>,
    /// Whether every start reached `xtol` within `max_iterations`.
    pub converged: bool,
    /// Axes on which the optimum sits at an end of the searched range:
    /// the best point may lie beyond it, so the range should be widened.
    pub on_boundary: Vec<String>,
    pub evaluations: u64,
    /// Points of the search that were flagged (not resolved to the
    /// tolerance) and so did not compete: the optimum is the best of the
    /// resolved points, and a flagged one could have beaten it.
    pub flagged: u64,
    pub history: Vec<HistoryRow>,
}

/// The finest xtol accepted: about 45 ε, where a bracket's half-width is
/// a few tens of f64 steps of its point.
pub const MIN_XTOL: f64 = 1e-14;

/// Finds the best `goal` over the axes of `space`.
pub fn search(space: &dyn Space, goal: &Goal, opts: &OptimizeOptions) -> Result<Found, Error> {
    // Below MIN_XTOL an axis cannot be bracketed in f64 (its values are
    // ε of themselves apart): such a search would only run out of steps.
    if !(opts.xtol >= MIN_XTOL && opts.xtol < 1.0) {
        return Err(Error::Usage(format!(
            "xtol = {:e}; accepted: {MIN_XTOL:e} <= xtol < 1 (f64 cannot bracket an axis finer)",
            opts.xtol
        )));
    }
    let (begun, flagged) = starts(space, goal, opts.starts)?;
    let axes = space.axes();
    let refined: Vec<usize> = (0..axes.len())
        .filter(|i| axes[*i].values.len() > 1 && axes[*i].spacing != "values")
        .collect();
    let sign = if goal.maximize { 1.0 } else { -1.0 };
    let mut search = Search {
        space,
        goal,
        opts,
        refined: refined.clone(),
        history: Vec::new(),
        evaluations: space.points(),
        flagged,
    };
    let mut best: Option<Start> = None;
    let mut converged = true;
    for (k, s) in begun.iter().enumerate() {
        let (end, done) = search.refine(k, s)?;
        converged &= done;
        if best.as_ref().is_none_or(|b| end.key > b.key) {
            best = Some(end);
        }
    }
    let best = best.expect("starts() returns at least one start");
    let on_boundary = boundary_axes(axes, &best.coords, opts.xtol);
    Ok(Found {
        axes: axes.iter().map(|a| a.name.clone()).collect(),
        coords: best.coords,
        value: sign * best.key,
        refined,
        converged,
        on_boundary,
        evaluations: search.evaluations,
        flagged: search.flagged,
        history: search.history,
    })
}

/// The axes (with more than one value) on which `coords` lies at the
/// smallest or largest value, within the refinement's tolerance of the
/// axis's span (in log space on log axes, as they are searched).
fn boundary_axes(axes: &[Axis], coords: &[f64], xtol: f64) -> Vec<String> {
    axes.iter()
        .zip(coords)
        .filter(|(a, _)| a.values.len() > 1)
        .filter(|(a, &x)| {
            let f = |v: f64| if a.spacing == "log" { v.ln() } else { v };
            let x = f(x);
            let lo = a.values.iter().map(|v| f(*v)).fold(f64::INFINITY, f64::min);
            let hi = a
                .values
                .iter()
                .map(|v| f(*v))
                .fold(f64::NEG_INFINITY, f64::max);
            let tol = 10.0 * xtol * (hi - lo).abs().max(hi.abs().max(lo.abs()) * f64::EPSILON);
            (x - lo).abs() <= tol || (hi - x).abs() <= tol
        })
        .map(|(a, _)| a.name.clone())
        .collect()
}

struct Search<'a> {
    space: &'a dyn Space,
    goal: &'a Goal,
    opts: &'a OptimizeOptions,
    refined: Vec<usize>,
    history: Vec<HistoryRow>,
    evaluations: u64,
    flagged: u64,
}

impl Search<'_> {
    /// The range [min, max] of axis `i`.
    fn span(&self, i: usize) -> (f64, f64) {
        let v = &self.space.axes()[i].values;
        let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        (lo, hi)
    }

    /// x ± one step (a ratio on log axes), clamped to axis `i`'s range.
    fn bracket(&self, i: usize, x: f64, step: f64) -> (f64, f64) {
        let (lo, hi) = self.span(i);
        let (a, b) = if self.space.axes()[i].spacing == "log" {
            (x / step, x * step)
        } else {
            (x - step, x + step)
        };
        (a.max(lo), b.min(hi))
    }

    /// One spacing of a grid of `n` points over [a, b] on axis `i`.
    fn step(&self, i: usize, a: f64, b: f64, n: u64) -> f64 {
        if self.space.axes()[i].spacing == "log" {
            (b / a).powf(1.0 / (n - 1) as f64)
        } else {
            (b - a) / (n - 1) as f64
        }
    }

    fn converged(&self, x: &[f64], bracket: &[(f64, f64)]) -> bool {
        self.refined.iter().zip(bracket).all(|(i, (a, b))| {
            let (lo, hi) = self.span(*i);
            0.5 * (b - a) <= self.opts.xtol * x[*i].abs().max(1e-6 * (hi - lo))
        })
    }

    /// Refines start number `k`: (its end point, whether it reached xtol).
    fn refine(&mut self, k: usize, start: &Start) -> Result<(Start, bool), Error> {
        let axes = self.space.axes();
        let sign = if self.goal.maximize { 1.0 } else { -1.0 };
        let points = match self.refined.len() {
            0..=2 => 9,
            3 => 7,
            _ => 5,
        };
        // The first bracket: the start's neighbours on the config's grid.
        let mut bracket: Vec<(f64, f64)> = self
            .refined
            .iter()
            .map(|i| {
                let v = &axes[*i].values;
                let j = v
                    .iter()
                    .position(|x| *x == start.coords[*i])
                    .expect("a start lies on the grid");
                let (a, b) = (v[j.saturating_sub(1)], v[(j + 1).min(v.len() - 1)]);
                (a.min(b), a.max(b))
            })
            .collect();
        let mut best = start.clone();
        self.history.push(HistoryRow {
            start: k,
            iteration: 0,
            // The config's grid, counted once, with the first start.
            points: if k == 0 { self.space.points() } else { 0 },
            value: sign * best.key,
            coords: best.coords.clone(),
            bracket: bracket.clone(),
        });
        if self.refined.is_empty() {
            return Ok((best, true));
        }
        for iteration in 1..=self.opts.max_iterations {
            if self.converged(&best.coords, &bracket) {
                return Ok((best, true));
            }
            let mut config = self.space.config().clone();
            for (i, a) in axes.iter().enumerate() {
                if !self.refined.contains(&i) {
                    config.fixed.insert(a.name.clone(), best.coords[i]);
                }
            }
            config.axes = self
                .refined
                .iter()
                .zip(&bracket)
                .map(|(i, (a, b))| AxisSpec {
                    name: axes[*i].name.clone(),
                    range: Some([*a, *b]),
                    points: Some(if a < b { points } else { 1 }),
                    spacing: Some(axes[*i].spacing.clone()),
                    values: None,
                })
                .collect();
            let names = self.refined.iter().map(|i| axes[*i].name.clone()).collect();
            config.reduce = vec![best_of(self.goal, names)];
            config.full_arrays = Some(false);
            let (r, ran) = self.space.reduce(config)?;
            self.evaluations += ran;
            self.flagged += r.flagged[0];
            if r.count[0] == 0 {
                // Only possible if rounding moved the previous best out of
                // the feasible set, or it is flagged now: keep it.
                return Ok((best, false));
            }
            for (k, i) in self.refined.iter().enumerate() {
                let x = r.at[k].1[0];
                best.coords[*i] = x;
                let (a, b) = bracket[k];
                // A best on the edge of the local grid (not of the axis's
                // range) may have a better point beyond it, as on a ridge
                // where the extraction order changes: the box moves there
                // at its width instead of shrinking (found: a tilted
                // ridge left the shrinking box 1e-5 off the optimum).
                let (lo, hi) = self.span(*i);
                let on_edge = (x == a || x == b) && x != lo && x != hi;
                let n = if on_edge { 3 } else { points };
                bracket[k] = if a < b {
                    self.bracket(*i, x, self.step(*i, a, b, n))
                } else {
                    (a, b)
                };
            }
            best.key = sign * r.value[0];
            self.history.push(HistoryRow {
                start: k,
                iteration,
                points: ran,
                value: r.value[0],
                coords: best.coords.clone(),
                bracket: bracket.clone(),
            });
        }
        let done = self.converged(&best.coords, &bracket);
        Ok((best, done))
    }
}

impl Optimum {
    /// All figures at the optimum from the f64 oracle, rescued where it
    /// flags them (as `nessbat point`).
    pub fn figures(&self, grid: &Grid) -> crate::Result<PointFigures> {
        let at: Vec<(&str, f64)> = self
            .axes
            .iter()
            .map(|a| a.as_str())
            .zip(self.coords.iter().copied())
            .collect();
        compute_point(
            &grid.params_at(&at),
            grid.model,
            grid.protocol,
            &OssOptions::default(),
        )
    }
}

impl Found {
    /// The search history as CSV: one row per step, the best point and
    /// the bracket of every refined axis.
    pub fn history_csv(&self) -> String {
        let mut s = String::from("start,iteration,points,value");
        for a in &self.axes {
            let _ = write!(s, ",{a}");
        }
        for i in &self.refined {
            let _ = write!(s, ",{0}_lo,{0}_hi", self.axes[*i]);
        }
        s.push('\n');
        for r in &self.history {
            let _ = write!(s, "{},{},{},{:e}", r.start, r.iteration, r.points, r.value);
            for x in &r.coords {
                let _ = write!(s, ",{x:e}");
            }
            for (a, b) in &r.bracket {
                let _ = write!(s, ",{a:e},{b:e}");
            }
            s.push('\n');
        }
        s
    }
}
