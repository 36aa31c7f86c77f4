//! Battery points on the GPU (`--backend gpu`): the host assembles each
//! point's generator (rates need e^{ω/T}, and the heats need W bath by
//! bath), the GPU forms the strokes, e^{Wτ} − I and F = ∫_0^τ e^{Ws} ds,
//! for every point of a block at once, and solves their NESS and OSS (a
//! point per invocation up to 8 levels, a workgroup per point at 16); the
//! host checks those (battery::solved) and finishes each
//! point (figures, trust) through the same `point::finish` as the CPU
//! backend (src/battery/strokes.rs), so that the two backends differ only
//! in roundings (tests/battery_gpu.rs holds them to 1e-9). Strokes longer
//! than τ‖W‖ = 64, which are formed from the NESS, stay on the host.

use super::grid::BatteryGrid;
use super::status::BatteryFigures;
use crate::backend::gpu::stroke::{too_many_levels, StrokeKernel};
use crate::backend::gpu::GpuContext;
use crate::error::Error;
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

/// A device and the kernels of one battery size: the stroke, and the NESS
/// and OSS (None: solved on the host, as the bench compares).
pub struct GpuStrokes<'a> {
    pub ctx: &'a GpuContext,
    pub kernel: StrokeKernel,
    pub oss: Option<StrokeKernel>,
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
            oss: Some(StrokeKernel::oss(ctx, levels)?),
        })
    }

    /// Points per block for a battery with `baths` baths: the generators
    /// of a block are held until its strokes return (about 32 MB).
    pub fn block(&self, baths: usize) -> u64 {
        let d = self.kernel.levels as u64;
        ((1u64 << 25) / (8 * d * d * (baths as u64 + 3))).clamp(256, 1 << 14)
    }
}

/// The figures of points `range` of `grid`, in order, with their short
/// strokes formed on the GPU, and their NESS and OSS solved there; with how many points' solves the host accepted.
pub fn points(
    grid: &BatteryGrid,
    range: std::ops::Range<u64>,
    gpu: &GpuStrokes,
) -> Result<(Vec<BatteryFigures>, u64), Error> {
    let strokes = |input: &[f64], count: usize| Ok(gpu.kernel.run(gpu.ctx, input, count)?);
    let oss = gpu
        .oss
        .as_ref()
        .map(|k| move |input: &[f64], count: usize| Ok(k.run(gpu.ctx, input, count)?));
    let oss = oss.as_ref().map(|f| f as super::strokes::Former);
    super::strokes::points_with(grid, range, &strokes, oss)
}
