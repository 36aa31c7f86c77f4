//! The wgpu backend: device acquisition ([`context`]), the kernels' pipelines
//! ([`pipeline_cache`]; the sources are the kernel crate's) and the chunked
//! runner ([`kernel`]).

pub mod buffers;
pub mod chunks;
pub mod context;
pub mod kernel;
pub mod pipeline_cache;
pub mod reduce;
pub mod resources;
pub mod stroke;
pub mod timestamps;

pub use context::{GpuContext, GpuError};
pub use kernel::{SweepKernel, Timing};
