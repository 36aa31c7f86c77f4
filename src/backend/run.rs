//! Choosing a backend and running a grid on it.

use nessbat_kernels::layout::Status;
use std::time::Instant;

use serde_json::json;

use crate::Error;

use crate::backend::cpu;
use crate::backend::gpu::reduce::ReduceKernel;
use crate::backend::gpu::{GpuContext, SweepKernel, Timing};
use crate::backend::progress::Progress;
use crate::grid::passes;
use crate::grid::Grid;
use crate::store::output::{BackendKind, RunInfo};
use crate::store::reduced::{finish, PassResults, Reduced};
use crate::store::results::{FloatsFlat, SweepResults};
use nessbat_kernels::{Named, Precision};

/// Which backend the user asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackendChoice {
    Auto,
    Gpu,
    Cpu,
}

impl Named for BackendChoice {
    const WHAT: &'static str = "backend";
    const ALL: &'static [BackendChoice] =
        &[BackendChoice::Auto, BackendChoice::Gpu, BackendChoice::Cpu];
    fn name(self) -> &'static str {
        match self {
            BackendChoice::Auto => "auto",
            BackendChoice::Gpu => "gpu",
            BackendChoice::Cpu => "cpu",
        }
    }
}

nessbat_kernels::named!(BackendChoice);

/// A backend ready to run grids: the device and kernels are built once.
pub enum Backend {
    Cpu,
    Gpu {
        ctx: Box<GpuContext>,
        precision: Precision,
        /// One kernel per model and precision (index 2·[f64] + model),
        /// compiled on first use and kept, so that a sweep run in checkpoint
        /// chunks compiles its kernel once; an f32 sweep's f64 kernels
        /// recompute what it flags.
        kernels: Box<[std::cell::OnceCell<SweepKernel>; 4]>,
        /// The reduction kernels, compiled on first use.
        reducer: std::cell::OnceCell<ReduceKernel>,
    },
}

/// Says why `auto` chose the CPU once per process: every shard, every
/// notebook cell and every query of one session would otherwise repeat it.
fn once(notice: &dyn Fn(&str), message: &str) {
    static SAID: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if !SAID.swap(true, std::sync::atomic::Ordering::Relaxed) {
        notice(message);
    }
}

impl Backend {
    /// Resolves the user's choice. `notice` receives one-line messages for
    /// stderr (fallback to the CPU, precision changes).
    pub fn choose(
        choice: BackendChoice,
        precision: Option<Precision>,
        notice: &dyn Fn(&str),
    ) -> Result<Backend, Error> {
        let gpu = match choice {
            BackendChoice::Cpu => None,
            BackendChoice::Gpu => Some(GpuContext::acquire().map_err(Error::NoDevice)?),
            BackendChoice::Auto => match GpuContext::acquire() {
                // A software rasteriser (llvmpipe, lavapipe, WARP) runs the
                // kernels on the CPU, several times slower than the CPU
                // backend's twins; it is used only when asked for, or for
                // f32, which only GPU kernels compute.
                Ok(ctx)
                    if ctx.info.device_type == wgpu::DeviceType::Cpu
                        && precision != Some(Precision::F32) =>
                {
                    once(notice, &format!(
                        "notice: adapter '{}' is a software rasteriser on the CPU; running on the CPU backend (f64), which is faster here (--backend gpu to use the adapter)",
                        ctx.info.name
                    ));
                    None
                }
                Ok(ctx) => Some(ctx),
                Err(e) => {
                    once(
                        notice,
                        &format!("notice: {e}; running on the CPU backend (f64)"),
                    );
                    None
                }
            },
        };
        match gpu {
            None => {
                if precision == Some(Precision::F32) && choice == BackendChoice::Cpu {
                    return Err(Error::Usage(
                        "precision f32 needs a GPU backend; accepted with the CPU backend: precision f64 (it computes in f64)"
                            .into(),
                    ));
                }
                Ok(Backend::Cpu)
            }
            Some(ctx) => {
                let precision = match precision {
                    Some(Precision::F64) if !ctx.f64 => {
                        return Err(Error::Usage(format!("precision f64: adapter '{}' has no SHADER_F64; accepted here: precision f32", ctx.info.name)))
                    }
                    Some(p) => p,
                    None => {
                        if !ctx.f64 {
                            notice(&format!("notice: adapter '{}' has no SHADER_F64; computing in f32", ctx.info.name));
                        }
                        ctx.default_precision()
                    }
                };
                Ok(Backend::Gpu {
                    ctx: Box::new(ctx),
                    precision,
                    kernels: Default::default(),
                    reducer: Default::default(),
                })
            }
        }
    }

