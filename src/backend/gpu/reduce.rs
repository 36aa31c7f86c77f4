//! Reductions on the GPU: the sweep kernel computes a chunk into device
//! memory, the two reduction kernels (shaders/reduce.wgsl) fold it into
//! per-cell accumulators, and only the accumulators are read back at the
//! end. The full arrays never leave the device.

use nessbat_kernels::layout::Status;
use std::time::Instant;

use crate::backend::gpu::buffers::Buffers;
use crate::backend::gpu::chunks::Chunks;
use crate::backend::gpu::context::{GpuContext, GpuError};
use crate::backend::gpu::kernel::{SweepKernel, Timing, WORKGROUP};
use crate::backend::gpu::resources::{bind, binding_entries, buffer, dispatch, map_read};
use crate::backend::Progress;
use crate::config::reduce::Reduction;
use crate::grid::passes::Pass;
use crate::store::reduced::Accumulators;
use crate::store::results::Element;
use nessbat_kernels::reduce::{ReduceParams, MAX_REDUCTIONS, MAX_WHERE};
use nessbat_kernels::source::reduce_source;
use nessbat_kernels::Precision;

/// Points per chunk of a reduction pass: bounds the partials buffer (up to
/// two blocks per point when cells are tiny) next to the chunk's outputs.
pub const REDUCE_CHUNK: u64 = 1 << 20;
/// Chunks submitted before the host waits for the device.
const IN_FLIGHT: u64 = 4;

/// The two reduction pipelines, compiled once per precision.
pub struct ReduceKernel {
    pub precision: Precision,
    blocks: wgpu::ComputePipeline,
    cells: wgpu::ComputePipeline,
    layout: wgpu::BindGroupLayout,
}

