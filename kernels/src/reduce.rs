//! Twin of `shaders/reduce.wgsl`: reductions over axes, folded chunk by
//! chunk in the grid's traversal order. Same names, same steps, in f64.

use bytemuck::{Pod, Zeroable};

use super::layout::LOW_BYTE;
use super::oss::{FLAG_NO_EFFICIENCY, FLAG_NO_ENTROPY, STATUS_CONVERGED};

pub use super::layout::{MAX_REDUCTIONS, MAX_WHERE, NO_CONSTRAINT};
/// `op` values, as layout::OPS lists them for the shaders.
pub const OP_MAX: u32 = super::layout::OPS[0].1;
pub const OP_MIN: u32 = super::layout::OPS[1].1;
/// Efficiency (NaN where FLAG_NO_EFFICIENCY) and entropy production (NaN
/// where FLAG_NO_ENTROPY) among the outputs.
const OUT_EFFICIENCY: u32 = super::Quantity::Efficiency as u32;
const OUT_ENTROPY_PRODUCTION: u32 = super::Quantity::EntropyProduction as u32;

/// Kept in sync with shaders/reduce.wgsl (`ReduceParams`); the layout test
/// below compares both through naga.
#[repr(C)]
#[derive(Debug, Clone, Copy, Pod, Zeroable, PartialEq, Eq)]
pub struct ReduceParams {
    /// Points in this chunk (as in SweepParams).
    pub chunk_len: u32,
    pub n_reductions: u32,
    /// Points of the chunk in its first cell (clamped to chunk_len).
    pub boundary: u32,
    /// Points per cell, capped at 2^31 (a larger cell never fits twice in
    /// a chunk, so the cap changes nothing).
    pub cell_len: u32,
    /// Points per block of pass 1.
    pub block: u32,
    /// Blocks of the first cell, and of every later whole cell.
    pub blocks_first: u32,
    pub blocks_per_cell: u32,
    pub n_blocks: u32,
    /// Cells the chunk touches, and the accumulator index of the first.
    pub n_cells: u32,
    pub first_cell: u32,
    /// Traversal index of chunk point 0, as two 32-bit words (grids may
    /// exceed 2^32 points and WGSL has no 64-bit integers).
    pub start_lo: u32,
    pub start_hi: u32,
    /// Per reduction: output quantity and OP_MAX/OP_MIN; per reduction r
    /// and constraint k (at r · MAX_WHERE + k) the constrained quantity
    /// (or NO_CONSTRAINT) and its comparison (Cmp as u32).
    pub quantity: [u32; MAX_REDUCTIONS],
    pub op: [u32; MAX_REDUCTIONS],
    pub where_quantity: [u32; MAX_REDUCTIONS * MAX_WHERE],
    pub where_cmp: [u32; MAX_REDUCTIONS * MAX_WHERE],
}

/// A figure of one chunk point, and whether it may compete.
#[derive(Debug, Clone, Copy)]
pub struct Candidate {
    pub ok: bool,
    pub v: f64,
}

/// Quantity `q` of chunk point `i`: only a status-0 point with a defined,
/// finite figure competes (efficiency is undefined where no heat is
/// absorbed, entropy production unless both baths are thermal).
pub fn figure(rp: &ReduceParams, out_real: &[f64], out_u32: &[u32], q: u32, i: u32) -> Candidate {
    let word = out_u32[i as usize];
    let v = out_real[(q * rp.chunk_len + i) as usize];
    let mut ok = word & LOW_BYTE == STATUS_CONVERGED;
    if q == OUT_EFFICIENCY {
        ok &= word & FLAG_NO_EFFICIENCY == 0;
    }
    if q == OUT_ENTROPY_PRODUCTION {
        ok &= word & FLAG_NO_ENTROPY == 0;
    }
    ok &= v.is_finite();
    Candidate { ok, v }
}

/// Whether chunk point `i` passes all of reduction `r`'s constraints.
pub fn passes(
    rp: &ReduceParams,
    thresholds: &[f64],
    out_real: &[f64],
    out_u32: &[u32],
    r: usize,
    i: u32,
) -> bool {
    let mut all = true;
    for k in 0..MAX_WHERE {
        let w = r * MAX_WHERE + k;
        let wq = rp.where_quantity[w];
        if wq == NO_CONSTRAINT {
            continue;
        }
        let c = figure(rp, out_real, out_u32, wq, i);
        let t = thresholds[w];
        all &= c.ok
            && match rp.where_cmp[w] {
                0 => c.v >= t,
                1 => c.v > t,
                2 => c.v <= t,
                _ => c.v < t,
            };
    }
    all
}

