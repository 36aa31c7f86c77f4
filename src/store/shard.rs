//! Shards: the K-th of N disjoint, contiguous parts of a grid's flat
//! (C-order) index range, for job arrays; and their merge back into the
//! arrays one unsharded run writes.

use std::ops::Range;
use std::path::Path;

use ndarray::ArrayD;
use ndarray_npy::{read_npy, ReadableElement};
use serde_json::Value;

use crate::config::SweepConfig;
use crate::grid::Grid;
use crate::store::output::{checksum, BackendKind, RunInfo};
use crate::store::reduced::{finish, Accumulators, Partial, PassResults, Reduced};
use crate::store::results::{FloatsFlat, SweepResults};
use nessbat_kernels::{Named, Precision};

/// Part `k` of `n` (0 ≤ k < n).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub k: u64,
    pub n: u64,
}

use crate::error::Error;

impl Shard {
    /// Parses "K/N".
    pub fn parse(s: &str) -> Result<Shard, Error> {
        let bad = || {
            Error::Shard(format!(
                "--shard {s}: accepted: K/N with integers 0 <= K < N, e.g. 3/16"
            ))
        };
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let (k, n): (u64, u64) = (
            k.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if n == 0 || k >= n {
            return Err(bad());
        }
        Ok(Shard { k, n })
    }

    /// Its flat index range in a grid of `total` points: [k·total/n,
    /// (k+1)·total/n), so shards are disjoint and cover the grid.
    pub fn range(&self, total: u64) -> Result<Range<u64>, Error> {
        if self.n > total {
            return Err(Error::Shard(format!(
                "--shard {}/{}: N may be at most the number of points, {total}",
                self.k, self.n
            )));
        }
        let at = |k: u64| (u128::from(k) * u128::from(total) / u128::from(self.n)) as u64;
        Ok(at(self.k)..at(self.k + 1))
    }
}

pub fn read<T: ReadableElement>(dir: &Path, name: &str, meta: &Value) -> Result<ArrayD<T>, Error> {
    let file = format!("{name}.npy");
    let path = dir.join(&file);
    let want = meta["checksums"][&file].as_str().unwrap_or_default();
    let got = checksum(&path).map_err(|e| Error::Shard(format!("{}: {e}", path.display())))?;
    if got != want {
        return Err(Error::Shard(format!(
            "{}: checksum mismatch (damaged or truncated); recompute this shard",
            path.display()
        )));
    }
    read_npy(&path).map_err(|e| Error::Shard(format!("{}: {e}", path.display())))
}

/// A merged sweep: the full arrays (when the config keeps them) and the
/// reduced arrays of its `[[reduce]]` entries.
pub struct Merged {
    pub grid: Grid,
    pub full: Option<SweepResults>,
    pub reduced: Vec<Reduced>,
    pub info: RunInfo,
}

/// What [`shard_metas`] returns: each folder's metadata in the order given,
/// the folders in shard order, and N.
pub type ShardMetas<'a> = (Vec<Value>, Vec<Option<&'a Path>>, u64);

