//! `nessbat merge` of a battery sweep's shards (`nessbat sweep --shard
//! K/N` with a `[battery]`): the shards' full arrays joined at their flat
//! ranges, and their reductions' accumulators folded in shard order (so
//! ties keep the earlier point), into what one unsharded run writes. The
//! shards are checked as the built-in model's are (one sweep, tiled,
//! every file against its checksum; `store::shard`).

use std::path::Path;

use serde_json::Value;

use super::grid::{BatteryGrid, Use};
use super::output::PARTS;
use super::reduce::Folding;
use super::status::BatteryStatus;
use super::sweep::{BatteryArrays, Plan};
use crate::config::SweepConfig;
use crate::error::Error;
use crate::store::reduced::{Accumulators, Partial};
use crate::store::shard::{read, shard_metas, Shard};

/// A merged battery sweep: its grid, what it keeps, its arrays.
pub struct MergedBattery {
    pub grid: BatteryGrid,
    pub plan: Plan,
    pub res: BatteryArrays,
    /// The shards' compute seconds, summed.
    pub compute_seconds: f64,
    pub adapter: Option<String>,
}

fn shard_error(e: impl std::fmt::Display) -> Error {
    Error::Shard(e.to_string())
}

/// Merges the shard folders `dirs` of one battery sweep.
pub fn merge(dirs: &[&Path]) -> Result<MergedBattery, Error> {
    let (metas, seen, n) = shard_metas(dirs)?;
    let first = &metas[0];
    let config: SweepConfig = serde_json::from_value(first["config"].clone())
        .map_err(|e| shard_error(format!("metadata config: {e}")))?;
    let grid = BatteryGrid::new(&config, Use::Sweep)
        .map_err(|e| shard_error(format!("metadata config: {e}")))?;
    // The arrays the shards kept (their --outputs), as they recorded them.
    let outputs: Option<Vec<String>> = first["outputs"].as_array().map(|a| {
        a.iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect()
    });
    let plan = Plan::new(&grid, outputs.as_deref()).map_err(shard_error)?;
    let total = grid.len();
    let at = |d: &Path| dirs.iter().position(|x| *x == d).expect("a given folder");
    let full = |len: u64| if plan.full { len as usize } else { 0 };
    let kept = if plan.full {
        plan.figures.as_slice()
    } else {
        &[]
    };
    let mut arrays: Vec<(_, Vec<f64>)> =
        kept.iter().map(|f| (*f, vec![0.0; full(total)])).collect();
    let mut status = vec![0u8; full(total)];
    let mut folding = Folding::new(&grid, &plan.reductions);
    let mut accs: Vec<Accumulators> = folding
        .accumulators()
        .into_iter()
        .map(|a| Accumulators::empty(a.key.len()))
        .collect();
    let mut counts = vec![0u64; BatteryStatus::ALL.len()];
    let mut compute_seconds = 0.0;
    let mut restored: u64 = 0;
    let mut solved_on_device: u64 = 0;
    // One sweep's shards also share what they kept and where they ran:
    // other outputs would leave arrays missing, and another backend's
    // roundings would make a merge that matches no single run.
    for (d, m) in dirs.iter().zip(&metas) {
        for key in ["outputs", "backend", "adapter"] {
            if m[key] != first[key] {
                return Err(shard_error(format!(
                    "{}: {key} differs from {}'s; accepted: shards run with the same --outputs on the same backend",
                    d.display(),
                    dirs[0].display()
                )));
            }
        }
        if !matches!(m["backend"].as_str(), Some("cpu" | "gpu")) {
            return Err(shard_error(format!(
                "{}: metadata.json names no backend this version knows (cpu or gpu)",
                d.display()
            )));
        }
    }
    for (k, d) in seen.iter().enumerate() {
        let d = d.expect("shard_metas refuses missing shards");
        let m = &metas[at(d)];
        let range = Shard { k: k as u64, n }.range(total)?;
        if m["shard"]["start"].as_u64() != Some(range.start)
            || m["shard"]["end"].as_u64() != Some(range.end)
        {
            return Err(shard_error(format!(
                "{}: its range is not shard {k}/{n}'s of this grid",
                d.display()
            )));
        }
        let (a, b) = (range.start as usize, range.end as usize);
        let wrong = || shard_error(format!("{}: arrays have the wrong length", d.display()));
        if plan.full {
            for (f, arr) in arrays.iter_mut() {
                let v = read::<f64>(d, &f.name(&grid.names), m)?;
                let v = v
                    .as_slice()
                    .filter(|v| v.len() == b - a)
                    .ok_or_else(wrong)?;
                arr[a..b].copy_from_slice(v);
            }
            let v = read::<u8>(d, "status", m)?;
            let v = v
                .as_slice()
                .filter(|v| v.len() == b - a)
                .ok_or_else(wrong)?;
            status[a..b].copy_from_slice(v);
        }
        for (r, acc) in accs.iter_mut().enumerate() {
            let part = |p: &str| format!("partial-{r}.{p}");
            let vec_f = |v: ndarray::ArrayD<f64>| v.into_raw_vec_and_offset().0;
            let vec_u = |v: ndarray::ArrayD<u64>| v.into_raw_vec_and_offset().0;
            let share = Accumulators {
                key: vec_f(read::<f64>(d, &part(PARTS[0]), m)?),
                index: vec_u(read::<u64>(d, &part(PARTS[1]), m)?),
                count: vec_u(read::<u64>(d, &part(PARTS[2]), m)?),
                flagged: vec_u(read::<u64>(d, &part(PARTS[3]), m)?),
                recomputed_f64: 0,
                rescued: 0,
            };
            let cells = acc.key.len();
            if [
                share.key.len(),
                share.index.len(),
                share.count.len(),
                share.flagged.len(),
            ] != [cells; 4]
            {
                return Err(shard_error(format!(
                    "{}: partial reductions of reduction {r} have the wrong size",
                    d.display()
                )));
            }
            // The points a share's cells hold lie in its own range: a
            // shard whose metadata names another range is caught here.
            let outside = share
                .index
                .iter()
                .zip(&share.count)
                .any(|(i, c)| *c > 0 && !range.contains(i));
            if outside {
                return Err(shard_error(format!(
                    "{}: partial reductions hold points outside its range {}..{}; recompute this shard",
                    d.display(),
                    range.start,
                    range.end
                )));
            }
            Partial {
                pass: r,
                cell_start: 0,
                acc: share,
            }
            .fold_into(acc, 1);
        }
        // Status counts: from status.npy where it is kept, else the
        // shard's own, which must add up to its range.
        let own: Vec<u64> = match plan.full {
            true => BatteryStatus::ALL
                .iter()
                .map(|s| status[a..b].iter().filter(|c| **c == s.code()).count() as u64)
                .collect(),
            false => BatteryStatus::ALL
                .iter()
                .map(|s| m["status_counts"][s.name()].as_u64().unwrap_or(0))
                .collect(),
        };
        if own.iter().sum::<u64>() != (b - a) as u64 {
            return Err(shard_error(format!(
                "{}: its status counts do not add up to its {} points; recompute this shard",
                d.display(),
                b - a
            )));
        }
        for (c, o) in counts.iter_mut().zip(own) {
            *c += o;
        }
        compute_seconds += m["compute_seconds"].as_f64().unwrap_or(0.0);
        // Points a shard took from its checkpoint rather than computing.
        let span = (b - a) as u64;
        restored += span.saturating_sub(m["points_computed"].as_u64().unwrap_or(span));
        solved_on_device += m["points_solved_on_gpu"].as_u64().unwrap_or(0);
    }
    folding.set_accumulators(accs.clone());
    let res = BatteryArrays {
        shape: grid.shape(),
        arrays,
        status,
        counts: BatteryStatus::ALL.iter().copied().zip(counts).collect(),
        reduced: folding.finish(),
        accumulators: accs,
        compute_seconds,
        restored,
        solved_on_device,
    };
    Ok(MergedBattery {
        adapter: first["adapter"].as_str().map(str::to_string),
        grid,
        plan,
        res,
        compute_seconds,
    })
}

/// Whether the shard folder `dir` holds a battery sweep's shard (its
/// recorded config has a `[battery]`).
pub fn is_battery_shard(dir: &Path) -> bool {
    std::fs::read(dir.join("metadata.json"))
        .ok()
        .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
        .is_some_and(|m| m["config"]["battery"].is_object())
}
