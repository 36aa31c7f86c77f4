//! Writing a sweep: one `.npy` per quantity plus `metadata.json`, so that
//! `numpy.load` and matplotlib open them directly.
//!
//! Nothing is ever half-written under a final name ([`super::folder`]).

use nessbat_kernels::Named;
use std::path::{Path, PathBuf};

use ndarray::{ArrayViewD, IxDyn};
use ndarray_npy::WritableElement;
use serde_json::{json, Value};

use crate::config::outputs::Outputs;
use crate::config::reduce::Op;
use crate::grid::Grid;
use crate::store::arrays::{self, ArrayRef};
use crate::store::reduced::{Partial, Reduced, REDUCED_STATUS_NAMES};
use crate::store::results::{SweepResults, STATUS_NAMES};
use nessbat_kernels::Precision;
use nessbat_kernels::Quantity;

/// Which backends computed a result: one, or both for shards merged from
/// runs on different machines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackendKind {
    Cpu,
    Gpu,
    /// Shards from the CPU and the GPU backend, merged.
    Mixed,
}

impl BackendKind {
    /// The name in metadata.json: "cpu", "gpu" or "cpu+gpu".
    pub fn name(self) -> &'static str {
        match self {
            BackendKind::Cpu => "cpu",
            BackendKind::Gpu => "gpu",
            BackendKind::Mixed => "cpu+gpu",
        }
    }

    /// Parses a name written by [`Self::name`].
    pub fn parse(s: &str) -> Option<BackendKind> {
        [BackendKind::Cpu, BackendKind::Gpu, BackendKind::Mixed]
            .into_iter()
            .find(|b| b.name() == s)
    }

    /// The kind of a result joined from results of kinds `self` and `other`.
    pub fn join(self, other: BackendKind) -> BackendKind {
        if self == other {
            self
        } else {
            BackendKind::Mixed
        }
    }
}

impl std::fmt::Display for BackendKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl serde::Serialize for BackendKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// What the run was, for metadata.json.
#[derive(Debug, Clone)]
pub struct RunInfo {
    pub backend: BackendKind,
    /// Adapter name, driver and API; null on the CPU.
    pub adapter: Option<Value>,
    pub precision: Precision,
    /// Seconds spent computing: dispatches and read-back on the GPU, the
    /// rayon loop on the CPU (with the f64 recompute and double-double
    /// rescue); not set-up, checkpoints or writing.
    pub compute_seconds: f64,
    /// Seconds of the whole run up to writing its results: set-up, checks,
    /// compute, checkpoints (for a merge: the shards' summed).
    pub elapsed_seconds: f64,
    /// Seconds of one-off set-up before that: device, shader compilation
    /// and upload (0 on the CPU).
    pub setup_seconds: f64,
    /// {"k", "n", "start", "end"} for a shard; None for a whole grid.
    pub shard: Option<Value>,
    /// The sweep's identity (src/store/checkpoint.rs), checked by --resume.
    pub identity: Option<String>,
    /// Points an f32 kernel flagged imprecise and the CPU twin recomputed
    /// in f64 (0 in f64; chunks restored from checkpoints count 0).
    pub recomputed_f64: u64,
    /// Points that f64 flagged imprecise and double-double arithmetic
    /// resolved to the contract (`backend::cpu::rescue_imprecise`).
    pub rescued: u64,
    /// Point evaluations in `compute_seconds`: the points computed (not those
    /// restored from checkpoints), once per reduction pass.
    pub computed: u64,
    /// The command that ran it (the CLI's argv, or Python's call), if any.
    pub command: Option<String>,
}

/// Files whose presence marks a folder as holding nessbat results: a sweep
/// or merge (metadata.json), an interrupted sweep (its checkpoints), an
/// optimum (history.csv) or a Pareto front (pareto.csv).
const RESULT_MARKERS: [&str; 4] = [
    "metadata.json",
    ".nessbat-partial",
    "history.csv",
    "pareto.csv",
];

