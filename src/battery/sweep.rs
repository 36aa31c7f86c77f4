//! A battery grid's every point on every core, into one array per figure
//! (C order over the axes) and a status array: what `nessbat sweep` writes
//! for a `[battery]` config and Python's `nessbat.sweep` returns.
//!
//! The arrays are held in memory: a grid whose arrays do not fit the
//! memory the run may hold is refused before any work, naming the sizes.

use std::time::Instant;

use super::checkpoint::Saver;
pub use super::figure::Figure;
use super::gpu::GpuStrokes;
use super::grid::BatteryGrid;
use super::reduce::{self, BatteryReduction, Folding};
use super::status::{BatteryFigures, BatteryStatus};
use crate::backend::Progress;
use crate::error::Error;
use crate::store::reduced::{Accumulators, Reduced};

/// The figures of `grid` that `outputs` names (all where None); errors
/// name what is accepted.
pub fn kept(grid: &BatteryGrid, outputs: Option<&[String]>) -> Result<Vec<Figure>, Error> {
    let all = Figure::all(grid.names.len());
    let Some(names) = outputs else {
        return Ok(all);
    };
    let mut kept = Vec::new();
    for n in names {
        let n = n.trim();
        if n == "status" {
            continue;
        }
        match all.iter().find(|f| f.name(&grid.names) == n) {
            Some(f) if !kept.contains(f) => kept.push(*f),
            Some(_) => {}
            None => {
                return Err(Error::Config(format!(
                    "outputs: {n:?} is not an array of this battery; accepted: {}, status",
                    all.iter()
                        .map(|f| f.name(&grid.names))
                        .collect::<Vec<_>>()
                        .join(", ")
                )))
            }
        }
    }
    // In output order, whatever the order asked.
    Ok(all.into_iter().filter(|f| kept.contains(f)).collect())
}

/// A battery sweep's arrays.
#[derive(Debug, Clone)]
pub struct BatteryArrays {
    pub shape: Vec<usize>,
    /// One array per kept figure, C order; none where the sweep keeps no
    /// full arrays (reductions only).
    pub arrays: Vec<(Figure, Vec<f64>)>,
    /// `BatteryStatus::code` per point; empty without full arrays.
    pub status: Vec<u8>,
    /// Points per status, in `BatteryStatus::ALL` order.
    pub counts: Vec<(BatteryStatus, u64)>,
    /// The reductions' arrays, in config order.
    pub reduced: Vec<Reduced>,
    /// Their accumulators, in config order: what a shard writes for
    /// `nessbat merge` to fold.
    pub accumulators: Vec<Accumulators>,
    /// Seconds in the rayon loop.
    pub compute_seconds: f64,
    /// Points taken from a checkpoint rather than computed (--resume).
    pub restored: u64,
    /// Points whose NESS and OSS the GPU solved and the host's check
    /// accepted (the rest of a GPU sweep's were solved on the host).
    pub solved_on_device: u64,
}

impl BatteryArrays {
    /// Points per status, in `BatteryStatus::ALL` order.
    pub fn counts(&self) -> Vec<(BatteryStatus, u64)> {
        self.counts.clone()
    }

    /// Points flagged (a number was sought and not resolved: not
    /// converged or imprecise), which reductions, searches and fronts
    /// leave out and count.
    pub fn flagged(&self) -> u64 {
        self.counts
            .iter()
            .filter(|(s, _)| s.flagged())
            .map(|(_, c)| c)
            .sum()
    }
}

/// What a battery sweep keeps: the full arrays of `figures` (where
/// `full`), and the reductions.
#[derive(Debug, Clone)]
pub struct Plan {
    pub figures: Vec<Figure>,
    pub full: bool,
    pub reductions: Vec<BatteryReduction>,
    /// The flat range of points to run (a shard); None: the whole grid.
    pub range: Option<std::ops::Range<u64>>,
}

impl Plan {
    /// The plan of `grid`'s config, with the arrays `outputs` names (all
    /// where None); errors name what is accepted.
    pub fn new(grid: &BatteryGrid, outputs: Option<&[String]>) -> Result<Plan, Error> {
        let figures = kept(grid, outputs)?;
        let reductions = reduce::check(grid)?;
        let full = reduce::full_arrays(grid, &reductions);
        Ok(Plan {
            figures,
            full,
            reductions,
            range: None,
        })
    }

    /// Every figure in full arrays, no reductions.
    pub fn full(figures: &[Figure]) -> Plan {
        Plan {
            figures: figures.to_vec(),
            full: true,
            reductions: Vec::new(),
            range: None,
        }
    }

    /// Bytes the sweep holds: its full arrays and reduced cells.
    /// The points it runs: its range, or the whole grid.
    pub fn points(&self, grid: &BatteryGrid) -> std::ops::Range<u64> {
        self.range.clone().unwrap_or(0..grid.len())
    }

    pub fn bytes(&self, grid: &BatteryGrid) -> u64 {
        let points = self.points(grid);
        let full = match self.full {
            true => bytes(points.end - points.start, self.figures.len()),
            false => 0,
        };
        full.saturating_add(reduce::bytes(grid, &self.reductions))
    }

    /// The full arrays kept (none without full arrays).
    pub fn arrays(&self) -> usize {
        if self.full {
            self.figures.len()
        } else {
            0
        }
    }
}

/// Points per block between progress reports and stop checks, at most.
const BLOCK: u64 = 1 << 14;
/// Points per block at least (and the first block's).
const MIN_BLOCK: u64 = 64;
/// Seconds a block should take.
const BLOCK_SECONDS: f64 = 0.25;

/// Bytes the arrays of a grid of `points` points with `figures` arrays
/// take (f64 each, and a byte of status).
pub fn bytes(points: u64, figures: usize) -> u64 {
    points.saturating_mul(8 * figures as u64 + 1)
}

