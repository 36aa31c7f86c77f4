//! Checkpoints of a battery sweep, so that after Ctrl-C, `kill -9` or a
//! lost node `nessbat sweep --resume` computes only what is missing.
//!
//! The folder, its lock, its identity and the fresh/resume/force rules are
//! the built-in model's (src/store/checkpoint.rs). What differs is what a
//! chunk holds: every figure of every point and its status, not only the
//! arrays kept, because the reductions fold every figure they name, so a
//! resumed sweep resumes its reductions too. Each chunk is one file,
//! `chunk-START-END.bin`, that names its flat range and ends with the
//! SHA-256 of its bytes; it is written under a temporary name and renamed,
//! so a chunk is whole or absent, and one whose bytes no longer hash is
//! reported and recomputed, never used. Points are independent of how
//! the grid is chunked and folded in point order, so a resumed sweep's
//! files equal an uninterrupted one's byte for byte.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::json;
use sha2::{Digest, Sha256};

use super::figure::Figure;
use super::grid::BatteryGrid;
use super::status::{BatteryFigures, BatteryStatus};
use super::sweep::Plan;
use crate::error::Error;
use crate::store::checkpoint::{Checkpoint, Mode};

/// What a chunk file starts with (the format's version is in it).
const MAGIC: &[u8; 16] = b"nessbat-bchunk2\n";
/// Header bytes: the magic, the sweep's identity (32 bytes: a chunk of
/// another sweep, copied in, is refused), then start, end and figures per
/// point (u64).
const HEADER: usize = 16 + 32 + 3 * 8;
/// Finished points a run holds unwritten before it writes them, whatever
/// `--checkpoint-seconds` says, so that memory stays bounded.
const MAX_WAITING_BYTES: usize = 256 << 20;
/// At most this many chunk files per sweep (each is a file and a name to
/// list on resume): a smaller --checkpoint-points is raised to fit.
const MAX_CHUNKS: u64 = 1 << 16;

