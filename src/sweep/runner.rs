//! The sweep pipeline as one library call: the grid's full arrays chunk by
//! chunk with checkpoints, its reductions (or, in a shard, their partial
//! accumulators), and the run's info, ready to write.
//!
//! ```no_run
//! # use nessbat::prelude::*;
//! # use nessbat::sweep::runner::{Sweep, Mode};
//! # use nessbat::backend::Progress;
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let grid = Grid::new(SweepConfig::parse(nessbat::config::DEFAULT_CONFIG, "default")?)?;
//! let backend = Backend::choose(BackendChoice::Auto, None, &|n| eprintln!("{n}"))?;
//! let dir = std::path::Path::new("out/default");
//! let out = Sweep::new(&grid)
//!     .checkpoints(dir, 1 << 20, Mode::Fresh)
//!     .run(&backend, &Progress::NONE, &|n| eprintln!("{n}"))?;
//! out.write(dir, &|_| Ok(Vec::new()))?;
//! out.finish();
//! # Ok(())
//! # }
//! ```

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::error::Error;

use super::full::{run_full, Saving};
use crate::backend::progress::Progress;
use crate::backend::run::Backend;
use crate::grid::passes;
use crate::grid::Grid;
use crate::store::budget::{check_memory, check_space, fits_memory, streamed_chunk, Space};
pub use crate::store::checkpoint::Mode;
use crate::store::checkpoint::{identity, Checkpoint};
use crate::store::output::{self, FullSummary, RunInfo, Streamed};
use crate::store::reduced::{finish, Partial, Reduced};
use crate::store::results::SweepResults;
use crate::store::shard::Shard;
use nessbat_kernels::Precision;

/// A sweep to run: the grid, optionally a shard of it, optionally with
/// checkpoints in the output folder.
pub struct Sweep<'g> {
    grid: &'g Grid,
    shard: Option<Shard>,
    checkpoints: Option<(PathBuf, u64, Mode)>,
    checkpoint_every: Duration,
    /// Whether the caller wants the full arrays in memory (plots, Python);
    /// without it a sweep with an output folder only streams them.
    want_in_memory: bool,
}

/// How long finished chunks may wait before the journal records them,
/// unless the user sets another interval: their bytes are written in
/// place at once (src/store/stream.rs), and `kill -9` loses at most this
/// much work. Ctrl-C and errors record what is waiting.
pub const DEFAULT_CHECKPOINT_EVERY: Duration = Duration::from_secs(30);

/// Most chunks a sweep's full arrays are cut into.
const MAX_CHUNKS: u64 = 1 << 20;

/// Chunks a streamed run holds at once: the one computing, those queued
/// for the writer (src/sweep/full.rs) and the one being written.
const IN_FLIGHT: u64 = super::full::QUEUE as u64 + 2;

/// What a sweep produced: the full arrays (when the grid keeps them), the
/// finished reductions or, in a shard, their partial accumulators, and the
/// run's info (whose `computed` counts the point evaluations this run
/// made, once per reduction pass, for its rate).
pub struct SweepOutput<'g> {
    pub grid: &'g Grid,
    /// The full arrays in memory: None where the grid keeps none, or where
    /// they are larger than memory and were only streamed to disk.
    pub full: Option<SweepResults>,
    /// The full arrays' shape, kept arrays and status counts, wherever
    /// they are.
    pub full_summary: Option<FullSummary>,
    /// The full arrays streamed into the output folder's checkpoint, to be
    /// moved into place by [`Self::write`].
    pub streamed: Option<Streamed>,
    pub reduced: Vec<Reduced>,
    pub partial: Vec<Partial>,
    pub info: RunInfo,
    /// Grid points covered (the shard's, or the whole grid's).
    pub grid_points: u64,
    /// Full-array points restored from checkpoints instead of computed.
    pub restored: u64,
    checkpoint: Option<Checkpoint>,
}

/// What [`Sweep::resume`] did.
pub enum Resumed<'g> {
    /// Computed what was missing: the sweep's output, as [`Sweep::run`]'s.
    Ran(Box<SweepOutput<'g>>),
    /// The folder already holds this sweep, finished: nothing to do.
    Finished(PathBuf),
}

impl<'g> Sweep<'g> {
    pub fn new(grid: &'g Grid) -> Sweep<'g> {
        Sweep {
            grid,
            shard: None,
            checkpoints: None,
            checkpoint_every: DEFAULT_CHECKPOINT_EVERY,
            want_in_memory: true,
        }
    }

    /// Runs only this part of the grid (for job arrays; `merge` joins them).
    pub fn shard(mut self, shard: Option<Shard>) -> Sweep<'g> {
        self.shard = shard;
        self
    }

