//! The CPU backend: the kernels' f64 twins on every core (rayon), on the
//! widest SIMD lanes the CPU has (the kernel crate's `lanes::dispatch`).

pub mod rescue;
pub mod sink;

pub use nessbat_kernels::lanes::{run_block, run_block_with, run_points, CpuLanes, LaneSink};
pub use rescue::rescue_imprecise;

use nessbat_kernels::layout::Status;
use std::ops::Range;

use rayon::prelude::*;

use crate::backend::progress::Progress;
use crate::config::reduce::Reduction;
use crate::grid::passes::Pass;
use crate::grid::Grid;
use crate::model::ModelKind;
use crate::store::reduced::Accumulators;
use crate::store::results::{FloatsFlat, SweepResults};
use nessbat_kernels::density_matrix::DensityMatrix;
use nessbat_kernels::extract::StateSpace;
use nessbat_kernels::population::Population;
use nessbat_kernels::reduce;
use nessbat_kernels::{PointOutput, N_OUTPUTS};
use sink::{BlockOut, StatusOut};

/// Points per rayon task: large enough to amortise scheduling, small enough
/// to balance the cores and to move the progress bar.
const BLOCK: usize = 4096;
/// Fewest points per task: below this, scheduling costs more than it
/// balances.
const MIN_BLOCK: usize = 64;

/// Points per task for a chunk of `len`: [`BLOCK`], or less for small
/// chunks so that every core gets about four tasks (a 4,096-point sweep
/// would otherwise be one task on one core).
fn block(len: usize) -> usize {
    let tasks = 4 * rayon::current_num_threads();
    len.div_ceil(tasks).clamp(MIN_BLOCK, BLOCK)
}

/// Points per reduction chunk: bounds the extra memory (the chunk's
/// outputs, before they are folded) whatever the grid size.
const CHUNK: usize = 1 << 20;

/// The flat range [first, first + blocks' points) of `grid` into
/// `blocks`, in parallel: `size` points per block.
fn run_blocks<M: StateSpace<N>, const N: usize>(
    grid: &Grid,
    lanes: CpuLanes,
    first: u64,
    blocks: Vec<BlockOut>,
    size: usize,
    progress: &Progress,
) {
    blocks.into_par_iter().enumerate().for_each(|(b, mut out)| {
        // Once stopped, the remaining blocks stay zero: the backend
        // answers Interrupted and nobody reads them.
        if progress.stopped() {
            return;
        }
        let len = out.len() as u32;
        let params = grid.chunk_params(first + (b * size) as u64, len);
        run_points::<M, N, _>(lanes, &params, &grid.values, len, |k| k, &mut out);
        progress.add(u64::from(len));
    });
}

fn run_model<M: StateSpace<N>, const N: usize>(
    grid: &Grid,
    lanes: CpuLanes,
    range: Range<u64>,
    progress: &Progress,
) -> SweepResults {
    let mut res = SweepResults::new(grid.result_shape(&range), true, grid.outputs);
    let FloatsFlat::F64(real) = &mut res.real else {
        unreachable!()
    };
    let size = block(res.status.len());
    let real = real.each_mut().map(|v| v.as_mut_slice());
    let blocks = sink::split(
        real,
        &mut res.cycles,
        StatusOut::Codes(&mut res.status),
        size,
    );
    run_blocks::<M, N>(grid, lanes, range.start, blocks, size, progress);
    res
}