/// The metadata of each shard folder (in `dirs`' order), checked to come
/// from one sweep (config, version, model, protocol, precision) and to
/// tile it: (metadata, the folders in shard order, N). Refuses folders
/// that are no shards, and duplicated or missing shards.
pub fn shard_metas<'a>(dirs: &[&'a Path]) -> Result<ShardMetas<'a>, Error> {
    let mut metas = Vec::new();
    for d in dirs {
        let text = std::fs::read(d.join("metadata.json"))
            .map_err(|e| Error::Shard(format!("{}: no finished shard here ({e})", d.display())))?;
        let m: Value = serde_json::from_slice(&text)
            .map_err(|e| Error::Shard(format!("{}/metadata.json: {e}", d.display())))?;
        if m.get("shard").is_none_or(Value::is_null) {
            return Err(Error::Shard(format!(
                "{}: not a shard (written without --shard)",
                d.display()
            )));
        }
        metas.push(m);
    }
    let first = &metas[0];
    for (d, m) in dirs.iter().zip(&metas) {
        for key in [
            "config",
            "nessbat_version",
            "model",
            "protocol",
            "precision",
        ] {
            if m[key] != first[key] {
                return Err(Error::Shard(format!(
                    "{}: {key} differs from {}'s; shards must come from one sweep",
                    d.display(),
                    dirs[0].display()
                )));
            }
        }
    }
    let n = first["shard"]["n"].as_u64().unwrap_or(0);
    let mut seen = vec![None; n as usize];
    for (d, m) in dirs.iter().zip(&metas) {
        let (k, nk) = (
            m["shard"]["k"].as_u64().unwrap_or(u64::MAX),
            m["shard"]["n"].as_u64().unwrap_or(0),
        );
        if nk != n || k >= n {
            return Err(Error::Shard(format!(
                "{}: shard {k}/{nk} does not belong to a split into {n}",
                d.display()
            )));
        }
        if let Some(other) = seen[k as usize].replace(*d) {
            return Err(Error::Shard(format!(
                "shard {k}/{n} given twice: {} and {}",
                other.display(),
                d.display()
            )));
        }
    }
    if let Some(k) = seen.iter().position(Option::is_none) {
        return Err(Error::Shard(format!("shard {k}/{n} is missing")));
    }
    Ok((metas, seen, n))
}

/// Merges shard folders into the results of the whole grid. Refuses
/// overlapping, duplicated or missing shards and shards of another config,
/// crate version, model or precision.
pub fn merge(dirs: &[&Path]) -> Result<Merged, Error> {
    let (metas, seen, n) = shard_metas(dirs)?;
    let first = &metas[0];
    let config: SweepConfig = serde_json::from_value(first["config"].clone())
        .map_err(|e| Error::Shard(format!("metadata config: {e}")))?;
    let grid = Grid::new(config).map_err(|e| Error::Shard(format!("metadata config: {e}")))?;
    let total = grid.len();
    let f64s = first["precision"] == "f64";
    let mut full = grid
        .full_arrays()
        .then(|| SweepResults::new(grid.shape(), f64s, grid.outputs));
    let mut backend: Option<BackendKind> = None;
    let (mut wall, mut elapsed) = (0.0, 0.0);
    for (d, m) in dirs.iter().zip(&metas) {
        if let Some(res) = &mut full {
            let shard = Shard {
                k: m["shard"]["k"].as_u64().unwrap_or(0),
                n,
            };
            read_arrays(d, m, res, &shard.range(total)?)?;
        }
        let b = m["backend"]
            .as_str()
            .and_then(BackendKind::parse)
            .ok_or_else(|| {
                Error::Shard(format!(
                    "{}: metadata.json names no backend this version knows (cpu, gpu or cpu+gpu)",
                    d.display()
                ))
            })?;
        backend = Some(backend.map_or(b, |k| k.join(b)));
        wall += m["compute_seconds"].as_f64().unwrap_or(0.0);
        elapsed += m["elapsed_seconds"].as_f64().unwrap_or(0.0);
    }
    // Reductions: fold each pass's shares in shard order (traversal order).
    let passes = crate::grid::passes::passes(&grid, &grid.reductions)
        .map_err(|e| Error::Shard(format!("metadata config: {e}")))?;
    let mut done: PassResults = Vec::new();
    for (p, pass) in passes.into_iter().enumerate() {
        let nm = pass.members.len();
        let mut acc = Accumulators::empty(pass.cells as usize * nm);
        for d in seen.iter().flatten() {
            let m = &metas[dirs.iter().position(|x| x == d).expect("a given folder")];
            let part = read_partial(d, m, p, &pass)?;
            part.fold_into(&mut acc, nm);
        }
        done.push((pass, acc));
    }
    let reduced = finish(&grid, &done);
    let backend = backend.expect("at least one shard");
    let info = RunInfo {
        backend,
        adapter: first.get("adapter").cloned().filter(|a| !a.is_null()),
        precision: first["precision"]
            .as_str()
            .and_then(Precision::parse)
            .unwrap_or(Precision::F64),
        compute_seconds: wall,
        elapsed_seconds: elapsed,
        setup_seconds: 0.0,
        shard: None,
        command: None,
        computed: metas
            .iter()
            .map(|m| m["points_computed"].as_u64().unwrap_or(0))
            .sum(),
        recomputed_f64: metas
            .iter()
            .map(|m| m["recomputed_in_f64"].as_u64().unwrap_or(0))
            .sum(),
        rescued: metas
            .iter()
            .map(|m| m["rescued_in_double_double"].as_u64().unwrap_or(0))
            .sum(),
        identity: Some(crate::store::checkpoint::identity(
            &grid,
            first["precision"].as_str().unwrap_or("f64"),
            &(0..total),
            backend.name(),
        )),
    };
    Ok(Merged {
        grid,
        full,
        reduced,
        info,
    })
}

