//! The CPU backend: the kernels' f64 twins on every core (rayon).

use std::ops::Range;

use rayon::prelude::*;

use super::grid::Grid;
use super::reduce::{Pass, Reduction};
use super::reduced::Accumulators;
use super::results::{store, FloatsFlat, SweepResults};
use crate::model::ModelKind;
use crate::twin::density_matrix::DensityMatrix;
use crate::twin::extract::KernelModel;
use crate::twin::population::Population;
use crate::twin::reduce;
use crate::twin::{run_point, PointOutput, SweepParams};

/// Points per rayon task: large enough to amortise scheduling, small enough
/// to balance two cores and to move the progress bar.
const BLOCK: usize = 4096;

/// Points computed before they are scattered into the arrays: bounds the
/// extra memory to one chunk whatever the grid size.
const CHUNK: usize = 1 << 20;

/// The outputs of the flat range [first, first + len) of `grid`, computed
/// in parallel blocks.
fn compute_chunk<M: KernelModel<N>, const N: usize>(
    grid: &Grid,
    first: u64,
    len: usize,
    progress: &(dyn Fn(u64) + Sync),
) -> Vec<PointOutput> {
    (0..len)
        .step_by(BLOCK)
        .collect::<Vec<_>>()
        .into_par_iter()
        .map(|start| {
            let n = BLOCK.min(len - start);
            let params: SweepParams = grid.chunk_params(first + start as u64, n as u32);
            let out: Vec<PointOutput> = (0..n as u32)
                .map(|i| run_point::<M, N>(&params, &grid.values, i))
                .collect();
            progress(n as u64);
            out
        })
        .flatten_iter()
        .collect()
}

fn run_model<M: KernelModel<N>, const N: usize>(
    grid: &Grid,
    range: Range<u64>,
    progress: &(dyn Fn(u64) + Sync),
) -> SweepResults {
    let mut res = SweepResults::new_f64(grid.result_shape(&range));
    let (n, first) = (res.len(), range.start);
    let FloatsFlat::F64(real) = &mut res.real else {
        unreachable!()
    };
    for chunk in (0..n).step_by(CHUNK) {
        let end = n.min(chunk + CHUNK);
        let outputs = compute_chunk::<M, N>(grid, first + chunk as u64, end - chunk, progress);
        for (k, o) in outputs.into_iter().enumerate() {
            store(
                real,
                &mut res.cycles,
                &mut res.status,
                chunk + k,
                o.real,
                o.cycles,
                o.status,
            );
        }
    }
    res
}

/// Runs one reduction pass: the kernels' twins chunk by chunk, with the
/// chunk outputs laid out as the GPU's out_real and out_u32.
fn reduce_model<M: KernelModel<N>, const N: usize>(
    pass: &Pass,
    reds: &[Reduction],
    chunk: usize,
    progress: &(dyn Fn(u64) + Sync),
) -> Accumulators {
    let grid = &pass.traversal;
    let total = grid.len();
    let nr = pass.members.len();
    let mut acc_real = vec![0.0; pass.cells as usize * nr];
    let mut acc_u32 = vec![0u32; 4 * acc_real.len()];
    for start in (0..total).step_by(chunk) {
        let len = (total - start).min(chunk as u64) as usize;
        let outputs = compute_chunk::<M, N>(grid, start, len, progress);
        let mut out_real = vec![0.0; 7 * len];
        let mut out_u32 = vec![0u32; 2 * len];
        for (i, o) in outputs.iter().enumerate() {
            for q in 0..7 {
                out_real[q * len + i] = o.real[q];
            }
            out_u32[2 * i] = o.cycles;
            out_u32[2 * i + 1] = o.status;
        }
        let (rp, thresholds) = pass.chunk_params(reds, start, len as u32);
        let mut part_real = vec![0.0; rp.n_blocks as usize * nr];
        let mut part_u32 = vec![0u32; 2 * part_real.len()];
        for j in 0..rp.n_blocks {
            reduce::fold_blocks(
                &rp,
                &thresholds,
                &out_real,
                &out_u32,
                &mut part_real,
                &mut part_u32,
                j,
            );
        }
        for c in 0..rp.n_cells {
            reduce::fold_cells(&rp, &part_real, &part_u32, &mut acc_real, &mut acc_u32, c);
        }
    }
    Accumulators::from_words(acc_real, &acc_u32)
}

/// Runs one reduction pass of `reds` on the CPU.
pub fn run_reduce(
    pass: &Pass,
    reds: &[Reduction],
    progress: &(dyn Fn(u64) + Sync),
) -> Accumulators {
    run_reduce_in_chunks(pass, reds, CHUNK, progress)
}

/// [`run_reduce`] with `chunk` points per chunk (tests cross chunk
/// boundaries with small ones).
pub fn run_reduce_in_chunks(
    pass: &Pass,
    reds: &[Reduction],
    chunk: usize,
    progress: &(dyn Fn(u64) + Sync),
) -> Accumulators {
    let chunk = chunk.max(1);
    match pass.traversal.model {
        ModelKind::Populations => reduce_model::<Population, 4>(pass, reds, chunk, progress),
        ModelKind::DensityMatrix => reduce_model::<DensityMatrix, 6>(pass, reds, chunk, progress),
    }
}

/// Runs the whole grid on the CPU; `progress` is told how many points are
/// done as blocks finish.
pub fn run(grid: &Grid, progress: &(dyn Fn(u64) + Sync)) -> SweepResults {
    run_range(grid, 0..grid.len(), progress)
}

/// Runs the flat (C-order) index range `range` of the grid: a shard.
pub fn run_range(grid: &Grid, range: Range<u64>, progress: &(dyn Fn(u64) + Sync)) -> SweepResults {
    match grid.model {
        ModelKind::Populations => run_model::<Population, 4>(grid, range, progress),
        ModelKind::DensityMatrix => run_model::<DensityMatrix, 6>(grid, range, progress),
    }
}
