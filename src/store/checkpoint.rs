//! Checkpoints: a sweep writes every finished chunk to
//! `OUT/.nessbat-partial/` as it runs, so that after a crash, `kill -9` or
//! a power cut `nessbat sweep --resume` recomputes only what is missing.
//! Every point is computed independently of how the grid is chunked, so
//! the final arrays equal an uninterrupted run's bit for bit.
//!
//! A chunk file holds its flat range, the seven float arrays, cycles and
//! status, and a SHA-256 of all that: a truncated or damaged chunk is
//! reported and recomputed, never used.

use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::config::outputs::Outputs;
use crate::grid::Grid;
use crate::store::results::{FloatsFlat, SweepResults};

/// Points per checkpoint chunk unless the user sets another.
pub const DEFAULT_CHUNK: u64 = 1 << 20;

use crate::Error;

/// Why a sweep may not start in its output folder `out`: one line.
fn refused(out: &Path, message: String) -> Error {
    Error::Checkpoint {
        dir: out.to_path_buf(),
        message,
    }
}

/// What to do with an output folder that already holds a sweep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Refuse a folder with a finished or interrupted sweep.
    Fresh,
    /// Continue an interrupted sweep of the same config.
    Resume,
    /// Start over, whatever is there.
    Force,
}

/// The checkpoint folder of one sweep.
pub struct Checkpoint {
    dir: PathBuf,
    pub chunk: u64,
    /// Chunks found valid on resume.
    pub reused: u64,
    /// Chunks found damaged on resume (recomputed).
    pub damaged: Vec<String>,
    /// `--resume` found no sweep at all there: this one starts fresh.
    pub nothing_to_resume: bool,
    /// The advisory lock on the output folder, held for the whole run (the
    /// operating system drops it with the process, so kill -9 frees it).
    lock: std::fs::File,
}

/// Takes the advisory lock on `out` (its `.nessbat-lock`), or refuses at
/// once where another sweep or merge holds it: two runs on one folder (a
/// requeued SLURM job beside the first, two --resume, a merge into a
/// folder a sweep is writing) would delete or overwrite each other's
/// state. Released by [`unlock_folder`], or by the operating system with
/// the process.
pub fn lock_folder(out: &Path) -> Result<std::fs::File, Error> {
    let io = |e: std::io::Error| refused(out, format!("--out {}: {e}", out.display()));
    std::fs::create_dir_all(out).map_err(io)?;
    let path = out.join(LOCK);
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(io)?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            let holder = std::fs::read_to_string(&path).unwrap_or_default();
            let holder = holder.trim();
            return Err(refused(
                out,
                format!(
                    "--out {} is in use by a running sweep or merge{}; accepted: another folder, or wait for it to finish",
                    out.display(),
                    if holder.is_empty() {
                        String::new()
                    } else {
                        format!(" ({holder})")
                    }
                ),
            ));
        }
        Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
    }
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_default();
    let holder = if host.is_empty() {
        format!("pid {}", std::process::id())
    } else {
        format!("pid {} on {host}", std::process::id())
    };
    let _ = file.set_len(0);
    let _ = (&file).write_all(holder.as_bytes());
    Ok(file)
}

/// Removes `out`'s lock file and releases the lock `lock` holds on it.
pub fn unlock_folder(out: &Path, lock: std::fs::File) {
    let _ = std::fs::remove_file(out.join(LOCK));
    drop(lock);
}

/// The lock file's name inside an output folder.
const LOCK: &str = ".nessbat-lock";

