//! Reductions over axes (`[[reduce]]` in a sweep config): the checked
//! entries, the passes that run them and the per-chunk parameter block of
//! the reduction kernels (shaders/reduce.wgsl).
//!
//! A pass traverses the grid with the kept axes outside and the reduced
//! axes inside (each group in config order), so that every output cell is
//! a run of `cell_len` consecutive points. Entries that reduce over the
//! same axes share a pass; each distinct set of axes costs one pass over
//! the grid.

use crate::Error;
use serde::{Deserialize, Serialize};

use crate::config::constraint::{quantity_index, Constraints};
use crate::config::{Axis, SweepConfig};
use crate::grid::Grid;
use crate::twin::reduce::{ReduceParams, MAX_REDUCTIONS, MAX_WHERE, NO_CONSTRAINT, OP_MAX, OP_MIN};
use crate::twin::Quantity;

/// One `[[reduce]]` entry as written.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ReduceSpec {
    /// Axes to reduce over, e.g. ["tau"].
    pub over: Vec<String>,
    pub quantity: String,
    /// max | min | argmax | argmin.
    pub op: String,
    /// Optional constraints, e.g. "efficiency >= 0.01" or
    /// "efficiency >= 0.01 and power >= 1e-6" (at most 4).
    #[serde(rename = "where", default, skip_serializing_if = "Option::is_none")]
    pub constraint: Option<String>,
    /// Name of the output files; default `{op}_{quantity}_over_{axes}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    Max,
    Min,
    Argmax,
    Argmin,
}