/// Identity of a battery sweep: its config, version, the arrays it keeps,
/// the shard's range and the backend ("cpu", "gpu": their strokes round
/// differently). A checkpoint or finished folder of another identity is
/// never mixed in.
pub fn identity(grid: &BatteryGrid, plan: &Plan, range: &Range<u64>, backend: &str) -> String {
    let v = json!({
        "backend": backend,
        "config": grid.config,
        "nessbat_version": env!("CARGO_PKG_VERSION"),
        "model": "populations",
        "battery_chunks": String::from_utf8_lossy(MAGIC).trim(),
        "outputs": plan.figures.iter().map(|f| f.name(&grid.names)).collect::<Vec<_>>(),
        "full_arrays": plan.full,
        "range": [range.start, range.end],
    });
    Sha256::digest(v.to_string().as_bytes())
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

/// The identity's 32 bytes: its SHA-256 hex digits read back, or the
/// hash of any other text.
fn id_bytes(id: &str) -> [u8; 32] {
    let hex = |k: usize| {
        id.get(2 * k..2 * k + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
    };
    let mut b = [0u8; 32];
    match id.len() == 64 && (0..32).all(|k| hex(k).is_some()) {
        true => {
            for (k, x) in b.iter_mut().enumerate() {
                *x = hex(k).expect("checked above");
            }
        }
        false => b.copy_from_slice(&Sha256::digest(id.as_bytes())),
    }
    b
}

/// Bytes of the chunk files of `points` points of a battery with `baths`
/// baths, in chunks of `chunk` points.
pub fn bytes(points: u64, baths: usize, chunk: u64) -> u64 {
    let per_point = 1 + 8 * Figure::all(baths).len() as u64;
    let chunks = points.div_ceil(chunk.max(1));
    points
        .saturating_mul(per_point)
        .saturating_add(chunks.saturating_mul(HEADER as u64 + 32))
}

/// The chunk size a run of `points` points uses when asked for `asked`.
pub fn chunk_points(points: u64, asked: u64) -> u64 {
    asked.max(points.div_ceil(MAX_CHUNKS)).max(1)
}

/// Finished points not yet written: a contiguous flat range, its statuses
/// and its figures point by point in [`Figure::all`] order.
#[derive(Default)]
struct Pending {
    range: Range<u64>,
    status: Vec<u8>,
    values: Vec<f64>,
}

/// The checkpoint of one battery sweep, as it runs.
pub struct Saver {
    ckpt: Checkpoint,
    /// The sweep's identity, as bytes: every chunk carries it.
    id: [u8; 32],
    /// The fewest points a chunk closed by the interval holds.
    shortest: u64,
    names: Vec<String>,
    every: Duration,
    last: Instant,
    /// Chunks of an interrupted run, by start: (end, file), not yet read.
    found: BTreeMap<u64, (u64, PathBuf)>,
    current: Pending,
    waiting: Vec<Pending>,
    /// Chunks reused, and the ones found damaged (recomputed).
    pub reused: u64,
    pub damaged: Vec<String>,
}

impl Saver {
    /// Opens (or refuses) `out` for the sweep of identity `id` over the
    /// points `range` of `grid`, in chunks of `chunk` points written at
    /// most `every` apart. None where `--resume` finds it finished.
    pub fn open(
        out: &Path,
        id: &str,
        (chunk, every): (u64, Duration),
        mode: Mode,
        grid: &BatteryGrid,
        range: &Range<u64>,
    ) -> Result<Option<Saver>, Error> {
        let chunk = chunk_points(range.end - range.start, chunk);
        let Some(ckpt) = Checkpoint::open(out, id, chunk, mode)? else {
            return Ok(None);
        };
        let mut found = BTreeMap::new();
        let mut end_before = range.start;
        // Chunks without this sweep's manifest are no one's: removed.
        if ckpt.nothing_to_resume {
            for (_, _, path) in chunk_files(ckpt.dir()) {
                let _ = std::fs::remove_file(path);
            }
        }
        for (start, end, path) in chunk_files(ckpt.dir()) {
            // Chunks are disjoint by construction; one that is not (or
            // lies outside the range) is not this run's to use.
            if start >= end_before && end <= range.end {
                end_before = end;
                found.insert(start, (end, path));
            }
        }
        Ok(Some(Saver {
            id: id_bytes(id),
            shortest: (range.end - range.start).div_ceil(MAX_CHUNKS),
            ckpt,
            names: grid.names.clone(),
            every,
            last: Instant::now(),
            found,
            current: Pending::default(),
            waiting: Vec::new(),
            reused: 0,
            damaged: Vec::new(),
        }))
    }

    /// Whether `--resume` found nothing to continue.
    pub fn nothing_to_resume(&self) -> bool {
        self.ckpt.nothing_to_resume
    }

    /// The chunk size in use (an interrupted run's on resume).
    pub fn chunk(&self) -> u64 {
        self.ckpt.chunk
    }

    /// Where the next found chunk at or after `start` begins (u64::MAX if
    /// none): computing stops there.
    pub fn next_found(&self, start: u64) -> u64 {
        self.found
            .range(start..)
            .next()
            .map_or(u64::MAX, |(s, _)| *s)
    }

    /// The points of the found chunk that starts at `start`, if there is
    /// one and its bytes are whole: (its end, its points).
    pub fn restored(&mut self, start: u64) -> Option<(u64, Vec<BatteryFigures>)> {
        let (end, path) = self.found.remove(&start)?;
        match read_chunk(&path, start..end, &self.names, &self.id) {
            Some(points) => {
                self.reused += 1;
                Some((end, points))
            }
            None => {
                self.damaged.push(format!("chunk of points {start}..{end}"));
                let _ = std::fs::remove_file(&path);
                None
            }
        }
    }

    /// Keeps the computed points `block`, starting at `start`, for the
    /// checkpoint, and writes finished chunks once they have waited long
    /// enough.
    pub fn keep(&mut self, start: u64, block: &[BatteryFigures]) -> Result<(), Error> {
        if self.current.range.end != start || self.current.status.is_empty() {
            self.close_current();
            self.current.range = start..start;
        }
        let figures = Figure::all(self.names.len());
        for f in block {
            self.current.status.push(f.status.code());
            self.current.values.extend(figures.iter().map(|g| g.of(f)));
        }
        self.current.range.end = start + block.len() as u64;
        // A chunk ends at its size, or once the interval has passed since
        // the last write: a sweep keeps something on disk every interval,
        // whatever its speed (but never more than MAX_CHUNKS chunks).
        let len = self.current.range.end - self.current.range.start;
        let due = self.last.elapsed() >= self.every && len >= self.shortest;
        if len >= self.ckpt.chunk || due {
            self.close_current();
        }
        let waiting: usize = self.waiting.iter().map(|p| p.values.len() * 8).sum();
        if !self.waiting.is_empty()
            && (self.last.elapsed() >= self.every || waiting >= MAX_WAITING_BYTES)
        {
            self.write_waiting()?;
        }
        Ok(())
    }

    /// Writes every point kept, a partial chunk included: on Ctrl-C.
    pub fn write_all(&mut self) -> Result<(), Error> {
        self.close_current();
        self.write_waiting()
    }

    /// Removes the checkpoint once the sweep's files are written.
    pub fn finish(self) {
        self.ckpt.finish();
    }

    fn close_current(&mut self) {
        if !self.current.status.is_empty() {
            self.waiting.push(std::mem::take(&mut self.current));
        }
    }

    fn write_waiting(&mut self) -> Result<(), Error> {
        let out = self
            .ckpt
            .dir()
            .parent()
            .unwrap_or(self.ckpt.dir())
            .to_path_buf();
        for p in std::mem::take(&mut self.waiting) {
            write_chunk(self.ckpt.dir(), &p, &self.id).map_err(|e| Error::Checkpoint {
                dir: out.clone(),
                message: format!(
                    "--out {}: cannot write a checkpoint chunk: {e}; accepted: a folder this user can write to, on a disk with room",
                    out.display()
                ),
            })?;
        }
        self.last = Instant::now();
        Ok(())
    }
}

/// The chunk files in `dir`: (start, end, path), by start.
fn chunk_files(dir: &Path) -> Vec<(u64, u64, PathBuf)> {
    let mut v: Vec<(u64, u64, PathBuf)> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let (a, b) = name
                .strip_prefix("chunk-")?
                .strip_suffix(".bin")?
                .split_once('-')?;
            let (a, b) = (a.parse().ok()?, b.parse().ok()?);
            (a < b).then(|| (a, b, e.path()))
        })
        .collect();
    v.sort_by_key(|(a, b, _)| (*a, *b));
    v
}