    /// Runs `grid`; progress gets the number of points finished so far in
    /// increments.
    pub fn run(
        &self,
        grid: &Grid,
        progress: &Progress,
    ) -> Result<(SweepResults, RunInfo, Timing), Error> {
        self.run_range(grid, 0..grid.len(), progress)
    }

    /// Runs the flat index range `range` of the grid (a shard).
    pub fn run_range(
        &self,
        grid: &Grid,
        range: std::ops::Range<u64>,
        progress: &Progress,
    ) -> Result<(SweepResults, RunInfo, Timing), Error> {
        let mut timing = Timing::default();
        let mut recomputed = 0;
        let res = match self {
            Backend::Cpu => {
                let t = Instant::now();
                let res = cpu::run_range(grid, range.clone(), progress);
                timing.compute = t.elapsed();
                res
            }
            Backend::Gpu { ctx, precision, .. } => {
                let kernel = self.kernel(grid, *precision, &mut timing)?;
                let mut res = kernel.run_range(ctx, grid, range.clone(), progress, &mut timing)?;
                if *precision == Precision::F32
                    && res.status.contains(&Status::Imprecise.code())
                    && !progress.stopped()
                {
                    recomputed = self.recompute_f64(grid, range.clone(), &mut res, &mut timing)?;
                }
                res
            }
        };
        if progress.stopped() {
            return Err(Error::Interrupted);
        }
        // What f64 still flags, double-double on the CPU rescues where the
        // rounding was all that stood in the way.
        let mut res = res;
        let t = Instant::now();
        let rescued = cpu::rescue_imprecise(grid, range.start, &mut res);
        timing.compute += t.elapsed();
        let mut info = self.info(&timing);
        info.recomputed_f64 = recomputed;
        info.rescued = rescued;
        Ok((res, info, timing))
    }

    /// Runs every `[[reduce]]` entry of `grid`, pass by pass, without
    /// keeping the full arrays; the results come in config order.
    pub fn run_reductions(
        &self,
        grid: &Grid,
        progress: &Progress,
    ) -> Result<(Vec<Reduced>, RunInfo, Timing), Error> {
        let (done, info, timing) = self.reduce_range(grid, 0..grid.len(), progress)?;
        Ok((finish(grid, &done), info, timing))
    }

    /// Every reduction pass of `grid` over the traversal index range
    /// `range` (a shard's): each pass with its accumulators, for
    /// [`finish`] or, in a shard, for `nessbat merge`.
    pub fn reduce_range(
        &self,
        grid: &Grid,
        range: std::ops::Range<u64>,
        progress: &Progress,
    ) -> Result<(PassResults, RunInfo, Timing), Error> {
        let reds = &grid.reductions;
        let passes = passes::passes(grid, reds)?;
        let mut timing = Timing::default();
        let mut out = Vec::with_capacity(passes.len());
        for pass in passes {
            let acc = match self {
                Backend::Cpu => {
                    let t = Instant::now();
                    let acc = cpu::run_reduce(&pass, reds, range.clone(), progress);
                    timing.compute += t.elapsed();
                    acc
                }
                Backend::Gpu {
                    ctx,
                    precision,
                    reducer,
                    ..
                } => {
                    let kernel = self.kernel(&pass.traversal, *precision, &mut timing)?;
                    let t = Instant::now();
                    if reducer.get().is_none() {
                        let _ = reducer.set(ReduceKernel::new(ctx, *precision)?);
                    }
                    timing.setup += t.elapsed();
                    let reducer = reducer.get().expect("set above");
                    reducer.run(
                        ctx,
                        kernel,
                        &pass,
                        reds,
                        range.clone(),
                        progress,
                        &mut timing,
                    )?
                }
            };
            if progress.stopped() {
                return Err(Error::Interrupted);
            }
            out.push((pass, acc));
        }
        let mut info = self.info(&timing);
        info.recomputed_f64 = out.iter().map(|(_, a)| a.recomputed_f64).sum();
        info.rescued = out.iter().map(|(_, a)| a.rescued).sum();
        Ok((out, info, timing))
    }

