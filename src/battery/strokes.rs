//! Battery points whose short strokes are formed in batches, away from
//! the point: on the CPU's SIMD lanes (the CPU backend, d ≤ 16) or on the
//! GPU (`--backend gpu`, src/battery/gpu.rs). The host assembles each
//! point's generator (rates need e^{ω/T}, and the heats need W bath by
//! bath), the batch forms e^{Wτ} − I and F = ∫_0^τ e^{Ws} ds for every
//! short stroke of a block at once (on the GPU the NESS and OSS too,
//! which the host checks: battery::solved), and the host
//! finishes each point (the rest of NESS and OSS, figures, trust) through
//! `point::finish`, as one point alone is. Strokes longer than τ‖W‖ = 64,
//! formed from the NESS, stay with the point.
//!
//! On the CPU the lanes form the scalar twin's numbers bit for bit
//! (nessbat_kernels::battery_stroke), which `battery_point` uses too, so
//! a sweep's every point is its one-point computation exactly.

use rayon::prelude::*;

use super::grid::BatteryGrid;
use super::point::{battery_point, finish, prepare, Given};
use super::solved::checked;
use super::status::BatteryFigures;
use super::stroke::Stroke;
use crate::error::Error;
use nessbat_kernels::lanes::{run_strokes, CpuLanes};
use nessbat_kernels::layout::OSS_WIDTH_EXTRA;

/// The most levels the stroke kernels and their SIMD twins hold.
pub const MAX_LEVELS: usize = 16;

/// The lanes the strokes run on: four (AVX2) where the CPU has them, even
/// where it has eight. Measured on an AVX-512 EPYC (2026-12-05), sweeps of
/// d = 3, 8 and 16 were as fast or up to 15 % faster on four lanes: a
/// 16-level stroke's five matrices of 8-lane values (80 KB) leave the L1
/// cache. Every width gives the same numbers, bit for bit.
fn lanes() -> CpuLanes {
    match CpuLanes::Avx2.supported() {
        true => CpuLanes::Avx2,
        false => CpuLanes::best(),
    }
}

/// Points per task when the lanes form a batch's strokes.
const PER_TASK: usize = 64;

/// The figures of points `range` of `grid`, in order, on the CPU: the
/// short strokes on the widest SIMD lanes this CPU has, where the battery
/// has at most [`MAX_LEVELS`] levels; point by point above.
pub fn cpu_points(grid: &BatteryGrid, range: std::ops::Range<u64>) -> Vec<BatteryFigures> {
    let d = grid.battery.levels();
    if d > MAX_LEVELS {
        return range
            .into_par_iter()
            .map(|i| {
                let (spectrum, baths, tau) = grid.point(i);
                battery_point(spectrum, &grid.names, &baths, tau)
            })
            .collect();
    }
    // A task per PER_TASK points, each prepared, formed and finished in
    // one go: the points' matrices stay in the core's cache.
    let (first, end) = (range.start, range.end);
    let tasks = (end - first).div_ceil(PER_TASK as u64);
    let formed: Vec<Vec<BatteryFigures>> = (0..tasks)
        .into_par_iter()
        .map(|t| {
            let a = first + t * PER_TASK as u64;
            let part = a..(a + PER_TASK as u64).min(end);
            let lanes = |input: &[f64], count: usize| {
                let mut out = vec![0.0; count * 2 * d * d];
                run_strokes(lanes(), d, input, count, &mut out);
                Ok(out)
            };
            let formed = points_with(grid, part, &lanes, None);
            formed.expect("the CPU's strokes do not fail").0
        })
        .collect();
    formed.into_iter().flatten().collect()
}

/// A batch's stage formed away from its points: the packed input of
/// `count` points in, their packed outputs back.
pub type Former<'a> = &'a dyn Fn(&[f64], usize) -> Result<Vec<f64>, Error>;

/// The figures of points `range` of `grid`, in order, with the short
/// strokes formed by `strokes`: given the packed X = Wτ (d × d,
/// row-major) then τ of `count` points, it returns each one's e^X − I
/// then F. Where `oss` is given (the GPU's), those
/// points' NESS and OSS are solved by it from W then e^X − I, and each
/// result is used once the host has checked it (battery::solved); with
/// the figures, how many points' results were.
pub fn points_with(
    grid: &BatteryGrid,
    range: std::ops::Range<u64>,
    strokes: Former,
    oss: Option<Former>,
) -> Result<(Vec<BatteryFigures>, u64), Error> {
    let names = &grid.names;
    let prepared: Vec<_> = range
        .into_par_iter()
        .map(|i| {
            let (spectrum, baths, tau) = grid.point(i);
            (prepare(spectrum, names, &baths), spectrum, baths, tau)
        })
        .collect();
    let d = grid.battery.levels();
    let dd = d * d;
    let mut slot = vec![None; prepared.len()];
    let mut input = Vec::new();
    let mut count = 0;
    for (j, (p, _, _, tau)) in prepared.iter().enumerate() {
        let Ok(p) = p else { continue };
        if !Stroke::is_van_loan(&p.w, *tau) {
            continue;
        }
        slot[j] = Some(count);
        count += 1;
        for r in 0..d {
            input.extend((0..d).map(|c| p.w[(r, c)] * tau));
        }
        input.push(*tau);
    }
    let formed = strokes(&input, count)?;
    // The NESS and OSS of the same points: W, then e^X − I as formed.
    let solved = match oss {
        Some(solve) => {
            let mut packed = Vec::with_capacity(count * 2 * dd);
            for (p, _, _, _) in prepared.iter().zip(&slot).filter_map(|(p, s)| s.map(|_| p)) {
                let Ok(p) = p else { continue };
                for r in 0..d {
                    packed.extend((0..d).map(|c| p.w[(r, c)]));
                }
                let k = packed.len() / (2 * dd);
                packed.extend_from_slice(&formed[k * 2 * dd..k * 2 * dd + dd]);
            }
            Some(solve(&packed, count)?)
        }
        None => None,
    };
    let width = 4 * d + OSS_WIDTH_EXTRA;
    let figures: Vec<(BatteryFigures, bool)> = prepared
        .into_par_iter()
        .zip(slot)
        .map(|((p, spectrum, baths, tau), slot)| match p {
            Err(figures) => (*figures, false),
            Ok(p) => {
                let mut given = Given::default();
                if let Some(k) = slot {
                    let at = &formed[k * 2 * dd..(k + 1) * 2 * dd];
                    let stroke = Stroke::from_blocks(d, &at[..dd], &at[dd..]);
                    given.solved = solved.as_ref().and_then(|out| {
                        checked(
                            &p.w,
                            &stroke.change,
                            &out[k * width..(k + 1) * width],
                            &spectrum.blocks,
                        )
                    });
                    given.stroke = Some(stroke);
                }
                let on_device = given.solved.is_some();
                (finish(spectrum, names, &baths, tau, p, given), on_device)
            }
        })
        .collect();
    let solved = figures.iter().filter(|(_, s)| *s).count() as u64;
    Ok((figures.into_iter().map(|(f, _)| f).collect(), solved))
}
