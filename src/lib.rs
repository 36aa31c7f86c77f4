//! nessbat: the two-stroke quantum battery of Tacchino et al., charged by a
//! non-equilibrium heat current between two baths and discharged by an
//! ergotropy-extracting unitary, computed exactly over whole parameter
//! spaces, with every number right or flagged (see [`model::trust`]).
//!
//! The data flow, one module a stage:
//! - [`model`]: the physics — parameters and rate kinds, Eq. 9 and KMS
//!   rates, the operators of Eqs. 6–8, the paper's closed forms, and the
//!   trust contract (exact zeros, heat ledger, error estimates).
//! - [`cpu`]: the exact f64 reference ("oracle") on nalgebra: one point
//!   ([`cpu::compute_point`], what `nessbat point` prints) and traces.
//! - [`twin`]: the CPU twins of the WGSL kernels (the CPU backend), and
//!   [`twin::layout`], the outputs, inputs and codes shared with WGSL.
//! - [`gpu`]: wgpu device acquisition, kernel sources and the chunked
//!   runners.
//! - [`sweep`]: config → grid → backend → arrays → `.npy`, metadata and
//!   plots; reductions, checkpoints, shards and merge.
//! - [`optimize`]: constrained optima and Pareto fronts over a grid.
//! - [`figures`]: the paper's figures, the atlas and the claims table.
//! - [`error`]: the library's errors.
//!
//! [`prelude`] brings the names a user starts from; `examples/` has a
//! runnable file for a point, a sweep and an optimum
//! (`cargo run --release --example point`).

pub mod cpu;
pub mod error;
pub mod figures;
pub mod gpu;
pub mod model;
pub mod optimize;
pub mod sweep;
pub mod twin;

pub use error::{NessError, Result};

/// The names a user of the library starts from.
pub mod prelude {
    pub use crate::cpu::oss::OssOptions;
    pub use crate::cpu::{compute_point, PointFigures};
    pub use crate::gpu::shader_source::Precision;
    pub use crate::model::params::Baths;
    pub use crate::model::trust::PointStatus;
    pub use crate::model::{Bath, EngineParams, ModelKind, Protocol, RateKind};
    pub use crate::optimize::{optimize, Objective, OptimizeOptions, Optimum};
    pub use crate::sweep::constraint::Constraint;
    pub use crate::sweep::run::{Backend, BackendChoice};
    pub use crate::sweep::{Grid, Progress, SweepConfig, SweepResults};
    pub use crate::twin::Quantity;
}
