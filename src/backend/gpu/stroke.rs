//! The battery kernels on the GPU, in f64: the stroke
//! (kernels/shaders/battery_stroke.wgsl: for a batch of points, X = Wτ
//! and τ in, e^X − I and F = ∫_0^τ e^{Ws} ds out) and the NESS and OSS
//! (kernels/shaders/battery_oss.wgsl: W and e^{Wτ} − I in; the NESS, the
//! OSS's states and order, the solves' errors out). One pipeline per
//! battery size and stage (the smallest variant that holds its levels),
//! built once; its buffers grow to the largest batch and are kept, so a
//! sweep run batch by batch allocates them once.
//!
//! The host assembles W: the Davies rates need e^{ω/T} per transition,
//! which the CPU finisher needs anyway (for the heats, bath by bath), and
//! the kernel's work is the matrix products, about 30 d³ per point.

use std::sync::Mutex;

use crate::backend::gpu::context::{GpuContext, GpuError};
use crate::backend::gpu::resources::{bind, binding_entries, buffer, dispatch, map_read};
use nessbat_kernels::kind::StrokeDim;
use nessbat_kernels::layout::{OSS_BINDINGS, OSS_WIDTH_EXTRA, STROKE_BINDINGS, WORKGROUP};
use nessbat_kernels::source::{oss_source, stroke_source};

/// Which stage of a battery point a kernel computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// The stroke: e^{Wτ} − I and its integral.
    Stroke,
    /// The NESS and the OSS by policy iteration.
    Oss,
}

/// The most levels the OSS kernel's point-per-invocation entry holds:
/// its solves keep five d × d matrices' worth per invocation, which at 16
/// levels would spill (and which lavapipe corrupts, as it did the
/// stroke's at 12). Larger batteries run a workgroup per point.
pub const OSS_PRIVATE_MAX_LEVELS: usize = 8;

/// Most points per dispatch, whatever the device allows: keeps the
/// device's buffers to a few hundred MB at d = 16.
const MAX_BATCH: u64 = 1 << 16;

/// The device buffers of one batch size.
struct StrokeBuffers {
    points: u64,
    params: wgpu::Buffer,
    input: wgpu::Buffer,
    output: wgpu::Buffer,
    staging: wgpu::Buffer,
    group: wgpu::BindGroup,
}

/// How the kernel maps points onto the device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StrokeLayout {
    /// One point per invocation (`main`): matrices in registers.
    PerInvocation,
    /// One point per workgroup (`main_wide`): matrices in workgroup
    /// memory, each invocation forming some entries of every product.
    PerWorkgroup,
}

impl StrokeLayout {
    /// The layout each size runs in: 16 levels per workgroup (4 × 256 f64
    /// per invocation would spill out of registers, and lavapipe corrupts
    /// private arrays that large: found by tests/battery_gpu.rs at d = 12),
    /// smaller ones per invocation.
    pub fn for_dim(dim: StrokeDim) -> StrokeLayout {
        match dim {
            StrokeDim::D16 => StrokeLayout::PerWorkgroup,
            StrokeDim::D4 | StrokeDim::D8 => StrokeLayout::PerInvocation,
        }
    }

    /// The name, as the bench prints it.
    pub fn name(self) -> &'static str {
        match self {
            StrokeLayout::PerInvocation => "point per invocation",
            StrokeLayout::PerWorkgroup => "point per workgroup",
        }
    }
}

/// A compiled battery kernel (a stroke, or the OSS) for batteries of
/// `levels` levels.
pub struct StrokeKernel {
    pub stage: Stage,
    pub dim: StrokeDim,
    pub levels: usize,
    pub layout_kind: StrokeLayout,
    pipeline: wgpu::ComputePipeline,
    layout: wgpu::BindGroupLayout,
    buffers: Mutex<Option<StrokeBuffers>>,
}

/// Why a battery cannot run on the GPU: its size.
pub fn too_many_levels(levels: usize) -> String {
    format!(
        "--backend gpu: the battery GPU kernels hold up to {} levels, this battery has {levels}; accepted: --backend cpu (the f64 path, up to 64 levels)",
        StrokeDim::ALL[StrokeDim::ALL.len() - 1].size()
    )
}

