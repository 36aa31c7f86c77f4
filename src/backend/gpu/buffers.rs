//! The sweep kernel's device buffers, one cache per compiled kernel: a
//! sweep run chunk by chunk (checkpoints, Python's stop checks) allocates
//! them once, and the reduction passes (src/backend/gpu/reduce.rs) run the
//! same kernel on the same buffers.

use crate::backend::gpu::context::GpuContext;
use crate::backend::gpu::kernel::SweepKernel;
use crate::backend::gpu::resources::{bind, buffer};
use crate::store::results::Element;
use nessbat_kernels::SweepParams;

/// Float outputs per point (OUTPUT_NAMES).
const N_REAL: u64 = nessbat_kernels::N_OUTPUTS as u64;

/// A run's device buffers and their bind group: the sweep's, and the
/// reduction passes' inputs (src/backend/gpu/reduce.rs), one cache.
pub(crate) struct Buffers {
    /// Points per chunk they hold.
    pub(super) cap: u64,
    /// Bytes of the values buffer.
    pub(super) values_bytes: u64,
    pub(crate) params: wgpu::Buffer,
    pub(super) values: wgpu::Buffer,
    /// The kernel's outputs; COPY_DST, since a reduction pass writes back
    /// what it rescued on the CPU before the fold reads them.
    pub(crate) out_real: wgpu::Buffer,
    pub(crate) out_u32: wgpu::Buffer,
    /// Two pairs of MAP_READ buffers, so that one chunk's read-back overlaps
    /// the next chunk's dispatch.
    pub(crate) staging: [(wgpu::Buffer, wgpu::Buffer); 2],
    pub(crate) bind_group: wgpu::BindGroup,
}

impl SweepKernel {
    /// Runs `f` with the cached device buffers for chunks of up to `cap`
    /// points (made anew only where the cached ones are too small), with
    /// `values` uploaded.
    pub(crate) fn with_buffers<R: Element, T>(
        &self,
        ctx: &GpuContext,
        cap: u64,
        values: &[R],
        f: impl FnOnce(&Buffers) -> T,
    ) -> T {
        let values_bytes = (std::mem::size_of_val(values) as u64).max(16);
        let mut cached = self.buffers.lock().expect("not poisoned");
        if !cached
            .as_ref()
            .is_some_and(|b| b.cap >= cap && b.values_bytes >= values_bytes)
        {
            *cached = Some(self.buffers(ctx, cap, values_bytes));
        }
        let bufs = cached.as_ref().expect("just made");
        ctx.queue
            .write_buffer(&bufs.values, 0, bytemuck::cast_slice(values));
        f(bufs)
    }

    /// How many sets of device buffers this kernel has made: one for a
    /// sweep run in any number of chunks (tests check it).
    pub fn buffer_allocations(&self) -> u64 {
        self.allocations.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Device buffers for chunks of `cap` points and a values block of
    /// `values_bytes`.
    fn buffers(&self, ctx: &GpuContext, cap: u64, values_bytes: u64) -> Buffers {
        use wgpu::BufferUsages as U;
        self.allocations
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let real_bytes = cap * N_REAL * self.real_size();
        let u32_bytes = cap * 2 * 4;
        let params = buffer(
            ctx,
            "params",
            std::mem::size_of::<SweepParams>() as u64,
            U::STORAGE | U::COPY_DST,
        );
        let values = buffer(ctx, "values", values_bytes, U::STORAGE | U::COPY_DST);
        let out_real = buffer(
            ctx,
            "out_real",
            real_bytes,
            U::STORAGE | U::COPY_SRC | U::COPY_DST,
        );
        let out_u32 = buffer(
            ctx,
            "out_u32",
            u32_bytes,
            U::STORAGE | U::COPY_SRC | U::COPY_DST,
        );
        // MAP_READ buffers cannot be storage, so results are copied into
        // these for the host to map.
        let staging = std::array::from_fn(|_| {
            (
                buffer(ctx, "staging_real", real_bytes, U::MAP_READ | U::COPY_DST),
                buffer(ctx, "staging_u32", u32_bytes, U::MAP_READ | U::COPY_DST),
            )
        });
        let bind_group = bind(ctx, &self.layout, &[&params, &values, &out_real, &out_u32]);
        Buffers {
            cap,
            values_bytes,
            params,
            values,
            out_real,
            out_u32,
            staging,
            bind_group,
        }
    }
}
