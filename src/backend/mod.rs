//! Where grids run: the CPU backend (the kernels' f64 twins on every core,
//! [`cpu`]) and the GPU backend (wgpu, [`gpu`]), chosen and driven through
//! one [`Backend`] ([`run`]), with a [`Progress`] callback and stop flag.

pub mod cpu;
pub mod gpu;
pub mod point;
pub mod progress;
pub mod run;

pub use progress::Progress;
pub use run::{Backend, BackendChoice};
