//! The full arrays of a sweep, chunk by chunk: intact journaled chunks of
//! an interrupted run are read back, the rest computed, and each finished
//! chunk goes through a bounded queue to a writer thread that streams it
//! into place (src/store/stream.rs) while the next one computes. Memory
//! holds the whole arrays only where they fit (`keep`); otherwise at most
//! the chunk computing and the few queued.

use std::ops::Range;
use std::path::Path;
use std::sync::mpsc::{sync_channel, Receiver};
use std::time::{Duration, Instant};

use crate::backend::progress::Progress;
use crate::backend::run::Backend;
use crate::error::Error;
use crate::grid::Grid;
use crate::store::checkpoint::Checkpoint;
use crate::store::output::{FullSummary, RunInfo};
use crate::store::results::SweepResults;
use crate::store::stream::Entry;
use nessbat_kernels::Precision;

/// Finished chunks that may wait for the writer: enough to keep the
/// compute busy while a write runs, few enough to bound memory.
pub const QUEUE: usize = 2;

/// Where finished chunks are streamed, and how often they are journaled.
pub struct Saving<'a> {
    pub checkpoint: &'a mut Checkpoint,
    pub dir: &'a Path,
    pub every: Duration,
}

/// What the compute loop hands the writer.
enum Job {
    /// Chunk `c`, the points `part`, at offset `at` of the arrays.
    Write(u64, Range<u64>, u64, Box<SweepResults>),
    /// The run stopped (Ctrl-C or a failure): journal what is waiting.
    Stop,
}

/// The writer: streams each chunk into place, journals the finished ones
/// once they have waited `every` (and all of them on `Stop`). A run that
/// ends normally journals nothing more: its arrays are written out next.
fn writer(checkpoint: &Checkpoint, every: Duration, jobs: Receiver<Job>) -> std::io::Result<()> {
    let mut pending: Vec<Entry> = Vec::new();
    let mut since = Instant::now();
    for job in jobs {
        match job {
            Job::Write(c, part, at, res) => {
                pending.push(checkpoint.write(c, &part, at, &res)?);
                if since.elapsed() >= every {
                    checkpoint.record(&pending)?;
                    pending.clear();
                    since = Instant::now();
                }
            }
            Job::Stop => {
                checkpoint.record(&pending)?;
                pending.clear();
            }
        }
    }
    Ok(())
}

/// What the full-array run produced.
pub struct FullRun {
    /// The results, where `keep` held them in memory.
    pub res: Option<SweepResults>,
    pub summary: FullSummary,
    /// The first chunk's run info with every chunk's recomputed points.
    pub info: Option<RunInfo>,
    /// Seconds computing.
    pub wall: f64,
    /// Points restored from checkpoints.
    pub restored: u64,
}

/// The chunked full-array run. With `saving` every chunk is written to
/// its place in the streamed arrays; without `keep` only there.
pub fn run_full(
    grid: &Grid,
    backend: &Backend,
    saving: Option<Saving>,
    range: &Range<u64>,
    progress: &Progress,
    keep: bool,
) -> Result<FullRun, Error> {
    let f64s = backend.info(&Default::default()).precision == Precision::F64;
    let shape = grid.result_shape(range);
    let mut res = keep.then(|| SweepResults::new(shape.clone(), f64s, grid.outputs));
    let mut counts = [0u64; 4];
    let chunk = saving
        .as_ref()
        .map_or(range.end - range.start, |s| s.checkpoint.chunk)
        .max(1);
    let chunks: Vec<Range<u64>> = (range.start..range.end)
        .step_by(chunk as usize)
        .map(|a| a..range.end.min(a + chunk))
        .collect();
    // First what an interrupted run left intact, in order (so that the
    // files' checksums run on), then the rest.
    let mut done = vec![false; chunks.len()];
    let mut restored = 0;
    let dir = saving.as_ref().map(|s| s.dir.to_path_buf());
    let (checkpoint, every) = match saving {
        Some(s) => {
            for (c, part) in chunks.iter().enumerate() {
                let at = part.start - range.start;
                if let Some(back) = s.checkpoint.load(c as u64, part, at, f64s, grid.outputs) {
                    progress.add(part.end - part.start);
                    restored += part.end - part.start;
                    add_counts(&mut counts, &back);
                    if let Some(r) = res.as_mut() {
                        r.copy_from(&back, at as usize);
                    }
                    done[c] = true;
                }
            }
            (Some(&*s.checkpoint), s.every)
        }
        None => (None, Duration::ZERO),
    };
    let io = |source: std::io::Error| Error::Io {
        path: dir.clone().unwrap_or_default(),
        source,
    };
    let mut info: Option<RunInfo> = None;
    let mut wall = 0.0;
    std::thread::scope(|scope| -> Result<(), Error> {
        let (tx, rx) = sync_channel::<Job>(QUEUE);
        let written = checkpoint.map(|c| scope.spawn(move || writer(c, every, rx)));
        let computed = (|| -> Result<(), Error> {
            for (c, part) in chunks.iter().enumerate().filter(|(c, _)| !done[*c]) {
                let at = part.start - range.start;
                let (chunk_res, chunk_info, _) = backend.run_range(grid, part.clone(), progress)?;
                add_counts(&mut counts, &chunk_res);
                wall += chunk_info.compute_seconds;
                match &mut info {
                    Some(i) => {
                        i.recomputed_f64 += chunk_info.recomputed_f64;
                        i.rescued += chunk_info.rescued;
                    }
                    None => info = Some(chunk_info),
                }
                let to_write = match res.as_mut() {
                    // One chunk for the whole range: its arrays are the
                    // result (a copy would cost as much as a small grid's
                    // compute), written from there.
                    Some(r) if *part == *range => {
                        *r = chunk_res;
                        if let Some(cp) = checkpoint {
                            cp.write(c as u64, part, at, r).map_err(io)?;
                        }
                        continue;
                    }
                    Some(r) => {
                        r.copy_from(&chunk_res, at as usize);
                        chunk_res
                    }
                    None => chunk_res,
                };
                if checkpoint.is_some()
                    && tx
                        .send(Job::Write(c as u64, part.clone(), at, Box::new(to_write)))
                        .is_err()
                {
                    // The writer failed: its error is reported below.
                    break;
                }
            }
            Ok(())
        })();
        if computed.is_err() {
            // Ctrl-C or a failure: what finished is kept for --resume.
            let _ = tx.send(Job::Stop);
        }
        drop(tx);
        if let Some(w) = written {
            w.join()
                .unwrap_or_else(|_| Err(std::io::Error::other("the writer thread panicked")))
                .map_err(io)?;
        }
        computed
    })?;
    let summary = FullSummary {
        shape,
        outputs: grid.outputs,
        counts,
    };
    Ok(FullRun {
        res,
        summary,
        info,
        wall,
        restored,
    })
}

fn add_counts(counts: &mut [u64; 4], res: &SweepResults) {
    for (c, n) in counts.iter_mut().zip(res.status_counts()) {
        *c += n;
    }
}