/// Checks that what `plan` holds of `grid` fits the memory the run may
/// hold; a grid larger is refused naming the sizes.
pub fn check_memory(grid: &BatteryGrid, plan: &Plan) -> Result<(), Error> {
    let n = grid.len();
    crate::store::budget::fits_memory_for(
        plan.bytes(grid),
        &format!("holding the arrays of {n} battery points"),
        "fewer arrays (outputs = [...] or --outputs), reductions with full_arrays = false, or fewer points",
    )
}

/// Every point of `grid`, keeping `figures` in full arrays: on the CPU
/// backend, or with the strokes on the GPU where `gpu` is given
/// (battery::gpu).
pub fn run(
    grid: &BatteryGrid,
    figures: &[Figure],
    progress: &Progress,
    gpu: Option<&GpuStrokes>,
) -> Result<BatteryArrays, Error> {
    run_plan(grid, &Plan::full(figures), progress, gpu)
}

/// Every point of `grid`, keeping what `plan` says.
pub fn run_plan(
    grid: &BatteryGrid,
    plan: &Plan,
    progress: &Progress,
    gpu: Option<&GpuStrokes>,
) -> Result<BatteryArrays, Error> {
    run_range(grid, plan, plan.points(grid), progress, gpu)
}

/// The points `range` of `grid` (C order: a shard), keeping what `plan`
/// says: full arrays over the range, the reductions over the cells it
/// touches.
pub fn run_range(
    grid: &BatteryGrid,
    plan: &Plan,
    range: std::ops::Range<u64>,
    progress: &Progress,
    gpu: Option<&GpuStrokes>,
) -> Result<BatteryArrays, Error> {
    run_saving(grid, plan, progress, gpu, None, range)
}

/// The points `range` of `grid`, keeping what `plan` says, with the
/// checkpoint `saver` where given: the chunks it found are used in place
/// of computing, and what is computed is kept in it; on Ctrl-C every
/// point computed is written before [`Error::Interrupted`] returns.
pub fn run_saving(
    grid: &BatteryGrid,
    plan: &Plan,
    progress: &Progress,
    gpu: Option<&GpuStrokes>,
    mut saver: Option<&mut Saver>,
    range: std::ops::Range<u64>,
) -> Result<BatteryArrays, Error> {
    check_memory(grid, plan)?;
    let (first, n) = (range.start, range.end);
    let full = |len: u64| if plan.full { len as usize } else { 0 };
    let mut arrays: Vec<(Figure, Vec<f64>)> = match plan.full {
        true => plan
            .figures
            .iter()
            .map(|f| (*f, vec![0.0; full(n)]))
            .collect(),
        false => Vec::new(),
    };
    let mut status = vec![0u8; full(n - first)];
    let mut counts = vec![0u64; BatteryStatus::ALL.len()];
    let mut folding = Folding::new(grid, &plan.reductions);
    let started = Instant::now();
    let mut start = first;
    let mut restored_points = 0;
    // Points per block, adapted as the sweep runs (below).
    let mut blocks = MIN_BLOCK;
    let mut solved_on_device = 0;
    while start < n {
        if progress.stopped() {
            if let Some(s) = saver.as_deref_mut() {
                s.write_all()?;
            }
            return Err(Error::Interrupted);
        }
        let restored = saver.as_deref_mut().and_then(|s| s.restored(start));
        let (end, block) = match restored {
            Some((end, block)) => {
                restored_points += end - start;
                (end, block)
            }
            None => {
                let most = gpu.map_or(BLOCK, |g| g.block(grid.names.len()));
                let chunk = saver.as_deref().map_or(u64::MAX, Saver::chunk);
                let next = saver
                    .as_deref()
                    .map_or(u64::MAX, |s| s.next_found(start + 1));
                let end = (start + blocks.min(most).min(chunk)).min(n).min(next);
                let began = Instant::now();
                let block: Vec<BatteryFigures> = match gpu {
                    Some(g) => {
                        let (block, solved) = super::gpu::points(grid, start..end, g)?;
                        solved_on_device += solved;
                        block
                    }
                    None => super::strokes::cpu_points(grid, start..end),
                };
                if let Some(s) = saver.as_deref_mut() {
                    s.keep(start, &block)?;
                }
                // The next block sized to about BLOCK_SECONDS at this rate,
                // so that Ctrl-C and the checkpoint interval are heard
                // within it, however slow the points.
                let took = began.elapsed().as_secs_f64().max(1e-6);
                let rate = (end - start) as f64 / took;
                blocks = ((rate * BLOCK_SECONDS) as u64).clamp(MIN_BLOCK, BLOCK);
                (end, block)
            }
        };
        for (j, f) in block.iter().enumerate() {
            let at = (start - first) as usize + j;
            let k = BatteryStatus::ALL.iter().position(|s| *s == f.status);
            counts[k.expect("every status is in ALL")] += 1;
            if plan.full {
                status[at] = f.status.code();
                for (fig, a) in arrays.iter_mut() {
                    a[at] = fig.of(f);
                }
            }
        }
        folding.fold(start, &block);
        progress.add(end - start);
        start = end;
    }
    let whole = first == 0 && n == grid.len();
    let accumulators = folding.accumulators().into_iter().cloned().collect();
    Ok(BatteryArrays {
        shape: match whole {
            true => grid.shape(),
            false => vec![(n - first) as usize],
        },
        arrays,
        status,
        counts: BatteryStatus::ALL.iter().copied().zip(counts).collect(),
        reduced: folding.finish(),
        accumulators,
        compute_seconds: started.elapsed().as_secs_f64(),
        restored: restored_points,
        solved_on_device,
    })
}
