//! The sweep kernel on the GPU: one pipeline and one set of buffers, built
//! once and reused for every chunk of the grid.
//!
//! Per chunk: write the parameter block, dispatch one invocation per point
//! (64 per workgroup, wrapping into a second dimension beyond 65 535
//! workgroups), copy the outputs into a staging buffer and map it. Two
//! staging buffers alternate, so that the host reads chunk k while the GPU
//! computes chunk k + 1; the queue orders the parameter write of k + 1
//! after the dispatch of k, so one parameter buffer suffices.

use std::time::{Duration, Instant};

use crate::backend::gpu::buffers::Buffers;
use crate::backend::gpu::chunks::Chunks;
use crate::backend::gpu::context::{GpuContext, GpuError};
use crate::backend::gpu::resources::{binding_entries, dispatch, map_read};
use crate::backend::gpu::timestamps::PassTimer;
use crate::backend::Progress;
use crate::config::outputs::{Outputs, NO_SLOT};
use crate::model::ModelKind;
use crate::store::results::{store, Element, FloatsFlat, SweepResults};
use nessbat_kernels::params::KernelGrid;
use nessbat_kernels::source::sweep_source;
use nessbat_kernels::Precision;

/// Invocations per workgroup: the WGSL prelude's WORKGROUP, which every
/// `@workgroup_size` names, is generated from the same constant.
pub use nessbat_kernels::layout::WORKGROUP;
/// Float outputs per point (OUTPUT_NAMES).
const N_REAL: u64 = nessbat_kernels::N_OUTPUTS as u64;
/// Upper bound on points per chunk, whatever the device allows: keeps the
/// host's extra memory to one chunk.
pub const MAX_CHUNK: u64 = 1 << 22;

/// Where the time of a GPU run went.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timing {
    /// Buffers and upload.
    pub setup: Duration,
    /// Waiting for the device to finish dispatches and copies.
    pub compute: Duration,
    /// Copying mapped results into the host arrays.
    pub readback: Duration,
    /// The sweep kernel's time on the device's own clock (timestamp
    /// queries), where the adapter has them.
    pub kernel: Option<Duration>,
}

/// A compiled sweep kernel.
pub struct SweepKernel {
    pub model: ModelKind,
    pub precision: Precision,
    /// Caps the points per chunk below the device's limit (tests use it to
    /// cross chunk boundaries on small grids).
    pub chunk_limit: Option<u64>,
    pub(crate) pipeline: wgpu::ComputePipeline,
    pub(crate) layout: wgpu::BindGroupLayout,
    /// The device buffers of the last run, kept so that a sweep run chunk
    /// by chunk (checkpoints, Python's stop checks) allocates them once;
    /// a later run reuses them when they are large enough.
    pub(super) buffers: std::sync::Mutex<Option<Buffers>>,
    /// How many buffer sets this kernel has made.
    pub(super) allocations: std::sync::atomic::AtomicU64,
}