/// Copies one shard's full arrays into `res` at its flat range.
fn read_arrays(
    d: &Path,
    m: &Value,
    res: &mut SweepResults,
    range: &Range<u64>,
) -> Result<(), Error> {
    let (a, b) = (range.start as usize, range.end as usize);
    let check = |len: usize| {
        if len == b - a {
            Ok(())
        } else {
            Err(Error::Shard(format!(
                "{}: arrays have the wrong length",
                d.display()
            )))
        }
    };
    for q in res.outputs.quantities() {
        let (name, q) = (q.name(), q.index());
        match &mut res.real {
            FloatsFlat::F64(arr) => {
                let v = read::<f64>(d, name, m)?;
                check(v.len())?;
                arr[q][a..b].copy_from_slice(v.as_slice().unwrap_or_default());
            }
            FloatsFlat::F32(arr) => {
                let v = read::<f32>(d, name, m)?;
                check(v.len())?;
                arr[q][a..b].copy_from_slice(v.as_slice().unwrap_or_default());
            }
        }
    }
    if res.outputs.cycles() {
        let cycles = read::<u32>(d, "cycles", m)?;
        check(cycles.len())?;
        res.cycles[a..b].copy_from_slice(cycles.as_slice().unwrap_or_default());
    }
    let status = read::<u8>(d, "status", m)?;
    check(status.len())?;
    res.status[a..b].copy_from_slice(status.as_slice().unwrap_or_default());
    Ok(())
}

/// One shard's share of pass `p`, checked against the pass's size.
fn read_partial(
    d: &Path,
    m: &Value,
    p: usize,
    pass: &crate::grid::passes::Pass,
) -> Result<Partial, Error> {
    let entry = m["partial_reductions"]
        .as_array()
        .and_then(|a| a.iter().find(|e| e["pass"].as_u64() == Some(p as u64)))
        .ok_or_else(|| {
            Error::Shard(format!(
                "{}: no partial reductions for pass {p} (a shard of another config?)",
                d.display()
            ))
        })?;
    let cell_start = entry["cell_start"].as_u64().unwrap_or(u64::MAX);
    let key = read::<f64>(d, &format!("partial-{p}.key"), m)?;
    let index = read::<u64>(d, &format!("partial-{p}.index"), m)?;
    let count = read::<u64>(d, &format!("partial-{p}.count"), m)?;
    let flagged = read::<u64>(d, &format!("partial-{p}.flagged"), m)?;
    let nm = pass.members.len() as u64;
    let n = key.len() as u64;
    if index.len() as u64 != n
        || count.len() as u64 != n
        || flagged.len() as u64 != n
        || !n.is_multiple_of(nm)
        || cell_start.saturating_add(n / nm) > pass.cells
    {
        return Err(Error::Shard(format!(
            "{}: partial reductions of pass {p} have the wrong size",
            d.display()
        )));
    }
    Ok(Partial {
        pass: p,
        cell_start,
        acc: Accumulators {
            key: key.into_raw_vec_and_offset().0,
            index: index.into_raw_vec_and_offset().0,
            count: count.into_raw_vec_and_offset().0,
            flagged: flagged.into_raw_vec_and_offset().0,
            // A shard's own metadata counts what it recomputed.
            recomputed_f64: 0,
            rescued: 0,
        },
    })
}
