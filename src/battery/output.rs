//! A battery sweep on disk: one `.npy` per figure (`heat_NAME` per bath),
//! `status.npy` and metadata.json, in the same layout as a built-in sweep,
//! so that `numpy.load` and `nessbat.load` open it alike.

use std::ops::Range;
use std::path::Path;

use serde_json::{json, Map, Value};

use super::grid::BatteryGrid;
use super::status::BatteryStatus;
use super::sweep::{BatteryArrays, Plan};
use crate::error::Error;
use crate::store::arrays;
use crate::store::budget::{fits_disk_reclaiming, reclaimable, Space};
use crate::store::checkpoint::Mode;
use crate::store::folder::{commit, staged};
use crate::store::output::{rate, reduction_entry, write_named, write_npy, Extra, ReductionAbout};
use crate::store::provenance::{git_commit, utc_now};
use crate::store::shard::Shard;

/// A shard's accumulator files per reduction: partial-K.PART.npy.
pub const PARTS: [&str; 4] = ["key", "index", "count", "flagged"];

/// What the run was, for metadata.json.
#[derive(Debug, Clone, Default)]
pub struct BatteryRun {
    /// Seconds of the whole run up to writing (set-up, diagonalisation and
    /// compute).
    pub elapsed_seconds: f64,
    /// The command that ran it (the CLI's argv, or Python's call).
    pub command: Option<String>,
    /// The GPU that formed the strokes (`GpuContext::describe`); None on
    /// the CPU backend.
    pub adapter: Option<String>,
    /// The shard this run computed, and its flat range; None for a whole
    /// grid.
    pub shard: Option<(Shard, Range<u64>)>,
    /// Compute seconds of a merge's shards, summed (None: this run's own).
    pub merged_compute: Option<f64>,
    /// The sweep's identity (src/battery/checkpoint.rs), which --resume
    /// checks; None where no checkpoint could continue it (Python).
    pub identity: Option<String>,
}

/// Checks that `out` has room for the sweep's files before any work, and
/// for its checkpoint (chunks of `chunk` points, src/battery/checkpoint.rs)
/// where it keeps one, in `mode`: the chunks stay until the arrays are
/// written.
pub fn check_space(
    out: &Path,
    grid: &BatteryGrid,
    plan: &Plan,
    checkpoint: Option<(u64, Mode)>,
) -> Result<(), Error> {
    let values: u64 = grid.axes.iter().map(|a| a.values.len() as u64).sum();
    let status = if plan.full { grid.len() } else { 0 };
    let points = plan.points(grid);
    let (chunks, reclaim) = match checkpoint {
        Some((chunk, mode)) => (
            super::checkpoint::bytes(points.end - points.start, grid.names.len(), chunk),
            reclaimable(out, mode),
        ),
        None => (0, 0),
    };
    fits_disk_reclaiming(
        out,
        plan.bytes(grid)
            .saturating_add(status)
            .saturating_add(chunks)
            .saturating_add(Space::metadata_for(values)),
        reclaim,
        "the battery sweep, for its arrays and checkpoint,",
        "a folder on a larger disk, fewer arrays (outputs = [...] or --outputs), or fewer points",
    )
}

