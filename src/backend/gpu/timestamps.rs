//! GPU time of the sweep kernel's dispatches, from timestamp queries at
//! the beginning and end of each chunk's compute pass, where the adapter
//! has TIMESTAMP_QUERY. This is the device's own clock: it leaves out the
//! host's waiting, the copies and the read-back, which `Timing`'s wall
//! clocks include, so the two together show where the time goes.

use std::time::Duration;

use crate::backend::gpu::context::GpuContext;
use crate::backend::gpu::resources::{buffer, map_read};

/// One pair of queries per staging slot (the runner alternates two).
pub struct PassTimer {
    set: wgpu::QuerySet,
    resolve: wgpu::Buffer,
    staging: [wgpu::Buffer; 2],
    /// Nanoseconds per tick.
    period: f64,
}

/// Resolve offsets must be multiples of 256 bytes.
const SLOT_BYTES: u64 = wgpu::QUERY_RESOLVE_BUFFER_ALIGNMENT;

impl PassTimer {
    /// A timer, or None where the adapter has no timestamp queries.
    pub fn new(ctx: &GpuContext) -> Option<PassTimer> {
        if !ctx.timestamps {
            return None;
        }
        use wgpu::BufferUsages as U;
        let set = ctx.device.create_query_set(&wgpu::QuerySetDescriptor {
            label: Some("sweep timestamps"),
            ty: wgpu::QueryType::Timestamp,
            count: 4,
        });
        let resolve = buffer(
            ctx,
            "timestamps",
            2 * SLOT_BYTES,
            U::QUERY_RESOLVE | U::COPY_SRC,
        );
        let staging = std::array::from_fn(|_| {
            buffer(ctx, "timestamps staging", 16, U::MAP_READ | U::COPY_DST)
        });
        Some(PassTimer {
            set,
            resolve,
            staging,
            period: f64::from(ctx.queue.get_timestamp_period()),
        })
    }

    /// The pass's timestamp writes for staging slot `slot`.
    pub fn writes(&self, slot: usize) -> wgpu::ComputePassTimestampWrites<'_> {
        wgpu::ComputePassTimestampWrites {
            query_set: &self.set,
            beginning_of_pass_write_index: Some(2 * slot as u32),
            end_of_pass_write_index: Some(2 * slot as u32 + 1),
        }
    }

    /// Records the resolve of slot `slot` and its copy for the host.
    pub fn resolve(&self, enc: &mut wgpu::CommandEncoder, slot: usize) {
        let at = slot as u64 * SLOT_BYTES;
        let q = 2 * slot as u32;
        enc.resolve_query_set(&self.set, q..q + 2, &self.resolve, at);
        enc.copy_buffer_to_buffer(&self.resolve, at, &self.staging[slot], 0, 16);
    }

    /// The pass time of slot `slot`, once its submission has completed.
    pub fn read(&self, ctx: &GpuContext, slot: usize) -> Option<Duration> {
        let b = &self.staging[slot];
        map_read(ctx, &[b]).ok()?;
        let ticks = {
            let v = b.get_mapped_range(..).ok()?;
            let t: &[u64] = bytemuck::cast_slice(&v);
            t[1].saturating_sub(t[0])
        };
        b.unmap();
        Some(Duration::from_secs_f64(ticks as f64 * self.period * 1e-9))
    }
}