impl StrokeKernel {
    /// Compiles the kernel for batteries of `levels` levels.
    pub fn new(ctx: &GpuContext, levels: usize) -> Result<StrokeKernel, GpuError> {
        let dim =
            StrokeDim::holding(levels).ok_or_else(|| GpuError::Runtime(too_many_levels(levels)))?;
        Self::with_layout(ctx, levels, StrokeLayout::for_dim(dim))
    }

    /// The NESS and OSS kernel for batteries of `levels` levels, in the
    /// layout of their size (as the stroke's).
    pub fn oss(ctx: &GpuContext, levels: usize) -> Result<StrokeKernel, GpuError> {
        let dim =
            StrokeDim::holding(levels).ok_or_else(|| GpuError::Runtime(too_many_levels(levels)))?;
        Self::oss_with_layout(ctx, levels, StrokeLayout::for_dim(dim))
    }

    /// The NESS and OSS kernel in layout `layout` (the bench measures
    /// both); a point per invocation holds up to
    /// [`OSS_PRIVATE_MAX_LEVELS`] levels.
    pub fn oss_with_layout(
        ctx: &GpuContext,
        levels: usize,
        layout_kind: StrokeLayout,
    ) -> Result<StrokeKernel, GpuError> {
        if layout_kind == StrokeLayout::PerInvocation && levels > OSS_PRIVATE_MAX_LEVELS {
            return Err(GpuError::Runtime(format!(
                "the battery OSS kernel holds up to {OSS_PRIVATE_MAX_LEVELS} levels a point per invocation, not {levels}"
            )));
        }
        Self::compile(ctx, levels, layout_kind, Stage::Oss)
    }

    /// The kernel in layout `layout` (the bench measures both).
    pub fn with_layout(
        ctx: &GpuContext,
        levels: usize,
        layout_kind: StrokeLayout,
    ) -> Result<StrokeKernel, GpuError> {
        Self::compile(ctx, levels, layout_kind, Stage::Stroke)
    }