    /// Recomputes in f64 every point of `res` (the range `range` of
    /// `grid`) that an f32 kernel flagged imprecise: with the f64 kernel
    /// where the adapter has SHADER_F64 (one f64 pass over the range, from
    /// which the flagged points are taken), else with the CPU twin. Returns
    /// how many points it recomputed.
    fn recompute_f64(
        &self,
        grid: &Grid,
        range: std::ops::Range<u64>,
        res: &mut SweepResults,
        timing: &mut Timing,
    ) -> Result<u64, Error> {
        let Backend::Gpu { ctx, .. } = self else {
            unreachable!("only the GPU backend computes in f32")
        };
        if !ctx.f64 {
            let t = Instant::now();
            let n = cpu::recompute_imprecise(grid, range.start, res);
            timing.compute += t.elapsed();
            return Ok(n);
        }
        let kernel = self.kernel(grid, Precision::F64, timing)?;
        let exact = kernel.run_range(ctx, grid, range, &Progress::NONE, timing)?;
        let (FloatsFlat::F32(low), FloatsFlat::F64(high)) = (&mut res.real, &exact.real) else {
            unreachable!("an f32 and an f64 run")
        };
        let mut n = 0;
        for i in 0..res.status.len() {
            if Status::Imprecise.is(res.status[i]) {
                // Quantities the sweep does not keep are empty in both.
                for (l, h) in low.iter_mut().zip(high).filter(|(l, _)| !l.is_empty()) {
                    l[i] = h[i] as f32;
                }
                res.status[i] = exact.status[i];
                if let Some(c) = res.cycles.get_mut(i) {
                    *c = exact.cycles[i];
                }
                n += 1;
            }
        }
        Ok(n)
    }

    /// The compiled sweep kernel for `grid`'s model in `precision`, built
    /// on first use. Kernel compilation counts as set-up (lavapipe's LLVM
    /// takes seconds on the first run, then Mesa's disk cache serves it).
    fn kernel(
        &self,
        grid: &Grid,
        precision: Precision,
        timing: &mut Timing,
    ) -> Result<&SweepKernel, Error> {
        let Backend::Gpu { ctx, kernels, .. } = self else {
            unreachable!("only the GPU backend has kernels")
        };
        let t = Instant::now();
        let cell = &kernels[2 * usize::from(precision == Precision::F64) + grid.model as usize];
        if cell.get().is_none() {
            let _ = cell.set(SweepKernel::new(ctx, grid.model, precision)?);
        }
        timing.setup += t.elapsed();
        Ok(cell.get().expect("set above"))
    }

    /// What metadata.json records about this backend and a run's timing.
    pub fn info(&self, timing: &Timing) -> RunInfo {
        match self {
            Backend::Cpu => RunInfo {
                backend: BackendKind::Cpu,
                adapter: None,
                precision: Precision::F64,
                compute_seconds: timing.compute.as_secs_f64(),
                elapsed_seconds: 0.0,
                setup_seconds: 0.0,
                shard: None,
                identity: None,
                recomputed_f64: 0,
                rescued: 0,
                computed: 0,
                command: None,
            },
            Backend::Gpu { ctx, precision, .. } => RunInfo {
                backend: BackendKind::Gpu,
                adapter: Some(json!({
                    "name": ctx.info.name,
                    "driver": ctx.info.driver,
                    "driver_info": ctx.info.driver_info,
                    "api": format!("{:?}", ctx.info.backend),
                    "device_type": format!("{:?}", ctx.info.device_type),
                })),
                precision: *precision,
                compute_seconds: (timing.compute + timing.readback).as_secs_f64(),
                elapsed_seconds: 0.0,
                setup_seconds: timing.setup.as_secs_f64(),
                shard: None,
                identity: None,
                recomputed_f64: 0,
                rescued: 0,
                computed: 0,
                command: None,
            },
        }
    }
}