/// metadata.json of a battery sweep; `checksums` maps file names to their
/// SHA-256.
pub fn metadata(
    grid: &BatteryGrid,
    plan: &Plan,
    res: &BatteryArrays,
    run: &BatteryRun,
    checksums: &Map<String, Value>,
) -> Value {
    let mut arrays = Map::new();
    for (f, _) in &res.arrays {
        let name = f.name(&grid.names);
        let (long, units, meaning) = f.describe(&grid.names);
        arrays.insert(
            name.clone(),
            json!({"file": format!("{name}.npy"), "dtype": "float64", "meaning": meaning,
                   "long_name": long, "units": units}),
        );
    }
    let codes: Map<String, Value> = BatteryStatus::ALL
        .iter()
        .map(|s| (s.name().to_string(), json!(s.code())))
        .collect();
    if plan.full {
        arrays.insert(
            "status".into(),
            json!({"file": "status.npy", "dtype": "uint8",
                   "meaning": "0 ok (every figure within 1e-6), 1 not converged, 3 imprecise, 4 not populations (the population model does not describe the battery here), 5 disconnected (levels no bath reaches, or one-way rates that trap population in separate sets: no unique NESS); no figure where not ok"}),
        );
    }
    let counts: Map<String, Value> = res
        .counts()
        .iter()
        .map(|(s, c)| (s.name().to_string(), json!(c)))
        .collect();
    let points = run
        .shard
        .as_ref()
        .map_or(grid.len(), |(_, r)| r.end - r.start);
    let battery = json!({
        "levels": grid.battery.levels(),
        "baths": grid.names,
        "parameters": grid.battery.keys(),
        // Levels measured from the ground level, where H is one for the
        // whole grid.
        "energies": grid.fixed_hamiltonian().map(|s| s.energies.clone()),
    });
    json!({
        "nessbat_version": env!("CARGO_PKG_VERSION"),
        "git_commit": git_commit(),
        "written_utc": utc_now(),
        "command": run.command,
        "config": grid.config,
        "config_toml": crate::config::to_toml(&grid.config).ok(),
        "fixed": grid.fixed(),
        "axes": grid.axes,
        "shape": res.shape,
        "points": points,
        "model": "populations",
        "protocol": "optimal",
        "battery": battery,
        "backend": if run.adapter.is_some() { "gpu" } else { "cpu" },
        "adapter": run.adapter,
        "gpu_stage": run.adapter.as_ref().map(|_| "the charging strokes (e^{W tau} - I and its integral, f64) and the NESS and the OSS by policy iteration (f64; a point per invocation up to 8 levels, a workgroup per point at 16), each point's solution checked by the host; figures and status on the CPU in f64, and there the NESS and OSS of points the GPU did not settle or whose check failed"),
        "points_solved_on_gpu": run.adapter.as_ref().map(|_| res.solved_on_device),
        "precision": "f64",
        "elapsed_seconds": run.elapsed_seconds,
        "compute_seconds": run.merged_compute.unwrap_or(res.compute_seconds),
        "setup_seconds": 0.0,
        // Points taken from a checkpoint (--resume) were not computed by
        // this run, and rates count only the ones that were.
        "points_computed": points - res.restored,
        "points_restored": res.restored,
        "points_per_second": rate(points - res.restored, run.elapsed_seconds),
        "compute_points_per_second": rate(points - res.restored, run.merged_compute.unwrap_or(res.compute_seconds)),
        "arrays": arrays,
        "status_codes": codes,
        "status_counts": counts,
        "shard": run.shard.as_ref().map(|(sh, r)| json!({"k": sh.k, "n": sh.n, "start": r.start, "end": r.end})),
        "outputs": plan.figures.iter().map(|f| f.name(&grid.names)).collect::<Vec<_>>(),
        "partial_reductions": match run.shard {
            Some(_) => json!(plan.reductions.iter().enumerate().map(|(k, r)| json!({
                "pass": k,
                "reduction": r.name,
                "cell_start": 0,
                "files": PARTS.map(|f| format!("partial-{k}.{f}.npy")),
                "meaning": "this shard's accumulators of one reduction (key, point index, count and flagged points per cell), folded by `nessbat merge`",
            })).collect::<Vec<_>>()),
            None => Value::Null,
        },
        "checksums": checksums,
        "identity": run.identity,
        "units": "hbar = k_B = 1; energies and rates in the unit of the battery's Hamiltonian (omega0)",
        "order": match plan.full {
            true => "C order; axis k of every array is axes[k]",
            false => "C order; axis k of a reduced array is its kept_axes[k] (the axes not reduced, in config order)",
        },
        // A shard's reductions are partial: only its accumulators.
        "reductions": match run.shard {
            Some(_) => Value::Null,
            None => reductions(grid, plan, res),
        },
    })
}

/// One metadata entry per reduction, as for the built-in model.
fn reductions(grid: &BatteryGrid, plan: &Plan, res: &BatteryArrays) -> Value {
    res.reduced
        .iter()
        .zip(&plan.reductions)
        .map(|(r, red)| {
            let (long, units, _) = red.quantity.describe(&grid.names);
            let text: Vec<String> = red
                .constraint
                .iter()
                .map(|c| format!("{} {} {}", c.figure.name(&grid.names), c.cmp.symbol(), c.value))
                .collect();
            reduction_entry(
                r,
                &ReductionAbout {
                    op: red.op,
                    quantity: red.quantity.name(&grid.names),
                    long_name: long,
                    units: units.to_string(),
                    over: red.over.iter().map(|&i| grid.axes[i].name.clone()).collect(),
                    constraint: (!text.is_empty()).then(|| text.join(" and ")),
                    competing: "only status-0 (ok) points with a finite figure compete; not_converged and imprecise points count as flagged",
                },
            )
        })
        .collect()
}

/// Writes the arrays, metadata.json and the `extra` files (plots) into
/// `dir`, staged.
pub fn write(
    dir: &Path,
    grid: &BatteryGrid,
    plan: &Plan,
    res: &BatteryArrays,
    run: &BatteryRun,
    extra: Extra,
) -> std::io::Result<()> {
    staged(dir, |staging| {
        let mut files = Vec::new();
        for (f, a) in &res.arrays {
            files.push(write_npy(staging, &f.name(&grid.names), &res.shape, a)?);
        }
        if plan.full {
            files.push(write_npy(staging, "status", &res.shape, &res.status)?);
        }
        match run.shard {
            // A shard's accumulators, for `nessbat merge` to fold.
            Some(_) => {
                for (k, acc) in res.accumulators.iter().enumerate() {
                    let n = [acc.key.len()];
                    let name = |f: &str| format!("partial-{k}.{f}");
                    files.push(write_npy(staging, &name("key"), &n, &acc.key)?);
                    files.push(write_npy(staging, &name("index"), &n, &acc.index)?);
                    files.push(write_npy(staging, &name("count"), &n, &acc.count)?);
                    files.push(write_npy(staging, &name("flagged"), &n, &acc.flagged)?);
                }
            }
            None => {
                for a in arrays::borrowed(None, &res.reduced) {
                    files.push(write_named(staging, &a)?);
                }
            }
        }
        files.extend(extra(staging)?);
        commit(staging, dir, files, Map::new(), |sums| {
            metadata(grid, plan, res, run, sums)
        })
    })
}