    fn compile(
        ctx: &GpuContext,
        levels: usize,
        layout_kind: StrokeLayout,
        stage: Stage,
    ) -> Result<StrokeKernel, GpuError> {
        let dim =
            StrokeDim::holding(levels).ok_or_else(|| GpuError::Runtime(too_many_levels(levels)))?;
        if !ctx.f64 {
            return Err(GpuError::Runtime(format!(
                "--backend gpu: battery kernels run in f64, and adapter '{}' lacks SHADER_F64; accepted: --backend cpu",
                ctx.info.name
            )));
        }
        let device = &ctx.device;
        let scope = device.push_error_scope(wgpu::ErrorFilter::Validation);
        let (source, bindings) = match stage {
            Stage::Stroke => (stroke_source(dim), &STROKE_BINDINGS),
            Stage::Oss => (oss_source(dim), &OSS_BINDINGS),
        };
        let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some("nessbat battery kernel"),
            source: wgpu::ShaderSource::Wgsl(source.into()),
        });
        let layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("battery kernel"),
            entries: &binding_entries(bindings),
        });
        let pipeline_layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some("battery stroke"),
            bind_group_layouts: &[Some(&layout)],
            immediate_size: 0,
        });
        let pipeline = device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
            label: Some("battery stroke"),
            layout: Some(&pipeline_layout),
            module: &module,
            entry_point: Some(match layout_kind {
                StrokeLayout::PerInvocation => "main",
                StrokeLayout::PerWorkgroup => "main_wide",
            }),
            compilation_options: Default::default(),
            cache: ctx.pipeline_cache.as_ref().map(|c| &c.cache),
        });
        if let Some(e) = pollster::block_on(scope.pop()) {
            return Err(GpuError::Runtime(format!(
                "battery kernel compilation failed: {e}"
            )));
        }
        if let Some(c) = &ctx.pipeline_cache {
            c.save();
        }
        Ok(StrokeKernel {
            stage,
            dim,
            levels,
            layout_kind,
            pipeline,
            layout,
            buffers: Mutex::new(None),
        })
    }

    /// Reals per point in and out.
    fn widths(&self) -> (u64, u64) {
        let d = self.levels as u64;
        match self.stage {
            Stage::Stroke => (d * d + 1, 2 * d * d),
            Stage::Oss => (2 * d * d, 4 * d + OSS_WIDTH_EXTRA as u64),
        }
    }

    /// Invocations per point.
    fn invocations(&self) -> u64 {
        match self.layout_kind {
            StrokeLayout::PerInvocation => 1,
            StrokeLayout::PerWorkgroup => u64::from(WORKGROUP),
        }
    }

    /// Points per dispatch on this device.
    pub fn batch_capacity(&self, ctx: &GpuContext) -> u64 {
        let per_binding = ctx
            .limits
            .max_storage_buffer_binding_size
            .min(ctx.limits.max_buffer_size);
        let (_, out) = self.widths();
        let by_memory = per_binding / (out * 8);
        let by_dispatch = u64::from(ctx.limits.max_compute_workgroups_per_dimension).pow(2)
            * u64::from(WORKGROUP)
            / self.invocations();
        by_memory.min(by_dispatch).clamp(1, MAX_BATCH)
    }

    /// The stage's outputs of `points` points packed in `input`: for the
    /// stroke, X = Wτ and τ ((d² + 1) reals each) in, e^X − I then F (2d²
    /// reals each) out; for the OSS, W then e^{Wτ} − I (2d²) in, the NESS,
    /// p, q, the order, the two solves' errors and found (4d + 3) out.
    pub fn run(
        &self,
        ctx: &GpuContext,
        input: &[f64],
        points: usize,
    ) -> Result<Vec<f64>, GpuError> {
        let (w_in, w_out) = self.widths();
        assert_eq!(input.len() as u64, points as u64 * w_in, "packed input");
        let mut out = vec![0.0; points * w_out as usize];
        let cap = self.batch_capacity(ctx) as usize;
        let mut guard = self.buffers.lock().unwrap_or_else(|e| e.into_inner());
        let mut start = 0;
        while start < points {
            let n = cap.min(points - start);
            if guard.as_ref().is_none_or(|b| b.points < n as u64) {
                *guard = Some(self.buffers(ctx, n as u64));
            }
            let b = guard.as_ref().expect("buffers made above");
            let params: [u32; 2] = [self.levels as u32, n as u32];
            ctx.queue
                .write_buffer(&b.params, 0, bytemuck::cast_slice(&params));
            let range = start * w_in as usize..(start + n) * w_in as usize;
            ctx.queue
                .write_buffer(&b.input, 0, bytemuck::cast_slice(&input[range]));
            let bytes = n as u64 * w_out * 8;
            let mut enc = ctx
                .device
                .create_command_encoder(&wgpu::CommandEncoderDescriptor {
                    label: Some("battery stroke"),
                });
            let items = n as u64 * self.invocations();
            dispatch(ctx, &mut enc, &self.pipeline, &b.group, items, None);
            enc.copy_buffer_to_buffer(&b.output, 0, &b.staging, 0, bytes);
            ctx.queue.submit([enc.finish()]);
            map_read(ctx, &[&b.staging])?;
            {
                let view = b
                    .staging
                    .get_mapped_range(..bytes)
                    .map_err(|e| GpuError::Runtime(e.to_string()))?;
                let vals: &[f64] = bytemuck::cast_slice(&view);
                out[start * w_out as usize..(start + n) * w_out as usize].copy_from_slice(vals);
            }
            b.staging.unmap();
            start += n;
        }
        Ok(out)
    }

    /// Buffers for batches of up to `points` points.
    fn buffers(&self, ctx: &GpuContext, points: u64) -> StrokeBuffers {
        use wgpu::BufferUsages as U;
        let (w_in, w_out) = self.widths();
        let params = buffer(ctx, "stroke params", 8, U::STORAGE | U::COPY_DST);
        let input = buffer(
            ctx,
            "stroke in",
            points * w_in * 8,
            U::STORAGE | U::COPY_DST,
        );
        let output = buffer(
            ctx,
            "stroke out",
            points * w_out * 8,
            U::STORAGE | U::COPY_SRC,
        );
        let staging = buffer(
            ctx,
            "stroke staging",
            points * w_out * 8,
            U::MAP_READ | U::COPY_DST,
        );
        let group = bind(ctx, &self.layout, &[&params, &input, &output]);
        StrokeBuffers {
            points,
            params,
            input,
            output,
            staging,
            group,
        }
    }
}