/// Identity of a sweep: config, version, model, protocol, precision, the
/// shard's range and the backend ("cpu", "gpu"; a merge records the set).
/// A checkpoint or finished folder of another identity is never mixed in:
/// CPU and GPU round differently, and a resumed sweep must equal an
/// uninterrupted one bit for bit.
pub fn identity(grid: &Grid, precision: &str, range: &Range<u64>, backend: &str) -> String {
    let v = json!({
        "backend": backend,
        "config": grid.config,
        "nessbat_version": env!("CARGO_PKG_VERSION"),
        "model": grid.model.name(),
        "protocol": grid.protocol.name(),
        "precision": precision,
        "range": [range.start, range.end],
    });
    hex(&Sha256::digest(v.to_string().as_bytes()))
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

impl Checkpoint {
    /// Opens (or refuses) `out` for the sweep of identity `id`. Returns
    /// None when `--resume` finds the sweep already finished.
    pub fn open(out: &Path, id: &str, chunk: u64, mode: Mode) -> Result<Option<Checkpoint>, Error> {
        let dir = out.join(".nessbat-partial");
        let finished = out.join("metadata.json");
        let manifest = dir.join("manifest.json");
        let read_id = |p: &Path| -> Option<String> {
            let v: Value = serde_json::from_slice(&std::fs::read(p).ok()?).ok()?;
            v["identity"].as_str().map(str::to_string)
        };
        // Before anything is read or removed: one run per folder.
        let lock = lock_folder(out)?;
        let shown = out.display();
        match mode {
            Mode::Force => {
                let _ = std::fs::remove_dir_all(&dir);
            }
            Mode::Fresh => {
                if finished.exists() {
                    return Err(refused(out, format!(
                        "--out {shown} holds a finished sweep; accepted: a new folder, --force to overwrite it, or --resume"
                    )));
                }
                if dir.exists() {
                    return Err(refused(out, format!(
                        "--out {shown} holds an interrupted sweep; accepted: --resume to continue it or --force to start over"
                    )));
                }
            }
            Mode::Resume => {
                if let Some(have) = read_id(&manifest) {
                    if have != id {
                        return Err(refused(out, format!(
                            "--resume: --out {shown} holds another config's sweep (or another version, model, precision or shard)"
                        )));
                    }
                } else if finished.exists() {
                    if read_id(&finished) == Some(id.to_string()) {
                        return Ok(None);
                    }
                    return Err(refused(
                        out,
                        format!("--resume: --out {shown} holds another config's finished sweep"),
                    ));
                }
            }
        }
        let nothing_to_resume = mode == Mode::Resume && !manifest.exists() && !finished.exists();
        let io = |e: std::io::Error| refused(out, format!("--out {}: {e}", out.display()));
        std::fs::create_dir_all(&dir).map_err(io)?;
        // The chunk size of an existing checkpoint wins: chunk files are
        // named by chunk index.
        let chunk = match std::fs::read(&manifest)
            .ok()
            .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
        {
            Some(v) if mode == Mode::Resume => v["chunk"].as_u64().unwrap_or(chunk),
            _ => chunk,
        };
        // Keep the chunk checksums of a resumed checkpoint.
        let sums = std::fs::read(&manifest)
            .ok()
            .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
            .filter(|_| mode == Mode::Resume)
            .map_or_else(|| json!({}), |v| v["checksums"].clone());
        let m = json!({"identity": id, "chunk": chunk, "checksums": sums});
        std::fs::write(&manifest, m.to_string()).map_err(io)?;
        Ok(Some(Checkpoint {
            dir,
            chunk,
            reused: 0,
            damaged: Vec::new(),
            nothing_to_resume,
            lock,
        }))
    }

    fn path(&self, c: u64) -> PathBuf {
        self.dir.join(format!("chunk-{c:08}.bin"))
    }

    /// The stored chunk `c` covering `range` (absolute), if present and
    /// intact.
    pub fn load(
        &mut self,
        c: u64,
        range: &Range<u64>,
        f64s: bool,
        outputs: Outputs,
    ) -> Option<SweepResults> {
        let bytes = std::fs::read(self.path(c)).ok()?;
        let parsed = decode(&bytes, range, f64s, outputs);
        if parsed.is_none() {
            self.damaged.push(self.path(c).display().to_string());
        } else {
            self.reused += 1;
        }
        parsed
    }

    /// Stores chunk `c` (write, then rename: never half-written).
    /// The chunk's SHA-256 also goes into manifest.json, next to the copy
    /// inside the chunk file.
    pub fn save(&self, c: u64, range: &Range<u64>, res: &SweepResults) -> std::io::Result<()> {
        let tmp = self.dir.join(format!(".chunk-{c:08}.tmp"));
        let bytes = encode(range, res);
        let sum = hex(&bytes[bytes.len() - 32..]);
        std::fs::write(&tmp, bytes)?;
        std::fs::rename(&tmp, self.path(c))?;
        let manifest = self.dir.join("manifest.json");
        let mut m: Value =
            serde_json::from_slice(&std::fs::read(&manifest)?).map_err(std::io::Error::other)?;
        m["checksums"][format!("chunk-{c:08}.bin")] = Value::String(sum);
        let tmp = self.dir.join(".manifest.tmp");
        std::fs::write(&tmp, m.to_string())?;
        std::fs::rename(&tmp, manifest)
    }

    /// Removes the checkpoint once the final arrays are written, and the
    /// lock file with it (the lock itself goes with `self`).
    pub fn finish(self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        if let Some(out) = self.dir.parent() {
            let _ = std::fs::remove_file(out.join(LOCK));
        }
        drop(self.lock);
    }
}

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

/// Checks that the full arrays of `points` points (`outputs` at
/// `real_bytes` per float) fit in the memory the run may hold, before any
/// work: a grid larger than memory is refused in one line with the sizes
/// and the ways out, instead of aborting in the allocator.
pub fn check_memory(points: u64, real_bytes: u64, outputs: Outputs) -> Result<(), Error> {
    let need = points.saturating_mul(point_bytes(outputs, real_bytes as usize) as u64);
    match memory_budget() {
        Some(budget) if need > budget => Err(Error::Usage(format!(
            "the full arrays of {points} points need {:.2} GB of memory and {:.2} GB is available{}; keep fewer arrays (outputs = [...] or --outputs), reduce on the device ([[reduce]] without full_arrays), or split the grid (--shard K/N)",
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
/// `outputs` at `real_bytes` per float: the checkpoint chunks and the
/// final arrays, which coexist until the end.
pub fn check_space(
    out: &Path,
    points: u64,
    real_bytes: u64,
    outputs: Outputs,
) -> Result<(), Error> {
    let need = points
        .saturating_mul(point_bytes(outputs, real_bytes as usize) as u64)
        .saturating_mul(2)
        + (16 << 20);
    match free_bytes(out) {
        Some(free) if free < need => Err(refused(out, format!(
            "--out {}: the sweep needs about {:.2} GB (arrays and checkpoints) but the disk has {:.2} GB free",
            out.display(),
            need as f64 / 1e9,
            free as f64 / 1e9
        ))),
        _ => Ok(()),
    }
}

const MAGIC: &[u8; 8] = b"NESSBATC";

fn encode(range: &Range<u64>, res: &SweepResults) -> Vec<u8> {
    let mut b = Vec::new();
    b.extend_from_slice(MAGIC);
    b.extend_from_slice(&range.start.to_le_bytes());
    b.extend_from_slice(&range.end.to_le_bytes());
    match &res.real {
        FloatsFlat::F64(a) => a
            .iter()
            .flatten()
            .for_each(|v| b.extend_from_slice(&v.to_le_bytes())),
        FloatsFlat::F32(a) => a
            .iter()
            .flatten()
            .for_each(|v| b.extend_from_slice(&v.to_le_bytes())),
    }
    res.cycles
        .iter()
        .for_each(|v| b.extend_from_slice(&v.to_le_bytes()));
    b.extend_from_slice(&res.status);
    let sum = Sha256::digest(&b);
    b.extend_from_slice(&sum);
    b
}

/// Bytes per point of the kept arrays: the quantities, cycles, status.
fn point_bytes(outputs: Outputs, real: usize) -> usize {
    outputs.count() * real + if outputs.cycles() { 4 } else { 0 } + 1
}

/// A chunk holds the kept arrays only, in the results' order (`encode`);
/// the sweep's identity, which covers the config and so `outputs`, keeps
/// chunks of another choice out.
fn decode(b: &[u8], range: &Range<u64>, f64s: bool, outputs: Outputs) -> Option<SweepResults> {
    let n = (range.end - range.start) as usize;
    let real = if f64s { 8 } else { 4 };
    let body = 8 + 16 + n * point_bytes(outputs, real);
    if b.len() != body + 32
        || &b[..8] != MAGIC
        || Sha256::digest(&b[..body]).as_slice() != &b[body..]
    {
        return None;
    }
    let word = |at: usize| u64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"));
    if word(8) != range.start || word(16) != range.end {
        return None;
    }
    let mut res = SweepResults::new(vec![n], f64s, outputs);
    let mut at = 24;
    match &mut res.real {
        FloatsFlat::F64(a) => {
            for v in a.iter_mut().flatten() {
                *v = f64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"));
                at += 8;
            }
        }
        FloatsFlat::F32(a) => {
            for v in a.iter_mut().flatten() {
                *v = f32::from_le_bytes(b[at..at + 4].try_into().expect("4 bytes"));
                at += 4;
            }
        }
    }
    for v in res.cycles.iter_mut() {
        *v = u32::from_le_bytes(b[at..at + 4].try_into().expect("4 bytes"));
        at += 4;
    }
    res.status.copy_from_slice(&b[at..at + n]);
    Some(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_decode_to_what_was_encoded() {
        for f64s in [true, false] {
            let mut res = if f64s {
                SweepResults::new_f64(vec![3])
            } else {
                SweepResults::new_f32(vec![3])
            };
            match &mut res.real {
                FloatsFlat::F64(a) => a
                    .iter_mut()
                    .flatten()
                    .enumerate()
                    .for_each(|(k, v)| *v = k as f64 + 0.5),
                FloatsFlat::F32(a) => a
                    .iter_mut()
                    .flatten()
                    .enumerate()
                    .for_each(|(k, v)| *v = k as f32 + 0.5),
            }
            res.cycles = vec![1, 2, 3];
            res.status = vec![0, 3, 1];
            let range = 10..13;
            let back = decode(&encode(&range, &res), &range, f64s, Outputs::ALL).expect("decodes");
            // A chunk of all arrays is not one of fewer.
            let fewer = Outputs::parse(&["power"], "outputs").unwrap();
            assert!(decode(&encode(&range, &res), &range, f64s, fewer).is_none());
            assert_eq!(back.cycles, res.cycles);
            assert_eq!(back.status, res.status);
            match (&back.real, &res.real) {
                (FloatsFlat::F64(a), FloatsFlat::F64(b)) => assert_eq!(a, b),
                (FloatsFlat::F32(a), FloatsFlat::F32(b)) => assert_eq!(a, b),
                _ => panic!("precision changed"),
            }
        }
    }

    #[test]
    fn chunks_of_kept_arrays_decode_to_what_was_encoded() {
        let kept = Outputs::parse(&["efficiency", "power"], "outputs").unwrap();
        let mut res = SweepResults::new(vec![2], true, kept);
        let FloatsFlat::F64(a) = &mut res.real else {
            unreachable!()
        };
        a[crate::twin::Quantity::Power.index()].copy_from_slice(&[1.5, -2.0]);
        a[crate::twin::Quantity::Efficiency.index()].copy_from_slice(&[0.25, f64::NAN]);
        res.status = vec![0, 3];
        let range = 4..6;
        let bytes = encode(&range, &res);
        // 24 header bytes, 2 floats and a status byte per point, 32 of SHA-256.
        assert_eq!(bytes.len(), 24 + 2 * (2 * 8 + 1) + 32);
        let back = decode(&bytes, &range, true, kept).expect("decodes");
        assert_eq!(back.outputs, kept);
        assert!(back.cycles.is_empty());
        assert_eq!(back.status, res.status);
        let (FloatsFlat::F64(x), FloatsFlat::F64(y)) = (&back.real, &res.real) else {
            unreachable!()
        };
        for (p, q) in x.iter().zip(y) {
            let bits = |v: &[f64]| v.iter().map(|f| f.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(p), bits(q));
        }
    }
}