    /// Checkpoints chunks of `points` points into `dir`, the folder the
    /// results will be written to; `mode` says what an existing sweep
    /// there may become.
    pub fn checkpoints(mut self, dir: &Path, points: u64, mode: Mode) -> Sweep<'g> {
        self.checkpoints = Some((dir.to_path_buf(), points, mode));
        self
    }

    /// Whether to keep the full arrays in memory as well as stream them to
    /// the output folder (the default, where they fit): the CLI without
    /// plots needs only the files and the status counts, and saves the copy
    /// and its memory. Without an output folder they are always kept.
    pub fn in_memory(mut self, want: bool) -> Sweep<'g> {
        self.want_in_memory = want;
        self
    }

    /// Writes finished chunks as checkpoints once they have waited `every`
    /// (zero: each chunk as it finishes).
    pub fn checkpoint_every(mut self, every: Duration) -> Sweep<'g> {
        self.checkpoint_every = every;
        self
    }

    /// The flat index range this sweep covers.
    pub fn range(&self) -> Result<Range<u64>, Error> {
        match &self.shard {
            Some(s) => s.range(self.grid.len()),
            None => Ok(0..self.grid.len()),
        }
    }

    /// Whether the full arrays are kept in memory as well as streamed to
    /// disk (they fit the memory budget): plots and Python need them. A
    /// grid larger than memory runs only with an output folder.
    pub fn full_in_memory(&self, backend: &Backend) -> Result<bool, Error> {
        let range = self.range()?;
        let bytes = backend.info(&Default::default()).precision.bytes();
        Ok(!self.grid.full_arrays()
            || fits_memory(range.end - range.start, bytes, self.grid.outputs)?)
    }

    /// Points the progress callback will count: the full arrays once,
    /// plus the range once per reduction pass.
    pub fn total_points(&self) -> Result<u64, Error> {
        let range = self.range()?;
        let n = range.end - range.start;
        let passes = passes::passes(self.grid, &self.grid.reductions)?.len() as u64;
        Ok(if self.grid.full_arrays() { n } else { 0 } + passes * n)
    }

    /// Continues the sweep interrupted in `dir` (checkpoint chunks of
    /// `points` where it starts fresh): what [`Sweep::run`] does, but a
    /// folder that already holds this sweep, finished, is an outcome
    /// ([`Resumed::Finished`]), not an error.
    pub fn resume(
        self,
        dir: &Path,
        points: u64,
        backend: &Backend,
        progress: &Progress,
        notice: &dyn Fn(&str),
    ) -> Result<Resumed<'g>, Error> {
        match self
            .checkpoints(dir, points, Mode::Resume)
            .run(backend, progress, notice)
        {
            Ok(out) => Ok(Resumed::Ran(Box::new(out))),
            Err(Error::Finished(dir)) => Ok(Resumed::Finished(dir)),
            Err(e) => Err(e),
        }
    }

    /// Runs the sweep. `progress` gets points as they finish; `notice`
    /// one-line messages (reused or damaged checkpoints). Under
    /// [`Mode::Resume`] a folder holding this sweep finished is
    /// [`Error::Finished`]; [`Sweep::resume`] makes that an outcome.
    pub fn run(
        &self,
        backend: &Backend,
        progress: &Progress,
        notice: &dyn Fn(&str),
    ) -> Result<SweepOutput<'g>, Error> {
        let started = Instant::now();
        let grid = self.grid;
        let range = self.range()?;
        let info0 = backend.info(&Default::default());
        let id = identity(grid, info0.precision.name(), &range, info0.backend.name());
        let full_points = if grid.full_arrays() {
            range.end - range.start
        } else {
            0
        };
        // Before anything is made: the arrays must fit in memory, or be
        // streamed to disk only.
        let keep =
            self.full_in_memory(backend)? && (self.want_in_memory || self.checkpoints.is_none());
        if self.checkpoints.is_none() {
            check_memory(full_points, info0.precision.bytes(), grid.outputs)?;
        }
        let mut ckpt = match &self.checkpoints {
            Some((dir, points, mode)) => {
                let bytes = info0.precision.bytes();
                // Streamed only, the chunk computing, the ones queued and the
                // one being written must fit the memory budget.
                let points = match keep {
                    true => *points,
                    false => streamed_chunk(*points, bytes, grid.outputs, IN_FLIGHT)?,
                };
                // At most MAX_CHUNKS chunks: each costs bookkeeping in
                // memory and a journal line (found: a chunk of one point over
                // 10^7 points held 944 MB).
                let points = points.max(full_points.div_ceil(MAX_CHUNKS));
                let space = Space {
                    points: full_points,
                    real_bytes: bytes,
                    outputs: grid.outputs,
                    chunks: full_points.div_ceil(points.max(1)),
                    metadata: Space::metadata_for(
                        grid.axes.iter().map(|a| a.values.len() as u64).sum(),
                    ),
                };
                check_space(dir, &space, *mode)?;
                match Checkpoint::open(dir, &id, points, *mode)? {
                    Some(c) => {
                        if c.nothing_to_resume {
                            notice(&format!(
                                "notice: --resume: {} holds no sweep to continue; starting it fresh",
                                dir.display()
                            ));
                        }
                        // The journal's chunks are the interrupted run's:
                        // say so where they are larger than this run asks
                        // (a lower memory budget, or --checkpoint-points).
                        if c.chunk > points {
                            notice(&format!(
                                "notice: --resume continues in the interrupted run's chunks of {} points (about {:.0} MB each in memory), not {points}; --force starts over with the smaller ones",
                                c.chunk,
                                crate::store::budget::array_bytes(c.chunk, bytes, grid.outputs) as f64 / 1e6
                            ));
                        }
                        Some(c)
                    }
                    None => return Err(Error::Finished(dir.clone())),
                }
            }
            None => None,
        };
        if let (Some(c), true) = (ckpt.as_mut(), grid.full_arrays()) {
            let f64s = info0.precision == Precision::F64;
            c.arrays(&grid.result_shape(&range), f64s, grid.outputs)?;
        }
        let evaluations = self.total_points()?;
        let mut restored = 0;
        let mut info = info0;
        let mut wall = 0.0;
        let mut full_summary = None;
        let full = if grid.full_arrays() {
            let out_dir = self.checkpoints.as_ref().map(|(d, _, _)| d.as_path());
            let saving = ckpt.as_mut().map(|c| Saving {
                checkpoint: c,
                dir: out_dir.unwrap_or(Path::new("")),
                every: self.checkpoint_every,
            });
            let run = run_full(grid, backend, saving, &range, progress, keep)?;
            full_summary = Some(run.summary);
            restored = run.restored;
            wall += run.wall;
            if let Some(i) = run.info {
                info = i;
            }
            if let Some(c) = &ckpt {
                for d in &c.damaged {
                    notice(&format!(
                        "notice: checkpoint {d} was damaged or truncated; recomputed"
                    ));
                }
                if c.reused > 0 {
                    notice(&format!(
                        "notice: resumed: {} checkpoint chunks reused",
                        c.reused
                    ));
                }
            }
            run.res
        } else {
            None
        };
        // Reductions: finished arrays, or in a shard each pass's
        // accumulators over the shard's range of the pass's traversal.
        let (mut reduced, mut partial) = (Vec::new(), Vec::new());
        if !grid.reductions.is_empty() {
            if matches!(&self.checkpoints, Some((_, _, Mode::Resume))) {
                notice("notice: reductions keep no checkpoints; --resume recomputes them");
            }
            let (done, run_info, _) = backend.reduce_range(grid, range.clone(), progress)?;
            wall += run_info.compute_seconds;
            info.setup_seconds += run_info.setup_seconds;
            // Each pass's recomputed points count, as its evaluations do.
            info.recomputed_f64 += run_info.recomputed_f64;
            info.rescued += run_info.rescued;
            if full.is_none() {
                info.adapter = run_info.adapter;
            }
            if self.shard.is_some() {
                partial = done
                    .iter()
                    .enumerate()
                    .map(|(p, (pass, acc))| Partial::of(p, pass, acc, &range))
                    .collect();
            } else {
                reduced = finish(grid, &done);
            }
        }
        info.compute_seconds = wall;
        info.elapsed_seconds = started.elapsed().as_secs_f64();
        info.computed = evaluations - restored;
        info.identity = Some(id);
        info.shard = self.shard.map(
            |s| serde_json::json!({"k": s.k, "n": s.n, "start": range.start, "end": range.end}),
        );
        let streamed = match (&ckpt, &full_summary) {
            (Some(c), Some(summary)) => Some(Streamed {
                summary: summary.clone(),
                files: c.array_paths(),
                checksums: c.array_checksums(),
            }),
            _ => None,
        };
        Ok(SweepOutput {
            grid,
            full,
            full_summary,
            streamed,
            reduced,
            partial,
            info,
            grid_points: range.end - range.start,
            restored,
            checkpoint: ckpt,
        })
    }
}

impl SweepOutput<'_> {
    /// Writes the arrays, metadata.json and `extra`'s files (plots) into
    /// `dir`, staged so that nothing is half-written. [`Self::finish`]
    /// then removes the checkpoints.
    pub fn write(&self, dir: &Path, extra: output::Extra) -> std::io::Result<()> {
        output::write(dir, self.grid, &self.to_write(), &self.info, extra)
    }

    /// metadata.json as [`Self::write`] records it, but without file
    /// checksums (nothing is written): what Python attaches to a Dataset.
    pub fn metadata(&self) -> serde_json::Value {
        output::metadata(
            self.grid,
            &self.to_write(),
            &self.info,
            &serde_json::Map::new(),
        )
    }

    fn to_write(&self) -> output::ToWrite<'_> {
        output::ToWrite {
            full: self.full.as_ref(),
            streamed: self.streamed.as_ref(),
            reduced: &self.reduced,
            partial: &self.partial,
        }
    }

    /// Removes the checkpoints of a sweep that has been written.
    pub fn finish(self) {
        if let Some(c) = self.checkpoint {
            c.finish();
        }
    }
}