/// The one rule for output folders, for every command that writes one: a
/// folder that already holds results is refused unless the user says
/// `force` (a sweep's own folder is handled by its checkpoints' modes).
pub fn check_out_folder(dir: &Path, force: bool) -> Result<(), crate::Error> {
    if dir.exists() && !dir.is_dir() {
        return Err(crate::Error::Usage(format!(
            "--out {} is a file, not a folder; accepted: a folder (new or holding no results)",
            dir.display()
        )));
    }
    if force {
        return Ok(());
    }
    if let Some(m) = RESULT_MARKERS.iter().find(|m| dir.join(m).exists()) {
        return Err(crate::Error::Usage(format!(
            "--out {} already holds results ({m}); accepted: a new folder, or --force to overwrite them",
            dir.display()
        )));
    }
    // Arrays or plots nessbat names, without a metadata.json: a result
    // whose metadata went missing, which a write would replace.
    match previous_files(dir).first() {
        Some(f) => Err(crate::Error::Usage(format!(
            "--out {} already holds nessbat arrays or plots ({}) without a metadata.json; accepted: a new folder, or --force to replace them",
            dir.display(),
            f.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
        ))),
        None => Ok(()),
    }
}

/// Points per second, 0 where no time was measured.
pub fn rate(points: u64, seconds: f64) -> f64 {
    if seconds > 0.0 {
        points as f64 / seconds
    } else {
        0.0
    }
}

/// SHA-256 of a file, hex: recorded per array in metadata.json and checked
/// by `merge`.
pub fn checksum(path: &Path) -> std::io::Result<String> {
    use sha2::{Digest, Sha256};
    use std::io::Read;
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// Units and meaning of each array, for metadata.json.
fn describe(name: &str) -> &'static str {
    match name {
        "ergotropy" => "work extracted per cycle at the OSS (units of omega0)",
        "power" => "ergotropy / tau (omega0^2 / hbar)",
        "efficiency" => {
            "ergotropy / heat_in (<= 1 by the first law); NaN where no heat is absorbed"
        }
        "heat_hot" => {
            "heat per cycle from the hotter bath (S only for thermal baths with T_S > T_A)"
        }
        "heat_a" => "heat per cycle from bath A (units of omega0)",
        "heat_s" => "heat per cycle from bath S (units of omega0)",
        "ness_ergotropy" => "ergotropy of the NESS (Eq. 3)",
        "heat_dephasing" => "heat per cycle from pure dephasing (0 without dephasing)",
        "heat_in" => "sum of the positive heats per cycle over all channels (A, S, dephasing)",
        "entropy_production" => {
            "-(Q_A/T_A + Q_S/T_S) per cycle; NaN unless both baths are thermal"
        }
        "error_estimate" => {
            "estimated relative error of ergotropy and heat_in; 0 for exact zeros, inf where the ergotropy is unresolved"
        }
        "cycles" => "cycles iterated to reach the OSS; 0 when solved directly",
        "status" => {
            "0 converged OSS within tolerance (1e-6 f64, 1e-3 f32), 1 not converged, 2 invalid point, 3 imprecise"
        }
        _ => "",
    }
}

pub fn write_npy<T: WritableElement>(
    dir: &Path,
    name: &str,
    shape: &[usize],
    data: &[T],
) -> std::io::Result<PathBuf> {
    let path = dir.join(format!("{name}.npy"));
    // A view, not a copy: host memory stays at the output arrays.
    let array = ArrayViewD::from_shape(IxDyn(shape), data).map_err(std::io::Error::other)?;
    ndarray_npy::write_npy(&path, &array).map_err(std::io::Error::other)?;
    Ok(path)
}

