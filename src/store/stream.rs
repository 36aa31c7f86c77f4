//! The full arrays streamed to disk: each `.npy` is created at full size
//! when the run starts and filled in place, chunk by chunk, and a journal
//! of finished chunks (flat range and the BLAKE3 hash of their bytes)
//! makes the files their own checkpoint. So every array is written once, a
//! sweep needs one copy of its output on disk, and a grid larger than
//! memory runs with memory bounded by the chunk.
//!
//! The files live in the sweep's `.nessbat-partial/` folder until the
//! run is written out, when they are renamed into place
//! (src/store/output.rs) with the SHA-256 of each file for metadata.json,
//! hashed as the chunks pass in order rather than read back. `--resume` reuses every journaled chunk whose
//! bytes still hash to their entry and recomputes the rest: a chunk that
//! was written but not journaled (kill -9 between the two) or whose bytes
//! were damaged is computed again, never trusted.

use std::fs::File;
use std::io::Write;
use std::ops::Range;
use std::os::unix::fs::{FileExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use sha2::{Digest, Sha256};

use crate::config::outputs::Outputs;
use crate::store::results::{FloatsFlat, SweepResults};

/// The journal's file name inside the partial folder.
const JOURNAL: &str = "journal";

/// One array file: its stem, open handle, header length and item size.
struct ArrayFile {
    name: String,
    file: File,
    header: u64,
    item: u64,
}

/// The kept arrays of one sweep range, as `.npy` files filled in place.
pub struct ArrayFiles {
    dir: PathBuf,
    arrays: Vec<ArrayFile>,
    points: u64,
    /// Each file's SHA-256 so far and the next point it expects: chunks
    /// written or read back in order extend it; any other order drops it
    /// (the checksums are then read from the files at the end).
    sha: Mutex<Option<(Vec<Sha256>, u64)>>,
}

/// A finished chunk as the journal records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub chunk: u64,
    pub range: Range<u64>,
    pub sum: String,
}

/// The `.npy` header (format 1.0) of a C-order array of `descr` and
/// `shape`, padded so that the data starts on a 64-byte boundary.
fn npy_header(descr: &str, shape: &[usize]) -> Vec<u8> {
    let dims = match shape {
        [n] => format!("({n},)"),
        _ => format!(
            "({})",
            shape
                .iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    // Byte for byte as ndarray-npy writes it (the merge and in-memory
    // writes), so that every path gives identical files.
    let mut dict = format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {dims}}}");
    let unpadded = 10 + dict.len() + 1;
    dict.push_str(&" ".repeat(unpadded.next_multiple_of(64) - unpadded));
    dict.push('\n');
    let mut h = b"\x93NUMPY\x01\x00".to_vec();
    h.extend_from_slice(&(dict.len() as u16).to_le_bytes());
    h.extend_from_slice(dict.as_bytes());
    h
}

/// The kept arrays' (file stem, numpy descr, item bytes), in the order of
/// `store::arrays::borrowed`: quantities, cycles, status.
fn layout(f64s: bool, outputs: Outputs) -> Vec<(String, &'static str, u64)> {
    let (float, size) = match (f64s, cfg!(target_endian = "little")) {
        (true, true) => ("<f8", 8),
        (true, false) => (">f8", 8),
        (false, true) => ("<f4", 4),
        (false, false) => (">f4", 4),
    };
    let mut v: Vec<_> = outputs
        .quantities()
        .map(|q| (q.name().to_string(), float, size))
        .collect();
    if outputs.cycles() {
        let u32s = if cfg!(target_endian = "little") {
            "<u4"
        } else {
            ">u4"
        };
        v.push(("cycles".into(), u32s, 4));
    }
    v.push(("status".into(), "|u1", 1));
    v
}

/// The byte slices of `res`'s kept arrays, in `layout` order.
fn slices(res: &SweepResults) -> Vec<&[u8]> {
    let mut v: Vec<&[u8]> = Vec::new();
    for q in res.outputs.quantities() {
        v.push(match &res.real {
            FloatsFlat::F64(a) => bytemuck::cast_slice(&a[q.index()]),
            FloatsFlat::F32(a) => bytemuck::cast_slice(&a[q.index()]),
        });
    }
    if res.outputs.cycles() {
        v.push(bytemuck::cast_slice(&res.cycles));
    }
    v.push(&res.status);
    v
}

