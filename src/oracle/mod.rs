//! The f64 reference ("oracle"): exact propagation (scaling and squaring on
//! (Φ − I, ∫) with the trace restored, and the exact NESS limit), the full
//! 16 × 16 Lindbladian in complex arithmetic on nalgebra, so that it is
//! independent of the hand-written 4- and 6-state kernels it validates.
//! tests/property.rs checks it against a double-double reference.
//!
//! Both models share one representation: a state is a complex vector `x`
//! that evolves as ẋ = G x. For the population model `x` is the four
//! populations (gg, S, A, ee); for the density-matrix model it is vec(ρ)
//! (column-major, index i + 4j holds ρ_ij) in the energy eigenbasis.
//! Observables (energy, trace, heat currents) are row functionals on `x`.

pub mod engine;
pub mod extract;
pub mod oss;
pub mod point;
pub mod propagate;
pub mod steady;
pub mod superop;
pub mod trace;

pub use engine::Engine;
pub use point::{compute_point, NessFigures, PointFigures, ShortCycleLimit};

/// Complex scalar used throughout the oracle.
pub type C64 = num_complex::Complex64;
/// Dynamic complex matrix.
pub type CMat = nalgebra::DMatrix<C64>;
/// Dynamic complex vector.
pub type CVec = nalgebra::DVector<C64>;