/// The metadata object; `checksums` maps file names to their SHA-256.
pub fn metadata(
    grid: &Grid,
    out: &ToWrite,
    info: &RunInfo,
    checksums: &serde_json::Map<String, Value>,
) -> Value {
    let reduced = out.reduced;
    let full = out.summary();
    // A shard's arrays cover its range only.
    let (shape, points) = match &full {
        Some(f) => (f.shape.clone(), f.shape.iter().product()),
        None => (grid.shape(), grid.len() as usize),
    };
    let mut arrays = serde_json::Map::new();
    let float = if info.precision == Precision::F64 {
        "float64"
    } else {
        "float32"
    };
    let kept = full.as_ref().map(|f| f.outputs);
    for q in Quantity::ALL
        .iter()
        .filter(|q| kept.is_some_and(|o| o.has(**q)))
    {
        let name = q.name();
        arrays.insert(
            name.into(),
            json!({"file": format!("{name}.npy"), "dtype": float, "meaning": describe(name),
                   "long_name": q.long_name(), "units": q.units()}),
        );
    }
    let mut meta = json!({
        "nessbat_version": env!("CARGO_PKG_VERSION"),
        "git_commit": super::provenance::git_commit(),
        "written_utc": super::provenance::utc_now(),
        "command": info.command,
        "config": grid.config,
        "config_toml": crate::config::to_toml(&grid.config).ok(),
        "axes": grid.axes,
        "shape": shape,
        "points": points,
        "model": grid.model.name(),
        "protocol": grid.protocol.name(),
        "backend": info.backend,
        "adapter": info.adapter,
        "precision": info.precision.name(),
        "elapsed_seconds": info.elapsed_seconds,
        "compute_seconds": info.compute_seconds,
        "setup_seconds": info.setup_seconds,
        "recomputed_in_f64": info.recomputed_f64,
        "rescued_in_double_double": info.rescued,
        "points_computed": info.computed,
        "points_per_second": rate(info.computed, info.elapsed_seconds),
        "compute_points_per_second": rate(info.computed, info.compute_seconds),
        "arrays": arrays,
        "shard": info.shard,
        "identity": info.identity,
        "checksums": checksums,
        "units": "hbar = k_B = 1; energies and rates in units of omega0",
        "order": "C order; axis k of every array is axes[k]",
    });
    if let Some(f) = &full {
        let counts = f.counts;
        if f.outputs.cycles() {
            meta["arrays"]["cycles"] =
                json!({"file": "cycles.npy", "dtype": "uint32", "meaning": describe("cycles")});
        }
        meta["arrays"]["status"] =
            json!({"file": "status.npy", "dtype": "uint8", "meaning": describe("status")});
        meta["status_counts"] = json!({
            STATUS_NAMES[0]: counts[0],
            STATUS_NAMES[1]: counts[1],
            STATUS_NAMES[2]: counts[2],
            STATUS_NAMES[3]: counts[3],
        });
    }
    if !out.partial.is_empty() {
        meta["partial_reductions"] = out
            .partial
            .iter()
            .map(|p| {
                let files: Vec<String> = ["key", "index", "count", "flagged"]
                    .iter()
                    .map(|f| format!("partial-{}.{f}.npy", p.pass))
                    .collect();
                json!({
                    "pass": p.pass,
                    "cell_start": p.cell_start,
                    "entries": p.acc.key.len(),
                    "files": files,
                    "meaning": "this shard's accumulators of one reduction pass (key, traversal index, count and points that stayed flagged per cell and entry), folded by `nessbat merge`",
                })
            })
            .collect();
    }
    if !reduced.is_empty() {
        meta["reductions"] = reductions_metadata(grid, reduced);
        if out.full.is_none() && out.streamed.is_none() {
            meta["order"] = json!(
                "C order; axis k of a reduced array is its kept_axes[k] (the axes not reduced, in config order)"
            );
        }
    }
    meta
}

/// One entry per reduction: what it is and which files hold it.
fn reductions_metadata(grid: &Grid, reduced: &[Reduced]) -> Value {
    reduced
        .iter()
        .zip(&grid.reductions)
        .map(|(r, red)| {
            reduction_entry(
                r,
                &ReductionAbout {
                    op: red.op,
                    quantity: red.quantity.name().to_string(),
                    long_name: red.quantity.long_name().to_string(),
                    units: red.quantity.units().to_string(),
                    over: red.over.iter().map(|i| grid.axes[*i].name.clone()).collect(),
                    constraint: red.constraint.text(),
                    competing: "only status-0 points (after the recompute of flagged points in f64 and double-double) with a finite figure compete",
                },
            )
        })
        .collect()
}

/// What a reduction is, for its metadata entry.
pub struct ReductionAbout {
    pub op: Op,
    pub quantity: String,
    pub long_name: String,
    pub units: String,
    /// The reduced axes' names.
    pub over: Vec<String>,
    /// The `where` text, if any.
    pub constraint: Option<String>,
    /// Which points compete, in words.
    pub competing: &'static str,
}

