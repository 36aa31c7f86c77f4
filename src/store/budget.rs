//! What a sweep may hold and write: the memory budget and the free disk
//! space, checked before any work so that a run that cannot fit is refused
//! in one line (or, for memory, streamed to disk) instead of aborting.

use std::path::Path;

use crate::config::outputs::Outputs;
use crate::error::{Error, Resource};

/// Bytes free for an unprivileged user on the file system holding `path`
/// (or its nearest existing ancestor), from statvfs(3).
pub fn free_bytes(path: &Path) -> Option<u64> {
    // The nearest folder that exists: a relative path that does not exist
    // yet walks up to "" (which does not exist either), meaning ".".
    let mut p = path.to_path_buf();
    while !p.as_os_str().is_empty() && !p.exists() {
        p = p.parent().map(Path::to_path_buf).unwrap_or_default();
    }
    if p.as_os_str().is_empty() {
        p = std::path::PathBuf::from(".");
    }
    statvfs_free(&p)
}

#[cfg(unix)]
#[expect(
    clippy::useless_conversion,
    reason = "statvfs field widths differ between platforms"
)]
fn statvfs_free(p: &Path) -> Option<u64> {
    let c = std::ffi::CString::new(p.as_os_str().as_encoded_bytes()).ok()?;
    let mut s: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: `c` is a NUL-terminated path and `s` a valid out-pointer.
    let rc = unsafe { libc::statvfs(c.as_ptr(), &mut s) };
    (rc == 0).then(|| u64::from(s.f_bavail) * u64::from(s.f_frsize))
}

#[cfg(not(unix))]
fn statvfs_free(_: &Path) -> Option<u64> {
    None
}

/// The memory a run may hold: `NESSBAT_MEMORY_BUDGET` (a whole number of
/// bytes) where set, else what the system reports as available (Linux:
/// MemAvailable), else unknown. A value that is not a whole number of
/// bytes is refused rather than read as some budget.
pub fn memory_budget() -> Result<Option<u64>, Error> {
    if let Some(v) = std::env::var_os("NESSBAT_MEMORY_BUDGET") {
        let text = v.to_string_lossy();
        return match text.trim().parse::<u64>() {
            Ok(b) => Ok(Some(b)),
            Err(_) => Err(Error::Usage(format!(
                "NESSBAT_MEMORY_BUDGET = {text:?}; accepted: a whole number of bytes, such as 8000000000"
            ))),
        };
    }
    let Ok(info) = std::fs::read_to_string("/proc/meminfo") else {
        return Ok(None);
    };
    Ok(info
        .lines()
        .find_map(|l| l.strip_prefix("MemAvailable:"))
        .and_then(|rest| {
            rest.trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<u64>()
                .ok()
        })
        .map(|kib| kib * 1024))
}

/// Bytes of the full arrays of `points` points (`outputs` at `real_bytes`
/// per float).
pub fn array_bytes(points: u64, real_bytes: u64, outputs: Outputs) -> u64 {
    points.saturating_mul(point_bytes(outputs, real_bytes as usize) as u64)
}

/// Whether the full arrays of `points` points fit in the memory the run
/// may hold (unknown budgets count as fitting).
pub fn fits_memory(points: u64, real_bytes: u64, outputs: Outputs) -> Result<bool, Error> {
    Ok(memory_budget()?.is_none_or(|b| array_bytes(points, real_bytes, outputs) <= b))
}

/// Points per chunk of a run whose full arrays are streamed only: at most
/// `chunk`, and few enough that the chunk computing, the ones queued for
/// the writer and the one being written (`in_flight` in all) fit the
/// memory budget.
pub fn streamed_chunk(
    chunk: u64,
    real_bytes: u64,
    outputs: Outputs,
    in_flight: u64,
) -> Result<u64, Error> {
    let per_point = point_bytes(outputs, real_bytes as usize) as u64;
    Ok(chunk_within(chunk, memory_budget()?, per_point, in_flight))
}

/// [`streamed_chunk`]'s arithmetic: at least one point a chunk.
fn chunk_within(chunk: u64, budget: Option<u64>, per_point: u64, in_flight: u64) -> u64 {
    match budget {
        Some(b) => chunk.min((b / (per_point * in_flight.max(1))).max(1)),
        None => chunk,
    }
}

/// Checks that the full arrays of `points` points (`outputs` at
/// `real_bytes` per float) fit in the memory the run may hold, before any
/// work, where they cannot be streamed to disk (no output folder: Python's
/// in-memory sweeps): a grid larger than memory is refused in one line with
/// the sizes and the ways out, instead of aborting in the allocator.
pub fn check_memory(points: u64, real_bytes: u64, outputs: Outputs) -> Result<(), Error> {
    fits_memory_for(
        array_bytes(points, real_bytes, outputs),
        &format!("holding the full arrays of {points} points"),
        "writing them to a folder instead (streamed to disk), fewer arrays (outputs = [...] or --outputs), reductions on the device ([[reduce]] without full_arrays), or a split grid (--shard K/N)",
    )
}

/// What a sweep writes into its folder: the full arrays of `points`
/// points (`outputs` at `real_bytes` per float) and a journal line per
/// chunk.
pub struct Space {
    pub points: u64,
    pub real_bytes: u64,
    pub outputs: Outputs,
    pub chunks: u64,
    /// metadata.json's bytes at most: every axis value is written there.
    pub metadata: u64,
}

impl Space {
    /// metadata.json's bytes at most for axes of `values` values in all:
    /// about 25 bytes a value, plus the rest of the file.
    pub fn metadata_for(values: u64) -> u64 {
        values.saturating_mul(32).saturating_add(1 << 20)
    }
}

/// A journal line's bytes at most: chunk, start, end, 64 hex digits.
const JOURNAL_LINE: u64 = 3 * 21 + 64 + 1;

