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
//! if let Some(out) = Sweep::new(&grid)
//!     .checkpoints(dir, 1 << 20, Mode::Fresh)
//!     .run(&backend, &Progress::NONE, &|n| eprintln!("{n}"))?
//! {
//!     out.write(dir, &|_| Ok(Vec::new()))?;
//!     out.finish();
//! }
//! # Ok(())
//! # }
//! ```

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::error::Error;

use crate::backend::gpu::shader_source::Precision;
use crate::backend::progress::Progress;
use crate::backend::run::Backend;
use crate::config::reduce;
use crate::grid::Grid;
pub use crate::store::checkpoint::Mode;
use crate::store::checkpoint::{check_memory, check_space, identity, Checkpoint};
use crate::store::output::{self, RunInfo};
use crate::store::reduced::{finish, Partial, Reduced};
use crate::store::results::SweepResults;
use crate::store::shard::Shard;

/// A sweep to run: the grid, optionally a shard of it, optionally with
/// checkpoints in the output folder.
pub struct Sweep<'g> {
    grid: &'g Grid,
    shard: Option<Shard>,
    checkpoints: Option<(PathBuf, u64, Mode)>,
    checkpoint_every: Duration,
}

/// How long finished chunks may wait in memory before they are written as
/// checkpoints, unless the user sets another interval: a sweep shorter
/// than this writes none (the final arrays are its only write), and
/// `kill -9` loses at most this much work. Ctrl-C and errors write what is
/// waiting.
pub const DEFAULT_CHECKPOINT_EVERY: Duration = Duration::from_secs(30);

/// What a sweep produced: the full arrays (when the grid keeps them), the
/// finished reductions or, in a shard, their partial accumulators, and the
/// run's info (whose `computed` counts the point evaluations this run
/// made, once per reduction pass, for its rate).
pub struct SweepOutput<'g> {
    pub grid: &'g Grid,
    pub full: Option<SweepResults>,
    pub reduced: Vec<Reduced>,
    pub partial: Vec<Partial>,
    pub info: RunInfo,
    /// Grid points covered (the shard's, or the whole grid's).
    pub grid_points: u64,
    /// Full-array points restored from checkpoints instead of computed.
    pub restored: u64,
    checkpoint: Option<Checkpoint>,
}