/// The metadata entry of the reduction `r`: what it is and which files
/// hold it (the same for the built-in model and batteries, so that
/// `nessbat.load` reads both).
pub fn reduction_entry(r: &Reduced, about: &ReductionAbout) -> Value {
    let mut files = serde_json::Map::new();
    files.insert("value".into(), json!(format!("{}.npy", r.name)));
    for (axis, _) in &r.at {
        files.insert(axis.clone(), json!(format!("{}.{axis}.npy", r.name)));
    }
    files.insert("count".into(), json!(format!("{}.count.npy", r.name)));
    files.insert("flagged".into(), json!(format!("{}.flagged.npy", r.name)));
    files.insert("status".into(), json!(format!("{}.status.npy", r.name)));
    json!({
        "name": r.name,
        "op": about.op.name(),
        "quantity": about.quantity,
        "long_name": format!("{} of {}", about.op.name(), about.long_name),
        "units": about.units,
        "over": about.over,
        "where": about.constraint,
        "kept_axes": r.kept,
        "shape": r.shape,
        "files": files,
        "dtype": {"value": "float64", "axis values": "float64", "count": "uint64", "flagged": "uint64", "status": "uint8"},
        "meaning": format!(
            "{} of {} over {}{}; value NaN and status 1 where no point passes; {}; status 2 where points stayed flagged (counted in flagged): a flagged point could have won; ties go to the first point in C order",
            about.op.name(),
            about.quantity,
            about.over.join(", "),
            about.constraint.as_ref().map(|c| format!(" where {c}")).unwrap_or_default(),
            about.competing
        ),
        "status_meaning": REDUCED_STATUS_NAMES,
        "cells_none_passing": r.none_passes(),
    })
}

/// Writes one named array into `dir` as NAME.npy.
pub fn write_named(dir: &Path, a: &arrays::Named<ArrayRef>) -> std::io::Result<PathBuf> {
    let (name, shape) = (a.name.as_str(), &a.shape);
    match a.data {
        ArrayRef::F64(d) => write_npy(dir, name, shape, d),
        ArrayRef::F32(d) => write_npy(dir, name, shape, d),
        ArrayRef::U64(d) => write_npy(dir, name, shape, d),
        ArrayRef::U32(d) => write_npy(dir, name, shape, d),
        ArrayRef::U8(d) => write_npy(dir, name, shape, d),
    }
}

/// Files written next to the arrays (plots): given the staging folder, they
/// write there and return their paths.
pub type Extra<'a> = &'a dyn Fn(&Path) -> std::io::Result<Vec<PathBuf>>;

/// What a sweep writes: the full arrays, the reduced arrays, and in a
/// shard with reductions each pass's partial accumulators.
#[derive(Clone, Copy, Default)]
pub struct ToWrite<'a> {
    /// The full arrays in memory, written from there unless `streamed`.
    pub full: Option<&'a SweepResults>,
    /// The full arrays already on disk in their final form
    /// (src/store/stream.rs), moved into place instead of written.
    pub streamed: Option<&'a Streamed>,
    pub reduced: &'a [Reduced],
    pub partial: &'a [Partial],
}

impl ToWrite<'_> {
    /// The full arrays' summary, wherever they are.
    fn summary(&self) -> Option<FullSummary> {
        match (self.streamed, self.full) {
            (Some(s), _) => Some(s.summary.clone()),
            (None, Some(res)) => Some(FullSummary::of(res)),
            (None, None) => None,
        }
    }
}

/// Full arrays streamed to disk (src/store/stream.rs): their summary, the
/// files, and each file's SHA-256 where it was hashed on the way.
#[derive(Debug, Clone)]
pub struct Streamed {
    pub summary: FullSummary,
    pub files: Vec<PathBuf>,
    pub checksums: Option<Vec<String>>,
}

/// The full arrays as metadata.json describes them: shape, kept arrays and
/// status counts, whether they are in memory or streamed to disk.
#[derive(Debug, Clone)]
pub struct FullSummary {
    pub shape: Vec<usize>,
    pub outputs: Outputs,
    pub counts: [u64; 4],
}

impl FullSummary {
    pub fn of(res: &SweepResults) -> FullSummary {
        FullSummary {
            shape: res.shape.clone(),
            outputs: res.outputs,
            counts: res.status_counts(),
        }
    }
}

