//! nessbat's kernels: the WGSL sweep and reduction shaders, their CPU
//! twins, and the interface the host and the kernels share, in one crate
//! (as vello keeps `vello_shaders`), so that a new model has one home.
//!
//! - **The interface:** [`layout`] (quantities, inputs, [`Status`], flags,
//!   bindings), [`params`] (the parameter blocks), [`outputs`] (the kept
//!   arrays and their slots), [`kind`] ([`ModelKind`], [`Precision`]), and
//!   the constants of [`calibration`] and [`numerics`]. build.rs writes
//!   them into each kernel's WGSL prelude ([`prelude`]), so no constant is
//!   kept in step by hand, and validates every variant with naga.
//! - **The shaders:** `shaders/`, joined per kernel by [`source`].
//! - **The CPU twins:** the same names and loops as the shaders, in any
//!   [`Real`](real::Real): [`linalg`], [`extract`], [`population`],
//!   [`density_matrix`], [`oss`], [`trust`] and [`reduce`], so that a
//!   disagreement between the GPU and the CPU backend can be bisected
//!   function by function. The CPU backend runs them on SIMD lanes
//!   ([`real`], [`lanes`]): each lane is the scalar twin bit for bit; the
//!   main crate's nalgebra oracle checks them.
//!
//! Where clippy would push a twin away from its shader's shape (index loops
//! over fixed-size arrays), the shape wins; see the `expect`s.

pub mod battery_oss;
pub mod battery_stroke;
pub mod calibration;
pub mod density_matrix;
pub mod extract;
pub mod files;
pub mod kind;
pub mod lanes;
pub mod layout;
pub mod linalg;
pub mod named;
pub mod numerics;
pub mod oss;
pub mod outputs;
pub mod params;
pub mod population;
pub mod prelude;
pub mod real;
pub mod reduce;
pub mod source;
pub mod trust;

pub use kind::{ModelKind, Precision};
pub use layout::{Quantity, Status};
pub use named::Named;
pub use oss::{run_point, PointOutput};
pub use outputs::Outputs;
pub use params::{KernelGrid, KernelInput, SweepParams, N_OUTPUTS, OUTPUT_NAMES};
