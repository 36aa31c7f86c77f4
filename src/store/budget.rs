//! What a sweep may hold and write: the memory budget and the free disk
//! space, checked before any work so that a run that cannot fit is refused
//! in one line (or, for memory, streamed to disk) instead of aborting.

use std::path::Path;

use crate::config::outputs::Outputs;
use crate::Error;

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

/// The memory a run may hold: `NESSBAT_MEMORY_BUDGET` (bytes) where set,
/// else what the system reports as available (Linux: MemAvailable), else
/// unknown.
pub fn memory_budget() -> Option<u64> {
    if let Some(v) = std::env::var_os("NESSBAT_MEMORY_BUDGET") {
        // Unparsable: no memory at all, so that the refusal names it
        // rather than the budget being silently ignored.
        return Some(v.to_str().and_then(|s| s.trim().parse().ok()).unwrap_or(0));
    }
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    info.lines()
        .find_map(|l| l.strip_prefix("MemAvailable:"))
        .and_then(|rest| {
            rest.trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<u64>()
                .ok()
        })
        .map(|kib| kib * 1024)
}

/// Bytes of the full arrays of `points` points (`outputs` at `real_bytes`
/// per float).
pub fn array_bytes(points: u64, real_bytes: u64, outputs: Outputs) -> u64 {
    points.saturating_mul(point_bytes(outputs, real_bytes as usize) as u64)
}

/// Whether the full arrays of `points` points fit in the memory the run
/// may hold (unknown budgets count as fitting).
pub fn fits_memory(points: u64, real_bytes: u64, outputs: Outputs) -> bool {
    memory_budget().is_none_or(|b| array_bytes(points, real_bytes, outputs) <= b)
}

/// Checks that the full arrays of `points` points (`outputs` at
/// `real_bytes` per float) fit in the memory the run may hold, before any
/// work, where they cannot be streamed to disk (no output folder: Python's
/// in-memory sweeps): a grid larger than memory is refused in one line with
/// the sizes and the ways out, instead of aborting in the allocator.
pub fn check_memory(points: u64, real_bytes: u64, outputs: Outputs) -> Result<(), Error> {
    let need = array_bytes(points, real_bytes, outputs);
    match memory_budget() {
        Some(budget) if need > budget => Err(Error::Usage(format!(
            "the full arrays of {points} points need {:.2} GB of memory and {:.2} GB is available{}; write them to a folder instead (streamed to disk), keep fewer arrays (outputs = [...] or --outputs), reduce on the device ([[reduce]] without full_arrays), or split the grid (--shard K/N)",
            need as f64 / 1e9,
            budget as f64 / 1e9,
            if std::env::var_os("NESSBAT_MEMORY_BUDGET").is_some() {
                " (NESSBAT_MEMORY_BUDGET, in bytes)"
            } else {
                ""
            }
        ))),
        _ => Ok(()),
    }
}

/// Checks that `out` has room for `points` points of the arrays of
/// `outputs` at `real_bytes` per float: the arrays are written once, in
/// place (src/store/stream.rs), plus room for metadata and plots.
pub fn check_space(
    out: &Path,
    points: u64,
    real_bytes: u64,
    outputs: Outputs,
) -> Result<(), Error> {
    let need = array_bytes(points, real_bytes, outputs).saturating_add(16 << 20);
    match free_bytes(out) {
        Some(free) if free < need => Err(Error::Checkpoint { dir: out.to_path_buf(), message: format!(
            "--out {}: the sweep needs about {:.2} GB for its arrays but the disk has {:.2} GB free; accepted: a folder on a larger disk, fewer arrays (outputs = [...] or --outputs), [[reduce]] without full_arrays, or --shard K/N",
            out.display(),
            need as f64 / 1e9,
            free as f64 / 1e9
        )}),
        _ => Ok(()),
    }
}

/// Bytes per point of the kept arrays: the quantities, cycles, status.
fn point_bytes(outputs: Outputs, real: usize) -> usize {
    outputs.count() * real + if outputs.cycles() { 4 } else { 0 } + 1
}
