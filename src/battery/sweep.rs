//! A battery grid's every point on every core, into one array per figure
//! (C order over the axes) and a status array: what `nessbat sweep` writes
//! for a `[battery]` config and Python's `nessbat.sweep` returns.
//!
//! The arrays are held in memory: a grid whose arrays do not fit the
//! memory the run may hold is refused before any work, naming the sizes.

use std::time::Instant;

use rayon::prelude::*;

use super::gpu::GpuStrokes;
use super::grid::BatteryGrid;
use super::point::{battery_point, BatteryFigures, BatteryStatus};
use crate::backend::Progress;
use crate::error::Error;

/// One array of a battery sweep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Figure {
    Ergotropy,
    Power,
    Efficiency,
    /// The heat from bath k (in the battery's order): `heat_NAME`.
    Heat(usize),
    HeatIn,
    EntropyProduction,
    NessErgotropy,
    Capacity,
    ErrorEstimate,
}

impl Figure {
    /// Every figure of a battery with `baths` baths, in output order.
    pub fn all(baths: usize) -> Vec<Figure> {
        let mut v = vec![Figure::Ergotropy, Figure::Power, Figure::Efficiency];
        v.extend((0..baths).map(Figure::Heat));
        v.extend([
            Figure::HeatIn,
            Figure::EntropyProduction,
            Figure::NessErgotropy,
            Figure::Capacity,
            Figure::ErrorEstimate,
        ]);
        v
    }

    /// The array's name (its file stem); `names` are the baths'.
    pub fn name(self, names: &[String]) -> String {
        match self {
            Figure::Ergotropy => "ergotropy".into(),
            Figure::Power => "power".into(),
            Figure::Efficiency => "efficiency".into(),
            Figure::Heat(k) => format!("heat_{}", names[k]),
            Figure::HeatIn => "heat_in".into(),
            Figure::EntropyProduction => "entropy_production".into(),
            Figure::NessErgotropy => "ness_ergotropy".into(),
            Figure::Capacity => "capacity".into(),
            Figure::ErrorEstimate => "error_estimate".into(),
        }
    }

    /// (long name, units, meaning), for metadata.json and xarray.
    pub fn describe(self, names: &[String]) -> (String, &'static str, String) {
        let (long, units, meaning): (String, &str, String) = match self {
            Figure::Ergotropy => ("ergotropy per cycle".into(), "omega0", "work extracted per cycle at the OSS".into()),
            Figure::Power => ("power".into(), "omega0^2/hbar", "ergotropy / tau".into()),
            Figure::Efficiency => ("efficiency".into(), "1", "ergotropy / heat_in; NaN where no heat is absorbed".into()),
            Figure::Heat(k) => (
                format!("heat from bath {}", names[k]),
                "omega0",
                format!("heat into the battery from bath {} per cycle (exact stroke integral); an exact 0 where it is below its rounding noise", names[k]),
            ),
            Figure::HeatIn => ("heat absorbed".into(), "omega0", "sum of the positive heats per cycle".into()),
            Figure::EntropyProduction => ("entropy production".into(), "k_B", "-sum_k Q_k/T_k per cycle (>= 0 by the second law)".into()),
            Figure::NessErgotropy => ("ergotropy of the NESS".into(), "omega0", "ergotropy of the baths' steady state".into()),
            Figure::Capacity => ("capacity".into(), "omega0", "highest minus lowest energy over the charged state's unitary orbit (Yang et al., PRL 131, 030402 (2023))".into()),
            Figure::ErrorEstimate => ("estimated relative error".into(), "1", "estimated relative error of ergotropy, heat_in and every heat; 0 for exact zeros, inf where nothing was computed".into()),
        };
        (long, units, meaning)
    }

    /// The figure's value at one point.
    pub fn of(self, f: &BatteryFigures) -> f64 {
        match self {
            Figure::Ergotropy => f.ergotropy,
            Figure::Power => f.power,
            Figure::Efficiency => f.efficiency,
            Figure::Heat(k) => f.heats[k].heat,
            Figure::HeatIn => f.heat_in,
            Figure::EntropyProduction => f.entropy_production,
            Figure::NessErgotropy => f.ness_ergotropy,
            Figure::Capacity => f.capacity,
            Figure::ErrorEstimate => f.error_estimate,
        }
    }
}

