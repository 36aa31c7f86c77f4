//! Battery points with their strokes on the GPU (`--backend gpu`): the
//! host assembles each point's generator (rates need e^{ω/T}, and the
//! heats need W bath by bath), the GPU forms the strokes, e^{Wτ} − I and
//! F = ∫_0^τ e^{Ws} ds, for every point of a block at once, and the host
//! finishes each point (NESS, OSS, figures, trust) through the same
//! `point::finish` as the CPU backend, so that the two backends differ
//! only in the stroke's roundings (tests/battery_gpu.rs holds them to
//! 1e-9). Strokes longer than τ‖W‖ = 64, which are formed from the NESS,
//! stay on the host.

use rayon::prelude::*;

use super::cycle::Stroke;
use super::grid::BatteryGrid;
use super::point::{finish, prepare, BatteryFigures};
use crate::backend::gpu::stroke::{too_many_levels, StrokeKernel};
use crate::backend::gpu::GpuContext;
use crate::error::Error;
use nalgebra::DMatrix;
use nessbat_kernels::kind::StrokeDim;

/// Refuses a battery larger than the GPU kernels hold, before a device is
/// opened.
pub fn check_levels(levels: usize) -> Result<(), Error> {
    match StrokeDim::holding(levels) {
        Some(_) => Ok(()),
        None => Err(Error::Usage(too_many_levels(levels))),
    }
}

/// The device for a battery of `levels` levels: its size checked first, so
/// that a battery too large is refused without opening one.
pub fn acquire(levels: usize) -> Result<GpuContext, Error> {
    check_levels(levels)?;
    GpuContext::acquire().map_err(Error::NoDevice)
}

/// A device and the stroke kernel of one battery size.
pub struct GpuStrokes<'a> {
    pub ctx: &'a GpuContext,
    pub kernel: StrokeKernel,
}

impl<'a> GpuStrokes<'a> {
    /// The kernel for batteries of `levels` levels on `ctx`; a battery too
    /// large, or an adapter without f64, is the user's to change.
    pub fn new(ctx: &'a GpuContext, levels: usize) -> Result<GpuStrokes<'a>, Error> {
        check_levels(levels)?;
        if !ctx.f64 {
            return Err(Error::Usage(format!(
                "--backend gpu: battery kernels run in f64, and adapter '{}' lacks SHADER_F64; accepted: --backend cpu",
                ctx.info.name
            )));
        }
        Ok(GpuStrokes {
            ctx,
            kernel: StrokeKernel::new(ctx, levels)?,
        })
    }

    /// Points per block for a battery with `baths` baths: the generators
    /// of a block are held until its strokes return (about 32 MB).
    pub fn block(&self, baths: usize) -> u64 {
        let d = self.kernel.levels as u64;
        ((1u64 << 25) / (8 * d * d * (baths as u64 + 3))).clamp(256, 1 << 14)
    }
}

/// The figures of points `range` of `grid`, in order.
pub fn points(
    grid: &BatteryGrid,
    range: std::ops::Range<u64>,
    gpu: &GpuStrokes,
) -> Result<Vec<BatteryFigures>, Error> {
    let names = &grid.names;
    let prepared: Vec<_> = range
        .into_par_iter()
        .map(|i| {
            let (spectrum, baths, tau) = grid.point(i);
            (prepare(spectrum, names, &baths), spectrum, baths, tau)
        })
        .collect();
    // The short strokes, packed as the kernel reads them: X = Wτ
    // row-major, then τ.
    let d = gpu.kernel.levels;
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
    let strokes = gpu.kernel.run(gpu.ctx, &input, count)?;
    Ok(prepared
        .into_par_iter()
        .zip(slot)
        .map(|((p, spectrum, baths, tau), slot)| match p {
            Err(figures) => *figures,
            Ok(p) => {
                let given = slot.map(|k: usize| {
                    let at = &strokes[k * 2 * dd..(k + 1) * 2 * dd];
                    Stroke {
                        change: DMatrix::from_row_slice(d, d, &at[..dd]),
                        integral: DMatrix::from_row_slice(d, d, &at[dd..]),
                        integral_error: 0.0,
                    }
                });
                finish(spectrum, names, &baths, tau, p, given)
            }
        })
        .collect())
}
