//! The CPU backend: the kernels' f64 twins on every core (rayon).

use std::ops::Range;

use rayon::prelude::*;

use super::grid::Grid;
use super::results::{store, FloatsFlat, SweepResults};
use crate::model::ModelKind;
use crate::twin::density_matrix::DensityMatrix;
use crate::twin::extract::KernelModel;
use crate::twin::population::Population;
use crate::twin::{run_point, PointOutput, SweepParams};

/// Points per rayon task: large enough to amortise scheduling, small enough
/// to balance two cores and to move the progress bar.
const BLOCK: usize = 4096;

/// Points computed before they are scattered into the arrays: bounds the
/// extra memory to one chunk whatever the grid size.
const CHUNK: usize = 1 << 20;

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
        let outputs: Vec<Vec<PointOutput>> = (chunk..end)
            .step_by(BLOCK)
            .collect::<Vec<_>>()
            .into_par_iter()
            .map(|start| {
                let len = BLOCK.min(end - start);
                let params: SweepParams = grid.chunk_params(first + start as u64, len as u32);
                let out = (0..len as u32)
                    .map(|i| run_point::<M, N>(&params, &grid.values, i))
                    .collect();
                progress(len as u64);
                out
            })
            .collect();
        for (k, o) in outputs.into_iter().flatten().enumerate() {
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