/// Writes `p` as a chunk file in `dir`: under a temporary name, synced,
/// then renamed, so that the file is whole or absent.
fn write_chunk(dir: &Path, p: &Pending, id: &[u8; 32]) -> std::io::Result<()> {
    let mut bytes = Vec::with_capacity(HEADER + p.status.len() + 8 * p.values.len() + 32);
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(id);
    let figures = p.values.len() / p.status.len().max(1);
    for x in [p.range.start, p.range.end, figures as u64] {
        bytes.extend_from_slice(&x.to_le_bytes());
    }
    bytes.extend_from_slice(&p.status);
    for v in &p.values {
        bytes.extend_from_slice(&v.to_le_bytes());
    }
    let sum = Sha256::digest(&bytes);
    bytes.extend_from_slice(&sum);
    let name = format!("chunk-{}-{}.bin", p.range.start, p.range.end);
    let tmp = dir.join(format!(".tmp-{name}"));
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(&bytes)?;
    f.sync_all()?;
    std::fs::rename(&tmp, dir.join(name))
}

/// The points of the chunk file at `path`, which must hold `range` for a
/// battery with bath `names`, if its bytes are whole.
fn read_chunk(
    path: &Path,
    range: Range<u64>,
    names: &[String],
    id: &[u8; 32],
) -> Option<Vec<BatteryFigures>> {
    let bytes = std::fs::read(path).ok()?;
    let n = usize::try_from(range.end - range.start).ok()?;
    let figures = Figure::all(names.len()).len();
    let body = HEADER + n + 8 * n * figures;
    if bytes.len() != body + 32 || &bytes[..16] != MAGIC || &bytes[16..48] != id {
        return None;
    }
    if Sha256::digest(&bytes[..body]).as_slice() != &bytes[body..] {
        return None;
    }
    let word =
        |k: usize| u64::from_le_bytes(bytes[48 + 8 * k..56 + 8 * k].try_into().expect("8 bytes"));
    if word(0) != range.start || word(1) != range.end || word(2) != figures as u64 {
        return None;
    }
    let status = &bytes[HEADER..HEADER + n];
    let values: Vec<f64> = bytes[HEADER + n..body]
        .chunks_exact(8)
        .map(|b| f64::from_le_bytes(b.try_into().expect("8 bytes")))
        .collect();
    status
        .iter()
        .zip(values.chunks_exact(figures))
        .map(|(s, v)| Some(Figure::restore(names, BatteryStatus::from_code(*s)?, v)))
        .collect()
}