impl<'g> Sweep<'g> {
    pub fn new(grid: &'g Grid) -> Sweep<'g> {
        Sweep {
            grid,
            shard: None,
            checkpoints: None,
            checkpoint_every: DEFAULT_CHECKPOINT_EVERY,
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

    /// Points the progress callback will count: the full arrays once,
    /// plus the range once per reduction pass.
    pub fn total_points(&self) -> Result<u64, Error> {
        let range = self.range()?;
        let n = range.end - range.start;
        let passes = reduce::passes(self.grid, &self.grid.reductions)?.len() as u64;
        Ok(if self.grid.full_arrays() { n } else { 0 } + passes * n)
    }

    /// Runs the sweep. `progress` gets points as they finish; `notice`
    /// one-line messages (reused or damaged checkpoints). None when the
    /// checkpoint folder already holds this sweep, finished.
    pub fn run(
        &self,
        backend: &Backend,
        progress: &Progress,
        notice: &dyn Fn(&str),
    ) -> Result<Option<SweepOutput<'g>>, Error> {
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
        // Before anything is made: the arrays must fit in memory.
        check_memory(full_points, info0.precision.bytes(), grid.outputs)?;
        let mut ckpt = match &self.checkpoints {
            Some((dir, points, mode)) => {
                check_space(dir, full_points, info0.precision.bytes(), grid.outputs)?;
                match Checkpoint::open(dir, &id, *points, *mode)? {
                    Some(c) => {
                        if c.nothing_to_resume {
                            notice(&format!(
                                "notice: --resume: {} holds no sweep to continue; starting it fresh",
                                dir.display()
                            ));
                        }
                        Some(c)
                    }
                    None => return Ok(None),
                }
            }
            None => None,
        };
        let evaluations = self.total_points()?;
        let mut restored = 0;
        let mut info = info0;
        let mut wall = 0.0;
        let full = if grid.full_arrays() {
            let out_dir = self.checkpoints.as_ref().map(|(d, _, _)| d.as_path());
            let saving = ckpt.as_mut().map(|c| Saving {
                checkpoint: c,
                dir: out_dir.unwrap_or(Path::new("")),
                every: self.checkpoint_every,
            });
            let (res, run_info, w, r) = run_full(grid, backend, saving, &range, progress)?;
            restored = r;
            wall += w;
            if let Some(i) = run_info {
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
            Some(res)
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
        Ok(Some(SweepOutput {
            grid,
            full,
            reduced,
            partial,
            info,
            grid_points: range.end - range.start,
            restored,
            checkpoint: ckpt,
        }))
    }
}

impl SweepOutput<'_> {
    /// Writes the arrays, metadata.json and `extra`'s files (plots) into
    /// `dir`, staged so that nothing is half-written. [`Self::finish`]
    /// then removes the checkpoints.
    pub fn write(&self, dir: &Path, extra: output::Extra) -> std::io::Result<()> {
        let out = output::Outputs {
            full: self.full.as_ref(),
            reduced: &self.reduced,
            partial: &self.partial,
        };
        output::write(dir, self.grid, &out, &self.info, extra)
    }

    /// Removes the checkpoints of a sweep that has been written.
    pub fn finish(self) {
        if let Some(c) = self.checkpoint {
            c.finish();
        }
    }
}

/// Where and how often finished chunks are written as checkpoints.
struct Saving<'a> {
    checkpoint: &'a mut Checkpoint,
    dir: &'a Path,
    every: Duration,
}

impl Saving<'_> {
    /// Writes the waiting chunks `pending` (chunk index, flat range) from
    /// `res`, whose flat index 0 is `start`.
    fn flush(
        &self,
        pending: &mut Vec<(u64, Range<u64>)>,
        res: &SweepResults,
        start: u64,
    ) -> Result<(), Error> {
        for (c, part) in pending.drain(..) {
            let at = (part.start - start) as usize;
            let n = (part.end - part.start) as usize;
            self.checkpoint
                .save(c, &part, &res.part(at, n))
                .map_err(|source| Error::Io {
                    path: self.dir.to_path_buf(),
                    source,
                })?;
        }
        Ok(())
    }
}

/// The chunked full-array run: (results, the first chunk's run info with
/// every chunk's recomputed points, seconds computing, points restored
/// from checkpoints).
fn run_full(
    grid: &Grid,
    backend: &Backend,
    mut saving: Option<Saving>,
    range: &Range<u64>,
    progress: &Progress,
) -> Result<(SweepResults, Option<RunInfo>, f64, u64), Error> {
    let f64s = backend.info(&Default::default()).precision == Precision::F64;
    let mut res = SweepResults::new(grid.result_shape(range), f64s, grid.outputs);
    let chunk = saving
        .as_ref()
        .map_or(range.end - range.start, |s| s.checkpoint.chunk)
        .max(1);
    let mut info: Option<RunInfo> = None;
    let (mut wall, mut restored) = (0.0, 0);
    // Finished chunks not yet written as checkpoints, and since when.
    let mut pending: Vec<(u64, Range<u64>)> = Vec::new();
    let mut since = Instant::now();
    // Chunk by chunk: reuse intact checkpoints, compute and store the rest.
    for (c, a) in (range.start..range.end).step_by(chunk as usize).enumerate() {
        let part = a..range.end.min(a + chunk);
        let at = (a - range.start) as usize;
        if let Some(done) = saving
            .as_mut()
            .and_then(|s| s.checkpoint.load(c as u64, &part, f64s, grid.outputs))
        {
            progress.add(part.end - part.start);
            restored += part.end - part.start;
            res.copy_from(&done, at);
            continue;
        }
        let (chunk_res, chunk_info, _) = match backend.run_range(grid, part.clone(), progress) {
            Ok(done) => done,
            Err(e) => {
                // Ctrl-C or a failure: what finished is kept for --resume.
                if let Some(s) = &saving {
                    s.flush(&mut pending, &res, range.start)?;
                }
                return Err(e);
            }
        };
        if part == *range {
            // One chunk for the whole range: its arrays are the result (a
            // copy would cost as much as a small grid's compute).
            res = chunk_res;
        } else {
            res.copy_from(&chunk_res, at);
        }
        if let Some(s) = &saving {
            pending.push((c as u64, part));
            if since.elapsed() >= s.every {
                s.flush(&mut pending, &res, range.start)?;
                since = Instant::now();
            }
        }
        wall += chunk_info.compute_seconds;
        match &mut info {
            Some(i) => {
                i.recomputed_f64 += chunk_info.recomputed_f64;
                i.rescued += chunk_info.rescued;
            }
            None => info = Some(chunk_info),
        }
    }
    Ok((res, info, wall, restored))
}
