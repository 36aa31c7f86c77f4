//! Checkpoints: a sweep streams its full arrays into `.npy` files in
//! `OUT/.nessbat-partial/`, chunk by chunk, and journals each finished
//! chunk with the BLAKE3 hash of its bytes (src/store/stream.rs), so that after
//! a crash, `kill -9` or a power cut `nessbat sweep --resume` recomputes
//! only what is missing. Every point is computed independently of how the
//! grid is chunked, so the final arrays equal an uninterrupted run's bit
//! for bit. A journaled chunk whose bytes no longer hash to its entry is
//! reported and recomputed, never used.

use nessbat_kernels::Named;
use std::io::Write;
use std::ops::Range;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::config::outputs::Outputs;
use crate::grid::Grid;
use crate::store::results::SweepResults;
use crate::store::stream::{ArrayFiles, Entry};

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
    resume: bool,
    /// The streamed arrays, once [`Checkpoint::arrays`] opened them, and
    /// their journal by chunk.
    files: Option<ArrayFiles>,
    journal: std::collections::HashMap<u64, Entry>,
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
    let io = |e: std::io::Error| {
        refused(
            out,
            format!(
                "--out {}: {e}; accepted: a folder this user can create and write to (its lock file {LOCK} a plain file, not a link)",
                out.display()
            ),
        )
    };
    if out.exists() && !out.is_dir() {
        return Err(refused(
            out,
            format!(
                "--out {} is a file, not a folder; accepted: a folder, new or holding nessbat results",
                out.display()
            ),
        ));
    }
    std::fs::create_dir_all(out).map_err(io)?;
    let path = out.join(LOCK);
    // Never through a link: a planted .nessbat-lock pointing elsewhere
    // would have that file truncated and overwritten.
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .custom_flags(libc::O_NOFOLLOW)
        .open(&path)
        .map_err(io)?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => return Err(in_use(out, &path)),
        Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
    }
    // The lock holds only if the file locked is still the folder's lock
    // file: a run that ended in between unlinks it, and a run locking the
    // unlinked file would proceed beside one that made a new one.
    {
        use std::os::unix::fs::MetadataExt;
        let same = match (file.metadata(), std::fs::symlink_metadata(&path)) {
            (Ok(a), Ok(b)) => a.ino() == b.ino() && a.dev() == b.dev(),
            _ => false,
        };
        if !same {
            return Err(in_use(out, &path));
        }
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

/// The first file a finished sweep's metadata.json (`meta`) vouches for
/// that is not in `out`, if any.
fn missing_files(out: &Path, meta: &Path) -> Option<String> {
    let v: Value = serde_json::from_slice(&std::fs::read(meta).ok()?).ok()?;
    v["checksums"]
        .as_object()?
        .keys()
        .find(|name| !out.join(name).is_file())
        .cloned()
}

/// Why this run could not write into `out` or its checkpoint folder
/// `partial` (where it exists): a probe file made and removed in each.
fn unwritable(out: &Path, partial: &Path) -> Option<String> {
    for d in [out, partial] {
        if !d.is_dir() {
            continue;
        }
        let probe = d.join(format!(".nessbat-probe-{}", std::process::id()));
        match std::fs::File::create(&probe) {
            Ok(_) => {
                let _ = std::fs::remove_file(&probe);
            }
            Err(e) => {
                return Some(format!(
                "--out {}: cannot write into {}: {e}; accepted: a folder this user can write to",
                out.display(),
                d.display()
            ))
            }
        }
    }
    None
}

/// The refusal of a folder whose lock file `path` another run holds.
fn in_use(out: &Path, path: &Path) -> Error {
    let holder = std::fs::read_to_string(path).unwrap_or_default();
    let holder = holder.trim();
    refused(
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
    )
}

/// Refuses `out` where another run holds its lock, without making or
/// taking anything: for checks that come before the lock is taken (a
/// merge reads its shards first), so that a folder a sweep is writing is
/// named as in use rather than as holding results.
pub fn check_not_in_use(out: &Path) -> Result<(), Error> {
    let path = out.join(LOCK);
    let Ok(file) = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&path)
    else {
        return Ok(());
    };
    match file.try_lock() {
        Err(std::fs::TryLockError::WouldBlock) => Err(in_use(out, &path)),
        _ => Ok(()),
    }
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
        // Before anything is read or removed: one run per folder. A
        // refusal leaves the folder as it was, lock file included.
        let existed = out.join(LOCK).exists();
        let lock = lock_folder(out)?;
        let give_back = |lock: std::fs::File| {
            if existed {
                drop(lock);
            } else {
                unlock_folder(out, lock);
            }
        };
        let shown = out.display();
        // A folder this run cannot write into is named now, not after the
        // compute (found: a read-only folder on --resume failed at the final
        // rename, its new chunks lost).
        if let Some(message) = unwritable(out, &dir) {
            give_back(lock);
            return Err(refused(out, message));
        }
        let refusal = match mode {
            Mode::Force => {
                // Start over: the previous result and checkpoint go now, so
                // that their space counts as free (store::budget) and the
                // folder never holds a finished sweep beside a new one. A
                // file that cannot be removed stops the run here, before
                // anything is computed, rather than leaving a mixed folder.
                let _ = std::fs::remove_dir_all(&dir);
                match crate::store::output::remove_previous(out) {
                    Ok(()) => {
                        let _ = std::fs::remove_file(&finished);
                        None
                    }
                    Err(e) => Some(format!(
                        "--force: {e}; accepted: a folder whose files this user may remove, or a new folder"
                    )),
                }
            }
            Mode::Fresh if finished.exists() => Some(format!(
                "--out {shown} holds a finished sweep; accepted: a new folder, --force to overwrite it, or --resume"
            )),
            Mode::Fresh if dir.exists() => Some(format!(
                "--out {shown} holds an interrupted sweep; accepted: --resume to continue it or --force to start over"
            )),
            Mode::Fresh if !crate::store::output::previous_files(out).is_empty() => Some(format!(
                "--out {shown} holds nessbat arrays or plots without a finished sweep's metadata.json; accepted: a new folder, or --force to replace them"
            )),
            Mode::Fresh => None,
            Mode::Resume => match read_id(&manifest) {
                Some(have) if have != id => Some(format!(
                    "--resume: --out {shown} holds another config's sweep (or another version, model, precision, backend, outputs or shard); accepted: the same config and options, or --force to start over"
                )),
                Some(_) => None,
                None if finished.exists() => {
                    if read_id(&finished) == Some(id.to_string()) {
                        // Finished, if every array it vouches for is there.
                        if let Some(missing) = missing_files(out, &finished) {
                            give_back(lock);
                            return Err(refused(out, format!(
                                "--resume: --out {shown} holds this sweep, finished, but {missing} is missing; accepted: --force to compute it again"
                            )));
                        }
                        give_back(lock);
                        return Ok(None);
                    }
                    Some(format!(
                        "--resume: --out {shown} holds another config's finished sweep; accepted: the same config and options, or --force to overwrite it"
                    ))
                }
                None => None,
            },
        };
        if let Some(message) = refusal {
            give_back(lock);
            return Err(refused(out, message));
        }
        // Staging folders of a run killed while renaming its files: under
        // the lock no other run is writing here, so they are stale.
        if let Ok(entries) = std::fs::read_dir(out) {
            for e in entries.filter_map(Result::ok) {
                let stale = e
                    .file_name()
                    .to_string_lossy()
                    .starts_with(".nessbat-staging-");
                if stale && e.file_type().is_ok_and(|t| t.is_dir()) {
                    let _ = std::fs::remove_dir_all(e.path());
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
        let m = json!({"identity": id, "chunk": chunk});
        std::fs::write(&manifest, m.to_string()).map_err(io)?;
        Ok(Some(Checkpoint {
            dir,
            chunk,
            reused: 0,
            damaged: Vec::new(),
            nothing_to_resume,
            resume: mode == Mode::Resume,
            files: None,
            journal: Default::default(),
            lock,
        }))
    }

    /// Opens the streamed arrays of a `shape`-shaped range: on --resume
    /// the interrupted run's files and journal where they match, else new
    /// ones.
    pub fn arrays(&mut self, shape: &[usize], f64s: bool, outputs: Outputs) -> Result<(), Error> {
        let out = self.dir.parent().unwrap_or(&self.dir);
        let files = ArrayFiles::open(&self.dir, shape, f64s, outputs, self.resume).map_err(|e| {
            refused(
                out,
                format!(
                    "--out {}: cannot prepare the arrays: {e}; accepted: a folder this user can write to, on a disk with room",
                    out.display()
                ),
            )
        })?;
        self.journal = files.journal().into_iter().map(|e| (e.chunk, e)).collect();
        self.files = Some(files);
        Ok(())
    }

    /// Chunk `c`, the points `range` (absolute) at offset `at` of the
    /// arrays, if the journal lists it and its bytes still hash to the
    /// entry.
    pub fn load(
        &mut self,
        c: u64,
        range: &Range<u64>,
        at: u64,
        f64s: bool,
        outputs: Outputs,
    ) -> Option<SweepResults> {
        let entry = self.journal.get(&c).filter(|e| e.range == *range)?;
        let files = self.files.as_ref()?;
        let n = (range.end - range.start) as usize;
        match files.read(at, n, f64s, outputs) {
            Ok((res, sum)) if sum == entry.sum => {
                files.feed_read(at, &res);
                self.reused += 1;
                Some(res)
            }
            _ => {
                self.damaged
                    .push(format!("chunk {c} (points {}..{})", range.start, range.end));
                None
            }
        }
    }

    /// Writes the finished points `res` at offset `at` of the arrays in
    /// place: their one write. Returns the journal entry that vouches for
    /// them once recorded.
    pub fn write(
        &self,
        c: u64,
        range: &Range<u64>,
        at: u64,
        res: &SweepResults,
    ) -> std::io::Result<Entry> {
        let files = self
            .files
            .as_ref()
            .ok_or_else(|| std::io::Error::other("the streamed arrays were not opened"))?;
        Ok(Entry {
            chunk: c,
            range: range.clone(),
            sum: files.write(at, res)?,
        })
    }

    /// Appends finished chunks to the journal.
    pub fn record(&self, entries: &[Entry]) -> std::io::Result<()> {
        match &self.files {
            Some(f) => f.record(entries),
            None => Ok(()),
        }
    }

    /// The checkpoint folder (`OUT/.nessbat-partial`).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The streamed array files, in file order (empty before
    /// [`Checkpoint::arrays`]).
    pub fn array_paths(&self) -> Vec<PathBuf> {
        self.files.as_ref().map_or_else(Vec::new, ArrayFiles::paths)
    }

    /// The streamed files' SHA-256, where every chunk passed in order.
    pub fn array_checksums(&self) -> Option<Vec<String>> {
        self.files.as_ref().and_then(ArrayFiles::checksums)
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
