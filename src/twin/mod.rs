//! CPU twins of the WGSL sweep kernels in `shaders/`: the same names, the
//! same loops, in f64, so that a disagreement between the GPU and the CPU
//! backend can be bisected function by function. The CPU backend runs
//! these, on SIMD lanes ([`real`], [`lanes`]): each lane is the scalar
//! twin bit for bit; the nalgebra oracle in [`crate::oracle`] checks them.
//!
//! Where clippy would push the twin away from the shader's shape (index
//! loops over fixed-size arrays), the shape wins; see the `expect`s.

pub mod calibration;
pub mod density_matrix;
pub mod extract;
pub mod lanes;
pub mod layout;
pub mod linalg;
pub mod numerics;
pub mod oss;
pub mod params;
pub mod population;
pub mod real;
pub mod reduce;

pub use layout::Quantity;
pub use oss::{run_point, PointOutput};
pub use params::{KernelInput, SweepParams, N_OUTPUTS, OUTPUT_NAMES};