/// Removes the files that the run recorded in `dir/metadata.json` wrote
/// (its `files`, or for older runs the arrays its checksums list): only
/// plain files directly inside `dir` whose names nessbat writes (`.npy`,
/// `.png`, `.svg`, `.csv`), never a path, a link or anything outside it,
/// so that a damaged or hostile metadata.json cannot delete anything else.
/// Every command that writes a result folder (sweep, merge, optimize,
/// Pareto fronts) lists its files there and calls this first.
pub fn remove_previous(dir: &Path) -> std::io::Result<()> {
    for path in previous_files(dir) {
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(std::io::Error::new(
                    e.kind(),
                    format!("cannot remove {}: {e}", path.display()),
                ))
            }
            _ => {}
        }
    }
    Ok(())
}

/// The files [`remove_previous`] removes: those the run recorded in
/// `dir/metadata.json` wrote, or where that is missing or unreadable the
/// full-array files nessbat names the same in every run (`QUANTITY`,
/// `cycles`, `status` as `.npy`, `.png`, `.svg`), so that a damaged
/// metadata.json does not leave stale arrays beside new ones. Only plain
/// files directly inside `dir`.
pub fn previous_files(dir: &Path) -> Vec<PathBuf> {
    let old = std::fs::read(dir.join("metadata.json"))
        .ok()
        .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
        .filter(|v| v.is_object());
    let names: Vec<String> = match old {
        Some(old) => {
            let mut names: Vec<String> = old["files"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            if let Some(sums) = old["checksums"].as_object() {
                names.extend(sums.keys().cloned());
            }
            names
        }
        None => Quantity::ALL
            .iter()
            .map(|q| q.name())
            .chain(["cycles", "status"])
            .flat_map(|stem| [".npy", ".png", ".svg"].map(|e| format!("{stem}{e}")))
            .collect(),
    };
    let mut names = names;
    // metadata lists a file under `files` and again under `checksums`.
    names.sort();
    names.dedup();
    names
        .into_iter()
        .filter(|name| is_own_file_name(name))
        .map(|name| dir.join(name))
        .filter(|path| std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_file()))
        .collect()
}

/// A bare file name of the kinds nessbat writes into a result folder.
fn is_own_file_name(name: &str) -> bool {
    let bare = !name.is_empty()
        && !name.starts_with('.')
        && !name.contains(['/', '\\', '\0'])
        && Path::new(name)
            .file_name()
            .map(|n| n == name)
            .unwrap_or(false);
    bare && [".npy", ".png", ".svg", ".csv"]
        .iter()
        .any(|e| name.ends_with(e))
}

/// Writes the arrays, metadata.json and the `extra` files into `dir`.
pub fn write(
    dir: &Path,
    grid: &Grid,
    out: &ToWrite,
    info: &RunInfo,
    extra: Extra,
) -> std::io::Result<()> {
    super::folder::staged(dir, |staging| {
        write_staged(staging, dir, grid, out, info, extra)
    })
}

fn write_staged(
    staging: &Path,
    dir: &Path,
    grid: &Grid,
    out: &ToWrite,
    info: &RunInfo,
    extra: Extra,
) -> std::io::Result<()> {
    let mut files = Vec::new();
    // Streamed arrays are in their final form already: moved, not written.
    let in_memory = if out.streamed.is_some() {
        None
    } else {
        out.full
    };
    let mut sums = serde_json::Map::new();
    if let Some(s) = out.streamed {
        files.extend(s.files.iter().cloned());
        for (f, sum) in s.files.iter().zip(s.checksums.iter().flatten()) {
            sums.insert(super::folder::file_name(f), Value::String(sum.clone()));
        }
    }
    for a in arrays::borrowed(in_memory, out.reduced) {
        files.push(write_named(staging, &a)?);
    }
    for p in out.partial {
        let n = [p.acc.key.len()];
        let name = |f: &str| format!("partial-{}.{f}", p.pass);
        files.push(write_npy(staging, &name("key"), &n, &p.acc.key)?);
        files.push(write_npy(staging, &name("index"), &n, &p.acc.index)?);
        files.push(write_npy(staging, &name("count"), &n, &p.acc.count)?);
        files.push(write_npy(staging, &name("flagged"), &n, &p.acc.flagged)?);
    }
    files.extend(extra(staging)?);
    super::folder::commit(staging, dir, files, sums, |sums| {
        metadata(grid, out, info, sums)
    })
}