/// The key reduction `r` maximises at chunk point `i` (−value for min).
pub fn key(
    rp: &ReduceParams,
    thresholds: &[f64],
    out_real: &[f64],
    out_u32: &[u32],
    r: usize,
    i: u32,
) -> Candidate {
    let c = figure(rp, out_real, out_u32, rp.quantity[r], i);
    let ok = c.ok && passes(rp, thresholds, out_real, out_u32, r, i);
    let v = if rp.op[r] == OP_MIN { -c.v } else { c.v };
    Candidate { ok, v }
}

/// Chunk points [first, end) of block `j`, inside local cell `cell`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Block {
    pub first: u32,
    pub end: u32,
    pub cell: u32,
}

/// Twin of `block_of`.
pub fn block_of(rp: &ReduceParams, j: u32) -> Block {
    if j < rp.blocks_first {
        let first = j * rp.block;
        return Block {
            first,
            end: (first + rp.block).min(rp.boundary.min(rp.chunk_len)),
            cell: 0,
        };
    }
    let k = (j - rp.blocks_first) / rp.blocks_per_cell;
    let s = (j - rp.blocks_first) % rp.blocks_per_cell;
    let cell_first = rp.boundary + k * rp.cell_len;
    let first = cell_first + s * rp.block;
    Block {
        first,
        end: (first + rp.block).min((cell_first + rp.cell_len).min(rp.chunk_len)),
        cell: k + 1,
    }
}

/// Twin of `fold_blocks` (pass 1) for block `j`: per reduction the best
/// key, its chunk index and the number of competing points. Strict `>` in
/// index order keeps the first of equal keys.
pub fn fold_blocks(
    rp: &ReduceParams,
    thresholds: &[f64],
    out_real: &[f64],
    out_u32: &[u32],
    part_real: &mut [f64],
    part_u32: &mut [u32],
    j: u32,
) {
    let b = block_of(rp, j);
    for r in 0..rp.n_reductions as usize {
        let mut best = 0.0;
        let mut at = 0u32;
        let mut count = 0u32;
        for i in b.first..b.end {
            let c = key(rp, thresholds, out_real, out_u32, r, i);
            if c.ok {
                if count == 0 || c.v > best {
                    best = c.v;
                    at = i;
                }
                count += 1;
            }
        }
        let p = j as usize * rp.n_reductions as usize + r;
        part_real[p] = best;
        part_u32[2 * p] = at;
        part_u32[2 * p + 1] = count;
    }
}

