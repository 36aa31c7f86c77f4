//! wgpu plumbing shared by the sweep kernel and the reduction kernels:
//! buffers, bind groups, layout entries and dispatches.

use crate::backend::gpu::context::{GpuContext, GpuError};
use crate::backend::gpu::kernel::WORKGROUP;

/// A storage-buffer entry of a compute bind group layout.
pub(crate) fn storage_entry(binding: u32, read_only: bool) -> wgpu::BindGroupLayoutEntry {
    wgpu::BindGroupLayoutEntry {
        binding,
        visibility: wgpu::ShaderStages::COMPUTE,
        ty: wgpu::BindingType::Buffer {
            ty: wgpu::BufferBindingType::Storage { read_only },
            has_dynamic_offset: false,
            min_binding_size: None,
        },
        count: None,
    }
}

/// The layout entries of a kernel's bindings, from the same list that the
/// WGSL declarations are generated from.
pub(crate) fn binding_entries(
    bindings: &[nessbat_kernels::layout::Binding],
) -> Vec<wgpu::BindGroupLayoutEntry> {
    bindings
        .iter()
        .enumerate()
        .map(|(b, (_, _, read_only))| storage_entry(b as u32, *read_only))
        .collect()
}

/// Records one dispatch of `pipeline` with one invocation per item (64 per
/// workgroup, wrapping into y beyond the per-dimension limit).
pub(crate) fn dispatch(
    ctx: &GpuContext,
    enc: &mut wgpu::CommandEncoder,
    pipeline: &wgpu::ComputePipeline,
    bind_group: &wgpu::BindGroup,
    items: u64,
    timestamp_writes: Option<wgpu::ComputePassTimestampWrites>,
) {
    let mut pass = enc.begin_compute_pass(&wgpu::ComputePassDescriptor {
        label: Some("nessbat"),
        timestamp_writes,
    });
    pass.set_pipeline(pipeline);
    pass.set_bind_group(0, bind_group, &[]);
    let groups = items.div_ceil(u64::from(WORKGROUP)).max(1);
    let max = u64::from(ctx.limits.max_compute_workgroups_per_dimension);
    let x = groups.min(max);
    pass.dispatch_workgroups(x as u32, groups.div_ceil(x) as u32, 1);
}

/// A buffer of `size` bytes.
pub(crate) fn buffer(
    ctx: &GpuContext,
    label: &str,
    size: u64,
    usage: wgpu::BufferUsages,
) -> wgpu::Buffer {
    ctx.device.create_buffer(&wgpu::BufferDescriptor {
        label: Some(label),
        size,
        usage,
        mapped_at_creation: false,
    })
}

/// A bind group with `buffers` at bindings 0, 1, …
pub(crate) fn bind(
    ctx: &GpuContext,
    layout: &wgpu::BindGroupLayout,
    buffers: &[&wgpu::Buffer],
) -> wgpu::BindGroup {
    let entries: Vec<wgpu::BindGroupEntry> = buffers
        .iter()
        .enumerate()
        .map(|(i, b)| wgpu::BindGroupEntry {
            binding: i as u32,
            resource: b.as_entire_binding(),
        })
        .collect();
    ctx.device.create_bind_group(&wgpu::BindGroupDescriptor {
        label: Some("nessbat"),
        layout,
        entries: &entries,
    })
}

/// Maps `buffers` for reading and waits for the device: afterwards their
/// mapped ranges hold what the submitted copies wrote.
pub(crate) fn map_read(ctx: &GpuContext, buffers: &[&wgpu::Buffer]) -> Result<(), GpuError> {
    for b in buffers {
        b.map_async(wgpu::MapMode::Read, .., |r| {
            if let Err(e) = r {
                eprintln!("error: mapping GPU results failed: {e}");
            }
        });
    }
    ctx.device
        .poll(wgpu::PollType::wait_indefinitely())
        .map_err(|e| GpuError::Runtime(format!("device poll failed: {e}")))?;
    Ok(())
}