/// Runs one reduction pass: the kernels' twins chunk by chunk, with the
/// chunk outputs laid out as the GPU's out_real and out_u32.
fn reduce_model<M: StateSpace<N>, const N: usize>(
    pass: &Pass,
    reds: &[Reduction],
    range: Range<u64>,
    chunk: usize,
    progress: &Progress,
) -> Accumulators {
    let grid = &pass.traversal;
    let total = range.end;
    let nr = pass.members.len();
    let mut acc_real = vec![0.0; pass.cells as usize * nr];
    let mut acc_u32 = vec![0u32; 4 * acc_real.len()];
    let mut flagged = Accumulators::empty(acc_real.len());
    for start in (range.start..total).step_by(chunk) {
        if progress.stopped() {
            break;
        }
        let len = (total - start).min(chunk as u64) as usize;
        let mut out_real = vec![0.0; N_OUTPUTS * len];
        let (mut cycles, mut words) = (vec![0u32; len], vec![0u32; len]);
        let size = block(len);
        let mut rows = out_real.chunks_mut(len);
        let real = [(); N_OUTPUTS].map(|_| rows.next().expect("N_OUTPUTS rows"));
        let blocks = sink::split(real, &mut cycles, StatusOut::Words(&mut words), size);
        run_blocks::<M, N>(grid, CpuLanes::best(), start, blocks, size, progress);
        // What f64 flags, double-double rescues before the fold, as it does
        // for the full arrays.
        flagged.rescued += rescue::rescue_rows(grid, start, &mut out_real, &mut cycles, &mut words);
        flagged.count_flagged(&words, start, pass.cell_len, nr);
        // The GPU's layout: the status words, then the cycles.
        let mut out_u32 = words;
        out_u32.extend_from_slice(&cycles);
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
    let mut acc = Accumulators::from_words(acc_real, &acc_u32);
    acc.flagged = flagged.flagged;
    acc.rescued = flagged.rescued;
    acc
}

/// Runs one reduction pass of `reds` on the CPU over the traversal index
/// range `range` (the whole grid, or a shard of it).
pub fn run_reduce(
    pass: &Pass,
    reds: &[Reduction],
    range: Range<u64>,
    progress: &Progress,
) -> Accumulators {
    run_reduce_in_chunks(pass, reds, range, CHUNK, progress)
}

/// [`run_reduce`] with `chunk` points per chunk (tests cross chunk
/// boundaries with small ones).
pub fn run_reduce_in_chunks(
    pass: &Pass,
    reds: &[Reduction],
    range: Range<u64>,
    chunk: usize,
    progress: &Progress,
) -> Accumulators {
    let chunk = chunk.max(1);
    match pass.traversal.model {
        ModelKind::Populations => reduce_model::<Population, 4>(pass, reds, range, chunk, progress),
        ModelKind::DensityMatrix => {
            reduce_model::<DensityMatrix, 6>(pass, reds, range, chunk, progress)
        }
    }
}

/// Runs the whole grid on the CPU; `progress` is told how many points are
/// done as blocks finish.
pub fn run(grid: &Grid, progress: &Progress) -> SweepResults {
    run_range(grid, 0..grid.len(), progress)
}

/// Recomputes in f64, with the CPU twin, every point of `res` (flat
/// indices from `first` on) that an f32 kernel flagged imprecise (status
/// 3), and stores the f64 figures, rounded to f32, with their own status:
/// f32 keeps its speed where it resolves the point, and status 0 keeps
/// meaning the contract holds. Returns how many points it recomputed.
pub fn recompute_imprecise(grid: &Grid, first: u64, res: &mut SweepResults) -> u64 {
    let flagged: Vec<usize> = (0..res.len())
        .filter(|&i| Status::Imprecise.is(res.status[i]))
        .collect();
    let outputs: Vec<PointOutput> = flagged
        .par_chunks(block(flagged.len()))
        .flat_map_iter(|part| recompute_part(grid, first, part))
        .collect();
    if !matches!(res.real, FloatsFlat::F32(_)) {
        return 0;
    }
    for (&i, o) in flagged.iter().zip(&outputs) {
        rescue::store_output(res, i, o);
    }
    flagged.len() as u64
}

/// The f64 outputs of the points `part` (ascending offsets from flat index
/// `first`), on the SIMD lanes: one parameter block from the part's first
/// point, whose chunk indices are 32-bit, so a part spanning more points
/// than that goes point by point.
fn recompute_part(grid: &Grid, first: u64, part: &[usize]) -> Vec<PointOutput> {
    let (base, last) = (part[0], part[part.len() - 1]);
    let Ok(span) = u32::try_from(last - base + 1) else {
        return part
            .iter()
            .flat_map(|&i| recompute_part(grid, first, &[i]))
            .collect();
    };
    let params = grid.chunk_params(first + base as u64, span);
    let at = |k: u32| (part[k as usize] - base) as u32;
    let (n, lanes) = (part.len() as u32, CpuLanes::best());
    let mut out = Vec::with_capacity(part.len());
    match grid.model {
        ModelKind::Populations => {
            run_points::<Population, 4, _>(lanes, &params, &grid.values, n, at, &mut out)
        }
        ModelKind::DensityMatrix => {
            run_points::<DensityMatrix, 6, _>(lanes, &params, &grid.values, n, at, &mut out)
        }
    }
    out
}

/// Runs the flat (C-order) index range `range` of the grid: a shard.
pub fn run_range(grid: &Grid, range: Range<u64>, progress: &Progress) -> SweepResults {
    run_range_on(grid, CpuLanes::best(), range, progress)
}

/// [`run_range`] on the given lanes (`nessbat bench` times each width).
pub fn run_range_on(
    grid: &Grid,
    lanes: CpuLanes,
    range: Range<u64>,
    progress: &Progress,
) -> SweepResults {
    match grid.model {
        ModelKind::Populations => run_model::<Population, 4>(grid, lanes, range, progress),
        ModelKind::DensityMatrix => run_model::<DensityMatrix, 6>(grid, lanes, range, progress),
    }
}
