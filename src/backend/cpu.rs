//! The CPU backend: the kernels' f64 twins on every core (rayon).

use std::ops::Range;

use rayon::prelude::*;

use crate::backend::progress::Progress;
use crate::config::reduce::{Pass, Reduction};
use crate::grid::Grid;
use crate::model::ModelKind;
use crate::store::reduced::Accumulators;
use crate::store::results::{store, FloatsFlat, SweepResults};
use crate::twin::density_matrix::DensityMatrix;
use crate::twin::extract::KernelModel;
use crate::twin::population::Population;
use crate::twin::reduce;
use crate::twin::{run_point, PointOutput, SweepParams};

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

/// Points computed before they are scattered into the arrays: bounds the
/// extra memory to one chunk whatever the grid size.
const CHUNK: usize = 1 << 20;

/// The outputs of the `n` points of one parameter block.
///
/// Compiled twice: for the baseline x86-64 target and, chosen at run time
/// where the CPU has them, with AVX2 and FMA. The baseline must call
/// libm's `fma` for every `mul_add` (its software path checks the CPU
/// on each call) and cannot use 256-bit vectors; callgrind put 39 % of the
/// baseline's instructions in `fma` alone, and the AVX2/FMA build runs
/// about 5x faster. The twins are `#[inline(always)]` so that the whole
/// point computation is compiled with the caller's features. Results are
/// the same bit for bit: `mul_add` is exactly rounded either way, and
/// without fast-math LLVM neither contracts `a * b + c` nor reorders
/// sums (tests check it).
pub fn run_block<M: KernelModel<N>, const N: usize>(
    params: &SweepParams,
    values: &[f64],
    n: u32,
) -> Vec<PointOutput> {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
        // SAFETY: the CPU has both features, just detected.
        return unsafe { run_block_avx2_fma::<M, N>(params, values, n) };
    }
    run_block_baseline::<M, N>(params, values, n)
}

/// [`run_block`] without the run-time choice: the baseline build.
#[inline(always)]
pub fn run_block_baseline<M: KernelModel<N>, const N: usize>(
    params: &SweepParams,
    values: &[f64],
    n: u32,
) -> Vec<PointOutput> {
    // A plain loop, not an iterator chain: `collect` would put the loop
    // body in a library function compiled for the baseline target.
    let mut out = Vec::with_capacity(n as usize);
    for i in 0..n {
        out.push(run_point::<M, N>(params, values, i));
    }
    out
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn run_block_avx2_fma<M: KernelModel<N>, const N: usize>(
    params: &SweepParams,
    values: &[f64],
    n: u32,
) -> Vec<PointOutput> {
    run_block_baseline::<M, N>(params, values, n)
}

/// The outputs of the flat range [first, first + len) of `grid`, computed
/// in parallel blocks.
fn compute_chunk<M: KernelModel<N>, const N: usize>(
    grid: &Grid,
    first: u64,
    len: usize,
    progress: &Progress,
) -> Vec<PointOutput> {
    (0..len)
        .step_by(block(len))
        .collect::<Vec<_>>()
        .into_par_iter()
        .map(|start| {
            let n = block(len).min(len - start);
            // Once stopped, the remaining blocks are left as placeholders:
            // the backend answers Interrupted and nobody reads them.
            if progress.stopped() {
                return vec![PointOutput::default(); n];
            }
            let params: SweepParams = grid.chunk_params(first + start as u64, n as u32);
            let out = run_block::<M, N>(&params, &grid.values, n as u32);
            progress.add(n as u64);
            out
        })
        .flatten_iter()
        .collect()
}

fn run_model<M: KernelModel<N>, const N: usize>(
    grid: &Grid,
    range: Range<u64>,
    progress: &Progress,
) -> SweepResults {
    let mut res = SweepResults::new_f64(grid.result_shape(&range));
    let (n, first) = (res.len(), range.start);
    let FloatsFlat::F64(real) = &mut res.real else {
        unreachable!()
    };
    for chunk in (0..n).step_by(CHUNK) {
        if progress.stopped() {
            break;
        }
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
    range: Range<u64>,
    chunk: usize,
    progress: &Progress,
) -> Accumulators {
    let grid = &pass.traversal;
    let total = range.end;
    let nr = pass.members.len();
    let mut acc_real = vec![0.0; pass.cells as usize * nr];
    let mut acc_u32 = vec![0u32; 4 * acc_real.len()];
    for start in (range.start..total).step_by(chunk) {
        if progress.stopped() {
            break;
        }
        let len = (total - start).min(chunk as u64) as usize;
        let outputs = compute_chunk::<M, N>(grid, start, len, progress);
        let mut out_real = vec![0.0; crate::twin::N_OUTPUTS * len];
        let mut out_u32 = vec![0u32; 2 * len];
        for (i, o) in outputs.iter().enumerate() {
            for q in 0..crate::twin::N_OUTPUTS {
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

/// Runs the flat (C-order) index range `range` of the grid: a shard.
/// Recomputes in f64, with the CPU twin, every point of `res` (flat
/// indices from `first` on) that an f32 kernel flagged imprecise (status
/// 3), and stores the f64 figures, rounded to f32, with their own status:
/// f32 keeps its speed where it resolves the point, and status 0 keeps
/// meaning the contract holds. Returns how many points it recomputed.
pub fn recompute_imprecise(grid: &Grid, first: u64, res: &mut SweepResults) -> u64 {
    let flagged: Vec<usize> = (0..res.len()).filter(|&i| res.status[i] == 3).collect();
    let outputs: Vec<PointOutput> = flagged
        .par_iter()
        .map(|&i| {
            let params = grid.chunk_params(first + i as u64, 1);
            match grid.model {
                ModelKind::Populations => run_point::<Population, 4>(&params, &grid.values, 0),
                ModelKind::DensityMatrix => run_point::<DensityMatrix, 6>(&params, &grid.values, 0),
            }
        })
        .collect();
    let FloatsFlat::F32(real) = &mut res.real else {
        return 0;
    };
    for (&i, o) in flagged.iter().zip(&outputs) {
        store(
            real,
            &mut res.cycles,
            &mut res.status,
            i,
            o.real.map(|v| v as f32),
            o.cycles,
            o.status,
        );
    }
    flagged.len() as u64
}

pub fn run_range(grid: &Grid, range: Range<u64>, progress: &Progress) -> SweepResults {
    match grid.model {
        ModelKind::Populations => run_model::<Population, 4>(grid, range, progress),
        ModelKind::DensityMatrix => run_model::<DensityMatrix, 6>(grid, range, progress),
    }
}