impl ReduceKernel {
    pub fn new(ctx: &GpuContext, precision: Precision) -> Result<ReduceKernel, GpuError> {
        let device = &ctx.device;
        let scope = device.push_error_scope(wgpu::ErrorFilter::Validation);
        let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some("nessbat reduce"),
            source: wgpu::ShaderSource::Wgsl(reduce_source(precision).into()),
        });
        let entries = binding_entries(&nessbat_kernels::layout::REDUCE_BINDINGS);
        let layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("reduce"),
            entries: &entries,
        });
        let pipeline_layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some("reduce"),
            bind_group_layouts: &[Some(&layout)],
            immediate_size: 0,
        });
        let pipeline = |entry: &str| {
            device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
                label: Some(entry),
                layout: Some(&pipeline_layout),
                module: &module,
                entry_point: Some(entry),
                compilation_options: Default::default(),
                cache: ctx.pipeline_cache.as_ref().map(|c| &c.cache),
            })
        };
        let (blocks, cells) = (pipeline("fold_blocks"), pipeline("fold_cells"));
        if let Some(e) = pollster::block_on(scope.pop()) {
            return Err(GpuError::Runtime(format!(
                "reduction kernel compilation failed: {e}"
            )));
        }
        if let Some(c) = &ctx.pipeline_cache {
            c.save();
        }
        Ok(ReduceKernel {
            precision,
            blocks,
            cells,
            layout,
        })
    }

    /// Runs one pass with `kernel` over the traversal index range `range`
    /// of `pass.traversal` (the whole grid, or a shard of it).
    #[expect(
        clippy::too_many_arguments,
        reason = "the device, both kernels, the pass, its range and the reporting"
    )]
    pub fn run(
        &self,
        ctx: &GpuContext,
        kernel: &SweepKernel,
        pass: &Pass,
        reds: &[Reduction],
        range: std::ops::Range<u64>,
        progress: &Progress,
        timing: &mut Timing,
    ) -> Result<Accumulators, GpuError> {
        let run = Run {
            ctx,
            kernel,
            pass,
            reds,
            range,
        };
        match self.precision {
            Precision::F64 => {
                let values = pass.traversal.values.clone();
                self.run_typed::<f64>(&run, &values, progress, timing)
            }
            Precision::F32 => {
                let values: Vec<f32> = pass.traversal.values.iter().map(|v| *v as f32).collect();
                self.run_typed::<f32>(&run, &values, progress, timing)
            }
        }
    }

    fn run_typed<R: Element>(
        &self,
        run: &Run,
        values: &[R],
        progress: &Progress,
        timing: &mut Timing,
    ) -> Result<Accumulators, GpuError> {
        let Run {
            ctx, kernel, pass, ..
        } = *run;
        let t0 = Instant::now();
        let (first, total) = (run.range.start, run.range.end);
        let nr = pass.members.len() as u64;
        let cap = kernel.chunk_capacity(ctx).min(REDUCE_CHUNK).min(
            (total - first)
                .max(1)
                .next_multiple_of(u64::from(WORKGROUP)),
        );
        let acc_bytes = pass.cells * nr * 16;
        let limit = ctx
            .limits
            .max_storage_buffer_binding_size
            .min(ctx.limits.max_buffer_size);
        if acc_bytes > limit || pass.cells * nr > u64::from(u32::MAX) {
            return Err(GpuError::Runtime(format!(
                "the reduced arrays ({} cells x {nr} reductions) exceed what adapter '{}' can bind ({limit} bytes); reduce over more axes or use --backend cpu",
                pass.cells, ctx.info.name
            )));
        }
        // The sweep kernel's own cached buffers hold each chunk's inputs
        // and outputs (and their MAP_READ copies, for the rescue).
        kernel.with_buffers(ctx, cap, values, |bufs| {
            self.fold_chunks::<R>(run, bufs, cap, acc_bytes, progress, timing, t0)
        })
    }

    /// The pass's chunks: compute, rescue what the kernel flagged, fold;
    /// then read the accumulators back.
    #[expect(
        clippy::too_many_arguments,
        reason = "the pass, the buffers, their sizes and the reporting"
    )]
    fn fold_chunks<R: Element>(
        &self,
        run: &Run,
        bufs: &Buffers,
        cap: u64,
        acc_bytes: u64,
        progress: &Progress,
        timing: &mut Timing,
        t0: Instant,
    ) -> Result<Accumulators, GpuError> {
        let Run {
            ctx,
            kernel,
            pass,
            reds,
            ..
        } = *run;
        let grid = &pass.traversal;
        let (first, total) = (run.range.start, run.range.end);
        let nr = pass.members.len() as u64;
        let size = kernel.real_size();
        use wgpu::BufferUsages as U;
        let (params_buf, out_real, out_u32, main_group) = (
            &bufs.params,
            &bufs.out_real,
            &bufs.out_u32,
            &bufs.bind_group,
        );
        let (check_real, check_u32) = &bufs.staging[0];
        let rp_buf = buffer(
            ctx,
            "reduce params",
            std::mem::size_of::<ReduceParams>() as u64,
            U::STORAGE | U::COPY_DST,
        );
        let thresholds_buf = buffer(
            ctx,
            "thresholds",
            (MAX_REDUCTIONS * MAX_WHERE) as u64 * size,
            U::STORAGE | U::COPY_DST,
        );
        let blocks = pass.max_blocks(cap);
        let part_real = buffer(ctx, "part_real", blocks * nr * size, U::STORAGE);
        let part_u32 = buffer(ctx, "part_u32", blocks * nr * 8, U::STORAGE);
        // wgpu zero-fills new buffers: every accumulator starts with count 0.
        let acc_real = buffer(
            ctx,
            "acc_real",
            pass.cells * nr * size,
            U::STORAGE | U::COPY_SRC,
        );
        let acc_u32 = buffer(ctx, "acc_u32", acc_bytes, U::STORAGE | U::COPY_SRC);
        let reduce_group = bind(
            ctx,
            &self.layout,
            &[
                &rp_buf,
                &thresholds_buf,
                out_real,
                out_u32,
                &part_real,
                &part_u32,
                &acc_real,
                &acc_u32,
            ],
        );
        timing.setup += t0.elapsed();

        let t = Instant::now();
        let mut flagged_acc = Accumulators::empty((pass.cells * nr) as usize);
        // The folds do not depend on the chunking (ties go to the smaller
        // traversal index whatever the chunk).
        let mut chunks = Chunks::new(total - first, cap, IN_FLIGHT);
        let (mut in_flight, mut submitted) = (0u64, 0u64);
        while let Some((at, len)) = chunks.next(progress) {
            let start = first + at;
            let params = grid.chunk_params(start, len as u32);
            let (rp, thresholds) = pass.chunk_params(reds, start, len as u32);
            let thresholds: Vec<R> = thresholds.iter().map(|v| R::from_f64(*v)).collect();
            ctx.queue
                .write_buffer(params_buf, 0, bytemuck::bytes_of(&params));
            ctx.queue.write_buffer(&rp_buf, 0, bytemuck::bytes_of(&rp));
            ctx.queue
                .write_buffer(&thresholds_buf, 0, bytemuck::cast_slice(&thresholds));
            let mut enc = ctx
                .device
                .create_command_encoder(&wgpu::CommandEncoderDescriptor {
                    label: Some("reduce chunk"),
                });
            // Three passes in order: the queue makes each see the previous
            // one's writes. Between the sweep and the folds, what the kernel
            // flagged is recomputed on the CPU (f64, then double-double), so
            // that a reduction sees what the full arrays of the same run see.
            dispatch(ctx, &mut enc, &kernel.pipeline, main_group, len, None);
            enc.copy_buffer_to_buffer(out_u32, 0, check_u32, 0, len * 8);
            ctx.queue.submit([enc.finish()]);
            map_read(ctx, &[check_u32])?;
            let mut u32s: Vec<u32> = bytemuck::cast_slice::<u8, u32>(
                &check_u32
                    .get_mapped_range(..len * 8)
                    .map_err(|e| GpuError::Runtime(e.to_string()))?,
            )
            .to_vec();
            check_u32.unmap();
            let flagged: Vec<usize> = (0..len as usize)
                .filter(|&i| Status::Imprecise.in_word(u32s[i]))
                .collect();
            if !flagged.is_empty() {
                let real_bytes = len * nessbat_kernels::N_OUTPUTS as u64 * size;
                let mut enc = ctx
                    .device
                    .create_command_encoder(&wgpu::CommandEncoderDescriptor {
                        label: Some("reduce rescue"),
                    });
                enc.copy_buffer_to_buffer(out_real, 0, check_real, 0, real_bytes);
                ctx.queue.submit([enc.finish()]);
                map_read(ctx, &[check_real])?;
                let mut reals: Vec<R> = bytemuck::cast_slice::<u8, R>(
                    &check_real
                        .get_mapped_range(..real_bytes)
                        .map_err(|e| GpuError::Runtime(e.to_string()))?,
                )
                .to_vec();
                check_real.unmap();
                let coarse = self.precision == Precision::F32;
                let better: Vec<_> = {
                    use rayon::prelude::*;
                    flagged
                        .par_iter()
                        .map(|&i| {
                            crate::backend::cpu::rescue::resolve_point(
                                grid,
                                start + i as u64,
                                coarse,
                            )
                        })
                        .collect()
                };
                if coarse {
                    flagged_acc.recomputed_f64 += flagged.len() as u64;
                } else {
                    flagged_acc.rescued += better.iter().flatten().count() as u64;
                }
                let l = len as usize;
                for (&i, o) in flagged.iter().zip(&better) {
                    let Some(o) = o else { continue };
                    for (q, v) in o.real.iter().enumerate() {
                        let slot = params.out_slot[q];
                        if slot != crate::config::outputs::NO_SLOT {
                            reals[slot as usize * l + i] = R::from_f64(*v);
                        }
                    }
                    u32s[i] = o.status;
                    u32s[l + i] = o.cycles;
                }
                ctx.queue
                    .write_buffer(out_real, 0, bytemuck::cast_slice(&reals));
                ctx.queue
                    .write_buffer(out_u32, 0, bytemuck::cast_slice(&u32s));
            }
            flagged_acc.count_flagged(&u32s[..len as usize], start, pass.cell_len, nr as usize);
            let mut enc = ctx
                .device
                .create_command_encoder(&wgpu::CommandEncoderDescriptor {
                    label: Some("reduce fold"),
                });
            dispatch(
                ctx,
                &mut enc,
                &self.blocks,
                &reduce_group,
                u64::from(rp.n_blocks),
                None,
            );
            dispatch(
                ctx,
                &mut enc,
                &self.cells,
                &reduce_group,
                u64::from(rp.n_cells),
                None,
            );
            ctx.queue.submit([enc.finish()]);
            // Each submission carries its own copy of the parameter writes
            // (wgpu stages them), so chunks may queue up; wait every
            // IN_FLIGHT chunks so that the progress bar stays honest and
            // the queue bounded.
            in_flight += len;
            submitted += 1;
            if submitted % IN_FLIGHT == 0 || chunks.submitted_all() {
                ctx.device
                    .poll(wgpu::PollType::wait_indefinitely())
                    .map_err(|e| GpuError::Runtime(format!("device poll failed: {e}")))?;
                chunks.finished(in_flight, progress);
                in_flight = 0;
            }
        }
        // A stop between two waits leaves chunks in flight: drain them.
        if in_flight > 0 {
            ctx.device
                .poll(wgpu::PollType::wait_indefinitely())
                .map_err(|e| GpuError::Runtime(format!("device poll failed: {e}")))?;
            chunks.finished(in_flight, progress);
        }
        timing.compute += t.elapsed();

        let t = Instant::now();
        let staging_real = buffer(
            ctx,
            "staging acc_real",
            acc_real.size(),
            U::MAP_READ | U::COPY_DST,
        );
        let staging_u32 = buffer(ctx, "staging acc_u32", acc_bytes, U::MAP_READ | U::COPY_DST);
        let mut enc = ctx
            .device
            .create_command_encoder(&wgpu::CommandEncoderDescriptor {
                label: Some("reduce read-back"),
            });
        enc.copy_buffer_to_buffer(&acc_real, 0, &staging_real, 0, acc_real.size());
        enc.copy_buffer_to_buffer(&acc_u32, 0, &staging_u32, 0, acc_bytes);
        ctx.queue.submit([enc.finish()]);
        map_read(ctx, &[&staging_real, &staging_u32])?;
        let acc = {
            let rv = staging_real
                .get_mapped_range(..)
                .map_err(|e| GpuError::Runtime(e.to_string()))?;
            let uv = staging_u32
                .get_mapped_range(..)
                .map_err(|e| GpuError::Runtime(e.to_string()))?;
            let keys: &[R] = bytemuck::cast_slice(&rv);
            let words: &[u32] = bytemuck::cast_slice(&uv);
            let mut acc =
                Accumulators::from_words(keys.iter().map(|v| v.to_f64()).collect(), words);
            acc.flagged = flagged_acc.flagged;
            acc.recomputed_f64 = flagged_acc.recomputed_f64;
            acc.rescued = flagged_acc.rescued;
            acc
        };
        staging_real.unmap();
        staging_u32.unmap();
        timing.readback += t.elapsed();
        Ok(acc)
    }
}

/// One pass's inputs.
struct Run<'a> {
    ctx: &'a GpuContext,
    kernel: &'a SweepKernel,
    pass: &'a Pass,
    reds: &'a [Reduction],
    range: std::ops::Range<u64>,
}
