//! Reduction planning: the checked `[[reduce]]` entries grouped into
//! passes (one traversal of the grid per set of reduced axes, with the axes
//! reordered so that each output cell's points are consecutive), and the
//! parameter block of the reduction kernels (kernels/shaders/reduce.wgsl)
//! for each chunk of a pass.
//!
//! A pass traverses the grid with the kept axes outside and the reduced
//! axes inside (each group in config order), so that every output cell is
//! a run of `cell_len` consecutive points. Entries that reduce over the
//! same axes share a pass; each distinct set of axes costs one pass over
//! the grid.

use crate::config::reduce::Reduction;
use crate::grid::Grid;
use crate::Error;
use nessbat_kernels::reduce::{
    ReduceParams, MAX_REDUCTIONS, MAX_WHERE, NO_CONSTRAINT, OP_MAX, OP_MIN,
};

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
    use crate::config::reduce::check;
    use crate::config::SweepConfig;

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