/// Reserves `len` bytes of disk for `f`, so that a full disk shows when
/// the run starts, not hours into it (Linux fallocate; where a file system
/// cannot, the file stays sparse and the up-front free-space check is the
/// guard).
fn reserve(f: &File, len: u64) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        let Ok(len) = libc::off_t::try_from(len) else {
            return Ok(());
        };
        // SAFETY: fallocate(2) on an open descriptor we own, mode 0.
        if unsafe { libc::fallocate(f.as_raw_fd(), 0, 0, len) } != 0 {
            let e = std::io::Error::last_os_error();
            if e.raw_os_error() == Some(libc::ENOSPC) {
                return Err(e);
            }
        }
    }
    let _ = (f, len);
    Ok(())
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

impl ArrayFiles {
    /// Opens the arrays of a `shape`-shaped range in `dir`: the existing
    /// files where `resume` and they have exactly the expected header and
    /// size, else new ones (and an empty journal). Each file is created at
    /// its full size, sparse until filled.
    pub fn open(
        dir: &Path,
        shape: &[usize],
        f64s: bool,
        outputs: Outputs,
        resume: bool,
    ) -> std::io::Result<ArrayFiles> {
        let points: u64 = shape.iter().map(|&n| n as u64).product();
        let wanted = layout(f64s, outputs);
        let named = |path: &Path, e: std::io::Error| {
            std::io::Error::new(e.kind(), format!("{}: {e}", path.display()))
        };
        // An array file as a previous run left it: None where it is missing
        // or not what this run would write; an error where it exists but
        // cannot be opened (its journal then stays for a later --resume).
        let intact = |name: &str, header: &[u8], item: u64| -> std::io::Result<Option<File>> {
            let path = dir.join(format!("{name}.npy"));
            let f = match std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .custom_flags(libc::O_NOFOLLOW)
                .open(&path)
            {
                Ok(f) => f,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
                Err(e) => return Err(named(&path, e)),
            };
            let len = f.metadata().map_err(|e| named(&path, e))?.len();
            let mut head = vec![0u8; header.len()];
            if len != header.len() as u64 + points * item || f.read_exact_at(&mut head, 0).is_err()
            {
                return Ok(None);
            }
            Ok((head == header).then_some(f))
        };
        let mut reuse = resume;
        if resume {
            for (name, descr, item) in &wanted {
                reuse &= intact(name, &npy_header(descr, shape), *item)?.is_some();
            }
        }
        let mut arrays = Vec::new();
        let mut sha = Vec::new();
        for (name, descr, item) in wanted {
            let header = npy_header(descr, shape);
            sha.push(Sha256::new_with_prefix(&header));
            let file = match reuse {
                true => intact(&name, &header, item)?.ok_or_else(|| {
                    std::io::Error::other(format!("{name}.npy changed while opening"))
                })?,
                false => {
                    // Read back too: a resumed run verifies what it wrote.
                    let path = dir.join(format!("{name}.npy"));
                    let mut f = std::fs::OpenOptions::new()
                        .read(true)
                        .write(true)
                        .create(true)
                        .truncate(true)
                        .custom_flags(libc::O_NOFOLLOW)
                        .open(&path)
                        .map_err(|e| named(&path, e))?;
                    f.write_all(&header).map_err(|e| named(&path, e))?;
                    let len = header.len() as u64 + points * item;
                    f.set_len(len).map_err(|e| named(&path, e))?;
                    reserve(&f, len).map_err(|e| named(&path, e))?;
                    f
                }
            };
            arrays.push(ArrayFile {
                name,
                file,
                header: header.len() as u64,
                item,
            });
        }
        // New files make the old journal void; only now, once they exist.
        if !reuse {
            match std::fs::remove_file(dir.join(JOURNAL)) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(named(&dir.join(JOURNAL), e))
                }
                _ => {}
            }
        }
        Ok(ArrayFiles {
            dir: dir.to_path_buf(),
            arrays,
            points,
            sha: Mutex::new(Some((sha, 0))),
        })
    }

    /// Extends the files' running SHA-256 with the chunk at `at`.
    fn feed(&self, at: u64, n: u64, bytes: &[&[u8]]) {
        let mut sha = self.sha.lock().unwrap_or_else(|e| e.into_inner());
        match sha.as_mut() {
            Some((h, next)) if *next == at => {
                for (h, b) in h.iter_mut().zip(bytes) {
                    h.update(b);
                }
                *next += n;
            }
            _ => *sha = None,
        }
    }

    /// Each file's SHA-256 (hex, in file order) where every point passed
    /// in order; None otherwise.
    pub fn checksums(&self) -> Option<Vec<String>> {
        let sha = self.sha.lock().unwrap_or_else(|e| e.into_inner()).clone();
        match sha {
            Some((h, next)) if next == self.points => {
                Some(h.into_iter().map(|h| hex(&h.finalize())).collect())
            }
            _ => None,
        }
    }

    /// Writes `res`, the results of the points `at..at + res.len()` of the
    /// range, into place; returns the BLAKE3 hash of their bytes, for the
    /// journal.
    pub fn write(&self, at: u64, res: &SweepResults) -> std::io::Result<String> {
        debug_assert!(at + res.len() as u64 <= self.points);
        let bytes = slices(res);
        let mut h = blake3::Hasher::new();
        for (a, b) in self.arrays.iter().zip(&bytes) {
            a.file.write_all_at(b, a.header + at * a.item)?;
            h.update(b);
        }
        self.feed(at, res.len() as u64, &bytes);
        Ok(h.finalize().to_hex().to_string())
    }

    /// Reads the points `at..at + n` back, with the BLAKE3 hash of their
    /// bytes.
    pub fn read(
        &self,
        at: u64,
        n: usize,
        f64s: bool,
        outputs: Outputs,
    ) -> std::io::Result<(SweepResults, String)> {
        let mut res = SweepResults::new(vec![n], f64s, outputs);
        let mut h = blake3::Hasher::new();
        {
            let mut targets: Vec<&mut [u8]> = Vec::new();
            match &mut res.real {
                FloatsFlat::F64(a) => {
                    for v in a.iter_mut().filter(|v| !v.is_empty()) {
                        targets.push(bytemuck::cast_slice_mut(v));
                    }
                }
                FloatsFlat::F32(a) => {
                    for v in a.iter_mut().filter(|v| !v.is_empty()) {
                        targets.push(bytemuck::cast_slice_mut(v));
                    }
                }
            }
            if !res.cycles.is_empty() {
                targets.push(bytemuck::cast_slice_mut(&mut res.cycles));
            }
            targets.push(&mut res.status);
            for (a, t) in self.arrays.iter().zip(targets) {
                a.file.read_exact_at(t, a.header + at * a.item)?;
                h.update(t);
            }
        }
        let sum = h.finalize().to_hex().to_string();
        // Only intact chunks are kept, so only they may extend the files'
        // checksums; the caller drops a damaged one and computes it anew.
        Ok((res, sum))
    }

    /// Appends finished chunks to the journal (after their bytes are
    /// written: an entry vouches only for bytes already in place).
    pub fn record(&self, entries: &[Entry]) -> std::io::Result<()> {
        if entries.is_empty() {
            return Ok(());
        }
        let mut text = String::new();
        for e in entries {
            text.push_str(&format!(
                "{} {} {} {}\n",
                e.chunk, e.range.start, e.range.end, e.sum
            ));
        }
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.join(JOURNAL))?;
        f.write_all(text.as_bytes())
    }

    /// The journal's entries; a torn or garbled line (a crash mid-append)
    /// is skipped, so its chunk is recomputed.
    pub fn journal(&self) -> Vec<Entry> {
        let text = std::fs::read_to_string(self.dir.join(JOURNAL)).unwrap_or_default();
        text.lines()
            .filter_map(|l| {
                let mut it = l.split(' ');
                let chunk = it.next()?.parse().ok()?;
                let start = it.next()?.parse().ok()?;
                let end = it.next()?.parse().ok()?;
                let sum = it.next()?;
                (sum.len() == 64 && it.next().is_none()).then(|| Entry {
                    chunk,
                    range: start..end,
                    sum: sum.to_string(),
                })
            })
            .collect()
    }

    /// Extends the files' running SHA-256 with a chunk read back and found
    /// intact.
    pub fn feed_read(&self, at: u64, res: &SweepResults) {
        self.feed(at, res.len() as u64, &slices(res));
    }

    /// The array files, in file order.
    pub fn paths(&self) -> Vec<PathBuf> {
        self.arrays
            .iter()
            .map(|a| self.dir.join(format!("{}.npy", a.name)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{ArrayD, IxDyn};
    use ndarray_npy::WriteNpyExt;

    #[test]
    fn headers_are_the_ones_ndarray_npy_writes() {
        // Byte for byte, so that streamed, in-memory and merged arrays give
        // identical files.
        let check = |h: Vec<u8>, want: Vec<u8>, data: usize| {
            assert_eq!(h.len() % 64, 0);
            assert_eq!(h.len() + data, want.len());
            assert_eq!(h, want[..h.len()]);
        };
        let mut want = Vec::new();
        WriteNpyExt::write_npy(&ArrayD::<f64>::zeros(IxDyn(&[3, 4])), &mut want).unwrap();
        check(npy_header("<f8", &[3, 4]), want, 96);
        let mut want = Vec::new();
        WriteNpyExt::write_npy(&ArrayD::<u8>::zeros(IxDyn(&[5])), &mut want).unwrap();
        check(npy_header("|u1", &[5]), want, 5);
        let mut want = Vec::new();
        WriteNpyExt::write_npy(&ArrayD::<u32>::zeros(IxDyn(&[2, 1, 7])), &mut want).unwrap();
        check(npy_header("<u4", &[2, 1, 7]), want, 56);
    }

    #[test]
    fn written_chunks_read_back_with_their_checksum() {
        let dir = std::env::temp_dir().join(format!("nessbat-stream-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let files = ArrayFiles::open(&dir, &[2, 3], true, Outputs::ALL, false).unwrap();
        let mut part = SweepResults::new(vec![2], true, Outputs::ALL);
        part.status = vec![3, 1];
        if let FloatsFlat::F64(a) = &mut part.real {
            a[0] = vec![0.5, -2.0];
        }
        let sum = files.write(4, &part).unwrap();
        let (back, again) = files.read(4, 2, true, Outputs::ALL).unwrap();
        assert_eq!((back.status.clone(), sum.clone()), (vec![3, 1], again));
        let FloatsFlat::F64(a) = &back.real else {
            panic!("f64")
        };
        assert_eq!(a[0], vec![0.5, -2.0]);
        files
            .record(&[Entry {
                chunk: 2,
                range: 4..6,
                sum: sum.clone(),
            }])
            .unwrap();
        // A torn last line is skipped.
        std::fs::OpenOptions::new()
            .append(true)
            .open(dir.join(JOURNAL))
            .unwrap()
            .write_all(b"3 6 8 ab")
            .unwrap();
        let reopened = ArrayFiles::open(&dir, &[2, 3], true, Outputs::ALL, true).unwrap();
        assert_eq!(
            reopened.journal(),
            vec![Entry {
                chunk: 2,
                range: 4..6,
                sum
            }]
        );
        // Another shape is not reused: new files, empty journal.
        let other = ArrayFiles::open(&dir, &[3, 3], true, Outputs::ALL, true).unwrap();
        assert!(other.journal().is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_file_that_cannot_be_opened_keeps_the_journal() {
        let dir = std::env::temp_dir().join(format!("nessbat-stream-keep-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let kept = Outputs::parse(&["power"]).unwrap();
        let files = ArrayFiles::open(&dir, &[4], true, kept, false).unwrap();
        let part = SweepResults::new(vec![2], true, kept);
        let sum = files.write(0, &part).unwrap();
        files
            .record(&[Entry {
                chunk: 0,
                range: 0..2,
                sum,
            }])
            .unwrap();
        drop(files);
        // power.npy replaced by a folder: not missing, not openable.
        std::fs::remove_file(dir.join("power.npy")).unwrap();
        std::fs::create_dir(dir.join("power.npy")).unwrap();
        let e = ArrayFiles::open(&dir, &[4], true, kept, true)
            .err()
            .unwrap();
        assert!(e.to_string().contains("power.npy"), "{e}");
        assert_eq!(
            std::fs::read_to_string(dir.join(JOURNAL))
                .unwrap()
                .lines()
                .count(),
            1
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