impl SweepKernel {
    /// Compiles the kernel for `model` at `precision`.
    pub fn new(
        ctx: &GpuContext,
        model: ModelKind,
        precision: Precision,
    ) -> Result<SweepKernel, GpuError> {
        if precision == Precision::F64 && !ctx.f64 {
            return Err(GpuError::NoF64(ctx.info.name.clone()));
        }
        let device = &ctx.device;
        let scope = device.push_error_scope(wgpu::ErrorFilter::Validation);
        let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some("nessbat sweep"),
            source: wgpu::ShaderSource::Wgsl(sweep_source(model, precision).into()),
        });
        let layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("sweep"),
            entries: &binding_entries(&nessbat_kernels::layout::SWEEP_BINDINGS),
        });
        let pipeline_layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some("sweep"),
            bind_group_layouts: &[Some(&layout)],
            immediate_size: 0,
        });
        let pipeline = device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
            label: Some("sweep"),
            layout: Some(&pipeline_layout),
            module: &module,
            entry_point: Some("main"),
            compilation_options: Default::default(),
            cache: ctx.pipeline_cache.as_ref().map(|c| &c.cache),
        });
        if let Some(e) = pollster::block_on(scope.pop()) {
            return Err(GpuError::Runtime(format!("kernel compilation failed: {e}")));
        }
        if let Some(c) = &ctx.pipeline_cache {
            c.save();
        }
        Ok(SweepKernel {
            model,
            precision,
            chunk_limit: None,
            pipeline,
            layout,
            buffers: Default::default(),
            allocations: Default::default(),
        })
    }

    pub(crate) fn real_size(&self) -> u64 {
        match self.precision {
            Precision::F32 => 4,
            Precision::F64 => 8,
        }
    }

    /// Points per chunk on this device.
    pub fn chunk_capacity(&self, ctx: &GpuContext) -> u64 {
        let per_binding = ctx
            .limits
            .max_storage_buffer_binding_size
            .min(ctx.limits.max_buffer_size);
        let by_memory = per_binding / (N_REAL * self.real_size());
        let by_dispatch = u64::from(ctx.limits.max_compute_workgroups_per_dimension).pow(2)
            * u64::from(WORKGROUP);
        let cap = by_memory
            .min(by_dispatch)
            .min(MAX_CHUNK)
            .min(self.chunk_limit.unwrap_or(u64::MAX));
        (cap / u64::from(WORKGROUP)).max(1) * u64::from(WORKGROUP)
    }

    /// Runs the whole grid; `progress` is told how many points are done.
    pub fn run(
        &self,
        ctx: &GpuContext,
        grid: &dyn KernelGrid,
        progress: &Progress,
        timing: &mut Timing,
    ) -> Result<SweepResults, GpuError> {
        self.run_range(ctx, grid, 0..grid.len(), progress, timing)
    }

    /// Runs the flat (C-order) index range `range` of the grid: a shard.
    pub fn run_range(
        &self,
        ctx: &GpuContext,
        grid: &dyn KernelGrid,
        range: std::ops::Range<u64>,
        progress: &Progress,
        timing: &mut Timing,
    ) -> Result<SweepResults, GpuError> {
        if grid.model() != self.model {
            return Err(GpuError::Runtime(
                "kernel and grid are for different models".into(),
            ));
        }
        match self.precision {
            Precision::F64 => {
                self.run_typed::<f64>(ctx, grid, grid.values(), range, progress, timing)
            }
            Precision::F32 => {
                // Kernel values were computed in f64 (n̄ included); round once.
                let values: Vec<f32> = grid.values().iter().map(|v| *v as f32).collect();
                self.run_typed::<f32>(ctx, grid, &values, range, progress, timing)
            }
        }
    }

    fn run_typed<R: Element>(
        &self,
        ctx: &GpuContext,
        grid: &dyn KernelGrid,
        values: &[R],
        range: std::ops::Range<u64>,
        progress: &Progress,
        timing: &mut Timing,
    ) -> Result<SweepResults, GpuError>
    where
        SweepResults: HasFloats<R>,
    {
        let t0 = Instant::now();
        let outputs = grid.outputs();
        let mut res = <SweepResults as HasFloats<R>>::empty(grid.result_shape(&range), outputs);
        let first = range.start;
        // Chunk positions are relative to the range; the parameter block
        // gets absolute grid indices.
        let total = res.len() as u64;
        let cap = self
            .chunk_capacity(ctx)
            .min(total.max(1).next_multiple_of(u64::from(WORKGROUP)));
        self.with_buffers(ctx, cap, values, |bufs| {
            self.chunk_loop(
                ctx,
                grid,
                bufs,
                (first, total, cap),
                &mut res,
                progress,
                timing,
                t0,
            )
        })?;
        Ok(res)
    }

    /// The sweep's chunks: dispatch one while the previous one is read.
    #[expect(
        clippy::too_many_arguments,
        reason = "the device, grid, buffers, range, results and reporting"
    )]
    fn chunk_loop<R: Element>(
        &self,
        ctx: &GpuContext,
        grid: &dyn KernelGrid,
        bufs: &Buffers,
        (first, total, cap): (u64, u64, u64),
        res: &mut SweepResults,
        progress: &Progress,
        timing: &mut Timing,
        t0: Instant,
    ) -> Result<(), GpuError>
    where
        SweepResults: HasFloats<R>,
    {
        let device = &ctx.device;
        let outputs = grid.outputs();
        // The kernel packs the kept quantities into the first slots
        // (config::outputs): only those are copied and read back.
        let slots = outputs.count() as u64;
        let (params_buf, out_real, out_u32, staging, bind_group) = (
            &bufs.params,
            &bufs.out_real,
            &bufs.out_u32,
            &bufs.staging,
            &bufs.bind_group,
        );
        let timer = PassTimer::new(ctx);
        timing.setup += t0.elapsed();

        let mut pending: Option<(u64, u64, usize)> = None;
        let mut chunks = Chunks::new(total, cap, 1);
        let mut slot = 0usize;
        loop {
            // A stopped run submits no more chunks; the backend answers
            // Interrupted once the one in flight is drained.
            let next = if let Some((start, len)) = chunks.next(progress) {
                let params = grid.chunk_params(first + start, len as u32);
                ctx.queue
                    .write_buffer(params_buf, 0, bytemuck::bytes_of(&params));
                let mut enc = device.create_command_encoder(&wgpu::CommandEncoderDescriptor {
                    label: Some("chunk"),
                });
                dispatch(
                    ctx,
                    &mut enc,
                    &self.pipeline,
                    bind_group,
                    len,
                    timer.as_ref().map(|t| t.writes(slot)),
                );
                if let Some(t) = &timer {
                    t.resolve(&mut enc, slot);
                }
                let (sr, su) = &staging[slot];
                // Only this chunk's kept outputs: a short last chunk, and
                // fewer kept quantities, copy less.
                let real_bytes = len * slots * self.real_size();
                if real_bytes > 0 {
                    enc.copy_buffer_to_buffer(out_real, 0, sr, 0, real_bytes);
                }
                // The status words; the cycles (the second half) only
                // where the sweep keeps them.
                let u32_bytes = if outputs.cycles() {
                    2 * len * 4
                } else {
                    len * 4
                };
                enc.copy_buffer_to_buffer(out_u32, 0, su, 0, u32_bytes);
                ctx.queue.submit([enc.finish()]);
                let this = (start, len, slot);
                slot = 1 - slot;
                Some(this)
            } else {
                None
            };
            if let Some((s, len, sl)) = pending.take() {
                self.read_chunk::<R>(ctx, &staging[sl], s, len, res, timing)?;
                if let Some(d) = timer.as_ref().and_then(|t| t.read(ctx, sl)) {
                    *timing.kernel.get_or_insert(Duration::ZERO) += d;
                }
                chunks.finished(len, progress);
            }
            match next {
                Some(n) => pending = Some(n),
                None => break,
            }
        }
        Ok(())
    }

    /// Waits for one chunk's copies, maps them and stores the chunk.
    fn read_chunk<R: Element>(
        &self,
        ctx: &GpuContext,
        bufs: &(wgpu::Buffer, wgpu::Buffer),
        start: u64,
        len: u64,
        res: &mut SweepResults,
        timing: &mut Timing,
    ) -> Result<(), GpuError>
    where
        SweepResults: HasFloats<R>,
    {
        let t = Instant::now();
        map_read(ctx, &[&bufs.0, &bufs.1])?;
        timing.compute += t.elapsed();
        let t = Instant::now();
        {
            let rv = bufs
                .0
                .get_mapped_range(..)
                .map_err(|e| GpuError::Runtime(e.to_string()))?;
            let uv = bufs
                .1
                .get_mapped_range(..)
                .map_err(|e| GpuError::Runtime(e.to_string()))?;
            let real: &[R] = bytemuck::cast_slice(&rv);
            let words: &[u32] = bytemuck::cast_slice(&uv);
            let slots = res.outputs.slots();
            let (arrays, cycles, status) = res.parts();
            // The kernel wrote chunk_len-strided kept quantities: quantity
            // q of point i at slots[q] · len + i.
            for i in 0..len as usize {
                let vals: [R; nessbat_kernels::N_OUTPUTS] =
                    std::array::from_fn(|q| match slots[q] {
                        NO_SLOT => R::default(),
                        k => real[k as usize * len as usize + i],
                    });
                store(
                    arrays,
                    cycles,
                    status,
                    start as usize + i,
                    vals,
                    // The second half is there where cycles are kept
                    // (`store` writes them only then).
                    words.get(len as usize + i).copied().unwrap_or(0),
                    words[i],
                );
            }
        }
        bufs.0.unmap();
        bufs.1.unmap();
        timing.readback += t.elapsed();
        Ok(())
    }
}