/// Twin of `fold_cells` (pass 2) for local cell `c`: folds the cell's
/// blocks, in order, into its accumulator (key; index lo, hi; count lo,
/// hi), which already holds the fold of the earlier chunks.
pub fn fold_cells(
    rp: &ReduceParams,
    part_real: &[f64],
    part_u32: &[u32],
    acc_real: &mut [f64],
    acc_u32: &mut [u32],
    c: u32,
) {
    let (lo, hi) = if c == 0 {
        (0, rp.blocks_first)
    } else {
        let lo = rp.blocks_first + (c - 1) * rp.blocks_per_cell;
        (lo, lo + rp.blocks_per_cell)
    };
    let hi = hi.min(rp.n_blocks);
    let nr = rp.n_reductions as usize;
    for r in 0..nr {
        let a = (rp.first_cell + c) as usize * nr + r;
        let mut best = acc_real[a];
        let (mut idx_lo, mut idx_hi) = (acc_u32[4 * a], acc_u32[4 * a + 1]);
        let (mut n_lo, mut n_hi) = (acc_u32[4 * a + 2], acc_u32[4 * a + 3]);
        for j in lo..hi {
            let p = j as usize * nr + r;
            let count = part_u32[2 * p + 1];
            if count == 0 {
                continue;
            }
            let v = part_real[p];
            if (n_lo == 0 && n_hi == 0) || v > best {
                best = v;
                // Traversal index start + at, with the carry done by hand
                // as in the shader.
                let at = part_u32[2 * p];
                idx_lo = rp.start_lo.wrapping_add(at);
                idx_hi = rp.start_hi + u32::from(idx_lo < at);
            }
            let s = n_lo.wrapping_add(count);
            n_hi += u32::from(s < count);
            n_lo = s;
        }
        acc_real[a] = best;
        acc_u32[4 * a] = idx_lo;
        acc_u32[4 * a + 1] = idx_hi;
        acc_u32[4 * a + 2] = n_lo;
        acc_u32[4 * a + 3] = n_hi;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_matches_wgsl() {
        use crate::source::reduce_source;
        use crate::Precision;
        use std::mem::offset_of;
        let offsets = [
            offset_of!(ReduceParams, chunk_len),
            offset_of!(ReduceParams, n_reductions),
            offset_of!(ReduceParams, boundary),
            offset_of!(ReduceParams, cell_len),
            offset_of!(ReduceParams, block),
            offset_of!(ReduceParams, blocks_first),
            offset_of!(ReduceParams, blocks_per_cell),
            offset_of!(ReduceParams, n_blocks),
            offset_of!(ReduceParams, n_cells),
            offset_of!(ReduceParams, first_cell),
            offset_of!(ReduceParams, start_lo),
            offset_of!(ReduceParams, start_hi),
            offset_of!(ReduceParams, quantity),
            offset_of!(ReduceParams, op),
            offset_of!(ReduceParams, where_quantity),
            offset_of!(ReduceParams, where_cmp),
        ];
        super::super::params::check_layout(
            &reduce_source(Precision::F32),
            "ReduceParams",
            std::mem::size_of::<ReduceParams>(),
            &offsets,
        );
    }

    #[test]
    fn blocks_tile_the_chunk_inside_cells() {
        // Cells of 7 points, blocks of 3, a chunk of 20 points starting 5
        // points into a cell: cells [0,2) [2,9) [9,16) [16,20).
        let rp = ReduceParams {
            chunk_len: 20,
            boundary: 2,
            cell_len: 7,
            block: 3,
            blocks_first: 1,
            blocks_per_cell: 3,
            n_blocks: 1 + 2 * 3 + 2,
            n_cells: 4,
            ..Zeroable::zeroed()
        };
        let blocks: Vec<_> = (0..rp.n_blocks)
            .map(|j| {
                let b = block_of(&rp, j);
                (b.first, b.end, b.cell)
            })
            .collect();
        assert_eq!(
            blocks,
            [
                (0, 2, 0),
                (2, 5, 1),
                (5, 8, 1),
                (8, 9, 1),
                (9, 12, 2),
                (12, 15, 2),
                (15, 16, 2),
                (16, 19, 3),
                (19, 20, 3)
            ]
        );
    }

    #[test]
    fn ties_go_to_the_first_point_across_blocks_and_chunks() {
        // One cell of 10 points with equal keys, in two chunks of 5 with
        // blocks of 2: the fold must keep traversal index 0, count 10.
        let nr = 1;
        let mut acc_real = vec![0.0; nr];
        let mut acc_u32 = vec![0u32; 4 * nr];
        for start in [0u32, 5] {
            let len = 5u32;
            let out_real = vec![0.25; 7 * len as usize];
            let out_u32 = vec![0u32; 2 * len as usize];
            let boundary = 10 - start;
            let rp = ReduceParams {
                chunk_len: len,
                n_reductions: 1,
                boundary: boundary.min(len),
                cell_len: 10,
                block: 2,
                blocks_first: boundary.min(len).div_ceil(2),
                blocks_per_cell: 5,
                n_blocks: 3,
                n_cells: 1,
                first_cell: 0,
                start_lo: start,
                where_quantity: [NO_CONSTRAINT; MAX_REDUCTIONS * MAX_WHERE],
                ..Zeroable::zeroed()
            };
            let mut part_real = vec![0.0; 3];
            let mut part_u32 = vec![0u32; 6];
            for j in 0..3 {
                fold_blocks(
                    &rp,
                    &[0.0; 8],
                    &out_real,
                    &out_u32,
                    &mut part_real,
                    &mut part_u32,
                    j,
                );
            }
            fold_cells(&rp, &part_real, &part_u32, &mut acc_real, &mut acc_u32, 0);
        }
        assert_eq!(acc_real[0], 0.25);
        assert_eq!(&acc_u32[..], &[0, 0, 10, 0]);
    }
}