/// Checks that `out` has room for what the sweep `space` writes: the
/// arrays once, in place (src/store/stream.rs), the journal, and room for
/// metadata and plots. What is already on disk and will be reused
/// (`--resume`: the streamed arrays so far) or removed first (`--force`:
/// the previous result and checkpoint) counts as free.
pub fn check_space(out: &Path, space: &Space, mode: super::checkpoint::Mode) -> Result<(), Error> {
    let need = array_bytes(space.points, space.real_bytes, space.outputs)
        .saturating_add(space.chunks.saturating_mul(JOURNAL_LINE))
        .saturating_add(space.metadata);
    let reclaim = reclaimable(out, mode);
    match free_bytes(out) {
        Some(free) if free.saturating_add(reclaim) < need => Err(Error::TooLarge {
            resource: Resource::Disk,
            task: "the sweep, for its arrays,".into(),
            need,
            available: free,
            folder: Some(out.to_path_buf()),
            reclaim,
            accepted: "a folder on a larger disk, fewer arrays (outputs = [...] or --outputs), [[reduce]] without full_arrays, or --shard K/N",
        }),
        _ => Ok(()),
    }
}

/// Bytes in `out` that a run in `mode` reuses or removes before it writes,
/// and so counts as free: `--resume` the checkpoint so far, `--force` the
/// checkpoint and the previous result.
pub fn reclaimable(out: &Path, mode: super::checkpoint::Mode) -> u64 {
    match mode {
        super::checkpoint::Mode::Fresh => 0,
        super::checkpoint::Mode::Resume => allocated_in(&out.join(".nessbat-partial")),
        super::checkpoint::Mode::Force => {
            allocated_in(&out.join(".nessbat-partial"))
                + super::output::previous_files(out)
                    .iter()
                    .map(|p| allocated(p))
                    .sum::<u64>()
        }
    }
}

/// Checks that a merge of shards whose arrays take `bytes` can hold them
/// in memory (a merge joins them there) and write them into `out`, before
/// any is read: refused in one line with the sizes otherwise.
pub fn check_merge(out: &Path, bytes: u64) -> Result<(), Error> {
    fits_memory_for(
        bytes,
        "merging these shards",
        "shards of fewer arrays (--outputs), or [[reduce]] without full_arrays",
    )?;
    fits_disk_for(
        out,
        bytes.saturating_add(16 << 20),
        "the merge",
        "a folder on a larger disk",
    )
}

/// Refuses `task`, which holds `need` bytes in memory, where the memory
/// budget is smaller, naming the sizes and what is `accepted`.
pub fn fits_memory_for(need: u64, task: &str, accepted: &'static str) -> Result<(), Error> {
    match memory_budget()? {
        Some(budget) if need > budget => Err(Error::TooLarge {
            resource: Resource::Memory,
            task: task.into(),
            need,
            available: budget,
            folder: None,
            reclaim: 0,
            accepted,
        }),
        _ => Ok(()),
    }
}

/// Refuses `task`, which writes `need` bytes into `out`, where its disk
/// has less free, naming the sizes and what is `accepted`.
pub fn fits_disk_for(
    out: &Path,
    need: u64,
    task: &str,
    accepted: &'static str,
) -> Result<(), Error> {
    fits_disk_reclaiming(out, need, 0, task, accepted)
}

/// As [`fits_disk_for`], with `reclaim` bytes in `out` that the run frees
/// or reuses counted as free.
pub fn fits_disk_reclaiming(
    out: &Path,
    need: u64,
    reclaim: u64,
    task: &str,
    accepted: &'static str,
) -> Result<(), Error> {
    match free_bytes(out) {
        Some(free) if free.saturating_add(reclaim) < need => Err(Error::TooLarge {
            resource: Resource::Disk,
            task: task.into(),
            need,
            available: free,
            folder: Some(out.to_path_buf()),
            reclaim,
            accepted,
        }),
        _ => Ok(()),
    }
}

/// Bytes of the `.npy` files directly in each of `dirs` (shards).
pub fn arrays_in(dirs: &[&Path]) -> u64 {
    dirs.iter()
        .filter_map(|d| std::fs::read_dir(d).ok())
        .flat_map(|r| r.filter_map(Result::ok))
        .filter(|e| e.file_name().to_string_lossy().ends_with(".npy"))
        .filter_map(|e| e.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum()
}

/// Bytes a file takes on disk (its allocated blocks: a streamed array is
/// sparse until filled); 0 where it is not a plain file.
fn allocated(p: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    std::fs::symlink_metadata(p)
        .ok()
        .filter(|m| m.file_type().is_file())
        .map_or(0, |m| m.blocks() * 512)
}

/// [`allocated`] summed over the plain files directly in `dir`.
fn allocated_in(dir: &Path) -> u64 {
    std::fs::read_dir(dir).map_or(0, |r| {
        r.filter_map(Result::ok).map(|e| allocated(&e.path())).sum()
    })
}

/// Bytes per point of the kept arrays: the quantities, cycles, status.
fn point_bytes(outputs: Outputs, real: usize) -> usize {
    outputs.count() * real + if outputs.cycles() { 4 } else { 0 } + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streamed_chunks_fit_the_budget() {
        // 93 bytes a point, four chunks in flight, 100 kB: 268 points.
        assert_eq!(chunk_within(1 << 20, Some(100_000), 93, 4), 268);
        // 268 · 93 · 4 = 99,696 bytes: within the budget.
        // Never more than asked, never none.
        assert_eq!(chunk_within(100, Some(1 << 40), 93, 4), 100);
        assert_eq!(chunk_within(100, Some(1), 93, 4), 1);
        assert_eq!(chunk_within(100, None, 93, 4), 100);
    }
}