/// The figures of `grid` that `outputs` names (all where None); errors
/// name what is accepted.
pub fn kept(grid: &BatteryGrid, outputs: Option<&[String]>) -> Result<Vec<Figure>, Error> {
    let all = Figure::all(grid.names.len());
    let Some(names) = outputs else {
        return Ok(all);
    };
    let mut kept = Vec::new();
    for n in names {
        let n = n.trim();
        if n == "status" {
            continue;
        }
        match all.iter().find(|f| f.name(&grid.names) == n) {
            Some(f) if !kept.contains(f) => kept.push(*f),
            Some(_) => {}
            None => {
                return Err(Error::Config(format!(
                    "outputs: {n:?} is not an array of this battery; accepted: {}, status",
                    all.iter()
                        .map(|f| f.name(&grid.names))
                        .collect::<Vec<_>>()
                        .join(", ")
                )))
            }
        }
    }
    // In output order, whatever the order asked.
    Ok(all.into_iter().filter(|f| kept.contains(f)).collect())
}

/// A battery sweep's arrays.
#[derive(Debug, Clone)]
pub struct BatteryArrays {
    pub shape: Vec<usize>,
    /// One array per kept figure, C order.
    pub arrays: Vec<(Figure, Vec<f64>)>,
    /// `BatteryStatus::code` per point.
    pub status: Vec<u8>,
    /// Seconds in the rayon loop.
    pub compute_seconds: f64,
}

impl BatteryArrays {
    /// Points per status, in `BatteryStatus::ALL` order.
    pub fn counts(&self) -> Vec<(BatteryStatus, u64)> {
        BatteryStatus::ALL
            .iter()
            .map(|s| {
                let c = self.status.iter().filter(|x| **x == s.code()).count() as u64;
                (*s, c)
            })
            .collect()
    }
}

/// Points per block between progress reports and stop checks.
const BLOCK: u64 = 1 << 14;

/// Bytes the arrays of a grid of `points` points with `figures` arrays
/// take (f64 each, and a byte of status).
pub fn bytes(points: u64, figures: usize) -> u64 {
    points.saturating_mul(8 * figures as u64 + 1)
}

/// Checks that the arrays of `grid` (`figures` of them) fit the memory
/// the run may hold; a grid larger is refused naming the sizes.
pub fn check_memory(grid: &BatteryGrid, figures: &[Figure]) -> Result<(), Error> {
    let n = grid.len();
    crate::store::budget::fits_memory_for(
        bytes(n, figures.len()),
        &format!("the arrays of {n} battery points"),
        "fewer arrays (outputs = [...] or --outputs), or fewer points",
    )
}

/// Every point of `grid`, keeping `figures`: on the CPU backend, or with
/// the strokes on the GPU where `gpu` is given (battery::gpu).
pub fn run(
    grid: &BatteryGrid,
    figures: &[Figure],
    progress: &Progress,
    gpu: Option<&GpuStrokes>,
) -> Result<BatteryArrays, Error> {
    check_memory(grid, figures)?;
    let n = grid.len() as usize;
    let mut arrays: Vec<(Figure, Vec<f64>)> = figures.iter().map(|f| (*f, vec![0.0; n])).collect();
    let mut status = vec![0u8; n];
    let started = Instant::now();
    let mut start = 0usize;
    while start < n {
        if progress.stopped() {
            return Err(Error::Interrupted);
        }
        let block = gpu.map_or(BLOCK, |g| g.block(grid.names.len())) as usize;
        let end = (start + block).min(n);
        let block: Vec<BatteryFigures> = match gpu {
            Some(g) => super::gpu::points(grid, start as u64..end as u64, g)?,
            None => (start..end)
                .into_par_iter()
                .map(|i| {
                    let (spectrum, baths, tau) = grid.point(i as u64);
                    battery_point(spectrum, &grid.names, &baths, tau)
                })
                .collect(),
        };
        for (j, f) in block.iter().enumerate() {
            status[start + j] = f.status.code();
            for (fig, a) in arrays.iter_mut() {
                a[start + j] = fig.of(f);
            }
        }
        progress.add((end - start) as u64);
        start = end;
    }
    Ok(BatteryArrays {
        shape: grid.shape(),
        arrays,
        status,
        compute_seconds: started.elapsed().as_secs_f64(),
    })
}