impl Op {
    fn parse(s: &str) -> Option<Op> {
        Some(match s {
            "max" => Op::Max,
            "min" => Op::Min,
            "argmax" => Op::Argmax,
            "argmin" => Op::Argmin,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Op::Max => "max",
            Op::Min => "min",
            Op::Argmax => "argmax",
            Op::Argmin => "argmin",
        }
    }

    pub fn is_arg(self) -> bool {
        matches!(self, Op::Argmax | Op::Argmin)
    }

    pub fn minimises(self) -> bool {
        matches!(self, Op::Min | Op::Argmin)
    }
}

/// A checked reduction.
#[derive(Debug, Clone, PartialEq)]
pub struct Reduction {
    pub name: String,
    /// Reduced axes, indices into the config's axes, ascending.
    pub over: Vec<usize>,
    pub quantity: Quantity,
    pub op: Op,
    pub constraint: Constraints,
}

/// Checks the `[[reduce]]` entries against the config's axes.
pub fn check(config: &SweepConfig, axes: &[Axis]) -> Result<Vec<Reduction>, Error> {
    let axis_names = || {
        axes.iter()
            .map(|a| a.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out: Vec<Reduction> = Vec::new();
    for (k, spec) in config.reduce.iter().enumerate() {
        let at = format!("reduce[{k}]");
        let e = |m: String| Error::Config(format!("{at}: {m}"));
        if spec.over.is_empty() {
            return Err(e(format!(
                "over is empty; accepted: one or more of the axes ({})",
                axis_names()
            )));
        }
        let mut over = Vec::new();
        for name in &spec.over {
            let Some(i) = axes.iter().position(|a| &a.name == name) else {
                return Err(e(format!(
                    "over names \"{name}\", which is not an axis of this sweep; accepted: {}",
                    axis_names()
                )));
            };
            if over.contains(&i) {
                return Err(e(format!("over names \"{name}\" twice")));
            }
            over.push(i);
        }
        over.sort_unstable();
        let quantity = quantity_index(&spec.quantity).map_err(e)?;
        let op = Op::parse(&spec.op).ok_or_else(|| {
            e(format!(
                "op = \"{}\"; accepted: \"max\", \"min\", \"argmax\", \"argmin\"",
                spec.op
            ))
        })?;
        let constraint = match spec.constraint.as_deref() {
            Some(w) => Constraints::parse(w).map_err(|m| e(format!("where: {m}")))?,
            None => Constraints::default(),
        };
        let name = spec.name.clone().unwrap_or_else(|| {
            let over: Vec<&str> = over.iter().map(|i| axes[*i].name.as_str()).collect();
            format!("{}_{}_over_{}", op.name(), quantity.name(), over.join("_"))
        });
        let safe = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !safe {
            return Err(e(format!(
                "name = \"{name}\"; accepted: letters, digits, _ and -"
            )));
        }
        if out.iter().any(|r| r.name == name) {
            return Err(e(format!(
                "name \"{name}\" is used by an earlier entry; give each entry its own name"
            )));
        }
        out.push(Reduction {
            name,
            over,
            quantity,
            op,
            constraint,
        });
    }
    Ok(out)
}

/// Reductions over one set of axes, run in one traversal of the grid.
#[derive(Debug, Clone)]
pub struct Pass {
    /// Reduced and kept axes, indices into the config's axes, ascending.
    pub over: Vec<usize>,
    pub kept: Vec<usize>,
    /// The reductions of this pass, indices into the checked list.
    pub members: Vec<usize>,
    /// The grid with its axes in traversal order: kept, then reduced.
    pub traversal: Grid,
    /// Points per output cell (product of the reduced axis lengths).
    pub cell_len: u64,
    /// Output cells (product of the kept axis lengths).
    pub cells: u64,
}

/// Groups the reductions into passes (same axes, at most MAX_REDUCTIONS
/// each), in the order of their first entry.
pub fn passes(grid: &Grid, reds: &[Reduction]) -> Result<Vec<Pass>, Error> {
    let mut out: Vec<Pass> = Vec::new();
    for (r, red) in reds.iter().enumerate() {
        if let Some(p) = out
            .iter_mut()
            .find(|p| p.over == red.over && p.members.len() < MAX_REDUCTIONS)
        {
            p.members.push(r);
            continue;
        }
        let kept: Vec<usize> = (0..grid.axes.len())
            .filter(|i| !red.over.contains(i))
            .collect();
        let mut config = grid.config.clone();
        config.reduce.clear();
        config.full_arrays = None;
        // The reduction kernels read every quantity in its own slot.
        config.outputs = None;
        config.axes = kept
            .iter()
            .chain(&red.over)
            .map(|i| grid.config.axes[*i].clone())
            .collect();
        let traversal = Grid::new(config)?;
        let len = |ix: &[usize]| -> u64 {
            ix.iter()
                .map(|i| grid.axes[*i].values.len() as u64)
                .product()
        };
        // The kernels index accumulators as cell * members + m in 32 bits.
        if len(&kept) > MAX_CELLS {
            return Err(Error::Config(format!(
                "reduce entry \"{}\" keeps {} cells; accepted: at most {MAX_CELLS} (reduce over more axes)",
                red.name,
                len(&kept)
            )));
        }
        out.push(Pass {
            over: red.over.clone(),
            kept: kept.clone(),
            members: vec![r],
            cell_len: len(&red.over),
            cells: len(&kept),
            traversal,
        });
    }
    Ok(out)
}

/// Most output cells of one reduction.
pub const MAX_CELLS: u64 = (u32::MAX as u64) / MAX_REDUCTIONS as u64;

/// Points per block of pass 1: enough to amortise an invocation, few
/// enough that a cell of 10^4 points still spreads over many invocations.
pub const BLOCK: u64 = 256;

impl Pass {
    /// Block size of pass 1 for this pass.
    pub fn block(&self) -> u64 {
        self.cell_len.min(BLOCK)
    }

    /// Most blocks of pass 1 in a chunk of `cap` points: the full blocks,
    /// plus one partial block per cell the chunk touches.
    pub fn max_blocks(&self, cap: u64) -> u64 {
        cap / self.block() + cap / self.cell_len + 3
    }

    /// The parameter block of the reduction kernels for the traversal
    /// chunk [start, start + len).
    pub fn chunk_params(
        &self,
        reds: &[Reduction],
        start: u64,
        len: u32,
    ) -> (ReduceParams, Vec<f64>) {
        let p = self.cell_len;
        let boundary = (p - start % p).min(u64::from(len)) as u32;
        let cell_len = p.min(1 << 31) as u32;
        let block = self.block() as u32;
        let rest = len - boundary;
        let (full, last) = (rest / cell_len, rest % cell_len);
        let blocks_per_cell = cell_len.div_ceil(block);
        let mut rp = ReduceParams {
            chunk_len: len,
            n_reductions: self.members.len() as u32,
            boundary,
            cell_len,
            block,
            blocks_first: boundary.div_ceil(block),
            blocks_per_cell,
            n_blocks: boundary.div_ceil(block) + full * blocks_per_cell + last.div_ceil(block),
            n_cells: 1 + full + u32::from(last > 0),
            first_cell: (start / p) as u32,
            start_lo: start as u32,
            start_hi: (start >> 32) as u32,
            where_quantity: [NO_CONSTRAINT; MAX_REDUCTIONS * MAX_WHERE],
            ..bytemuck::Zeroable::zeroed()
        };
        let mut thresholds = vec![0.0; MAX_REDUCTIONS * MAX_WHERE];
        for (m, r) in self.members.iter().enumerate() {
            let red = &reds[*r];
            rp.quantity[m] = red.quantity.index() as u32;
            rp.op[m] = if red.op.minimises() { OP_MIN } else { OP_MAX };
            for (k, c) in red.constraint.0.iter().enumerate() {
                let w = m * MAX_WHERE + k;
                rp.where_quantity[w] = c.quantity.index() as u32;
                rp.where_cmp[w] = c.cmp as u32;
                thresholds[w] = c.value;
            }
        }
        (rp, thresholds)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunk_params_count_cells_and_blocks() {
        // A pass with cells of 7 points (one axis of 7 reduced).
        let cfg = SweepConfig::parse(
            r#"
            [fixed]
            lambda = 0.01
            t_a = 2.0
            t_s = 0.1
            gamma = 1e-3
            [[axes]]
            name = "tau"
            range = [1.0, 2.0]
            points = 7
            [[axes]]
            name = "omega0"
            values = [1.0, 1.1, 1.2]
            [[reduce]]
            over = ["tau"]
            quantity = "power"
            op = "max"
            "#,
            "test",
        )
        .unwrap();
        let grid = Grid::new(cfg).unwrap();
        let reds = check(&grid.config, &grid.axes).unwrap();
        let pass = &passes(&grid, &reds).unwrap()[0];
        assert_eq!(
            (pass.cell_len, pass.cells, pass.kept.clone()),
            (7, 3, vec![1])
        );
        assert_eq!(pass.traversal.axes[0].name, "omega0");
        let (rp, _) = pass.chunk_params(&reds, 5, 13);
        // Points 5..18: cell 0 holds 5, 6 (boundary 2), cell 1 7..13, cell 2 14..17.
        assert_eq!(
            (
                rp.boundary,
                rp.n_cells,
                rp.first_cell,
                rp.block,
                rp.n_blocks
            ),
            (2, 3, 0, 7, 3)
        );
    }
}