/// Access to the float arrays of a result in the kernel's precision.
pub trait HasFloats<R> {
    fn parts(
        &mut self,
    ) -> (
        &mut [Vec<R>; nessbat_kernels::N_OUTPUTS],
        &mut [u32],
        &mut [u8],
    );
    /// Zeroed results of this precision with the arrays of `outputs`.
    fn empty(shape: Vec<usize>, outputs: Outputs) -> SweepResults;
}

impl HasFloats<f64> for SweepResults {
    fn empty(shape: Vec<usize>, outputs: Outputs) -> SweepResults {
        SweepResults::new(shape, true, outputs)
    }

    fn parts(
        &mut self,
    ) -> (
        &mut [Vec<f64>; nessbat_kernels::N_OUTPUTS],
        &mut [u32],
        &mut [u8],
    ) {
        match &mut self.real {
            FloatsFlat::F64(a) => (a, &mut self.cycles, &mut self.status),
            FloatsFlat::F32(_) => panic!("f64 kernel with f32 results"),
        }
    }
}

impl HasFloats<f32> for SweepResults {
    fn empty(shape: Vec<usize>, outputs: Outputs) -> SweepResults {
        SweepResults::new(shape, false, outputs)
    }

    fn parts(
        &mut self,
    ) -> (
        &mut [Vec<f32>; nessbat_kernels::N_OUTPUTS],
        &mut [u32],
        &mut [u8],
    ) {
        match &mut self.real {
            FloatsFlat::F32(a) => (a, &mut self.cycles, &mut self.status),
            FloatsFlat::F64(_) => panic!("f32 kernel with f64 results"),
        }
    }
}
