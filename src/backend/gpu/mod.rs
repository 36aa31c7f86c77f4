//! The wgpu backend: device acquisition ([`context`]), kernel sources
//! ([`shader_source`]) and the chunked runner ([`kernel`]).

pub mod context;
pub mod kernel;
pub mod pipeline_cache;
pub mod reduce;
pub mod resources;
pub mod shader_source;
pub mod timestamps;

/// The shared layout, where `shader_source` (also compiled by build.rs)
/// finds it.
use crate::twin::{calibration, layout, numerics};
pub use context::{GpuContext, GpuError};
pub use kernel::{SweepKernel, Timing};
