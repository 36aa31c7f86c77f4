//! nessbat: the two-stroke quantum battery of Tacchino et al., charged by a
//! non-equilibrium heat current between two baths and discharged by an
//! ergotropy-extracting unitary, computed exactly over whole parameter
//! spaces, with every number right or flagged (see [`kernels::trust`]).
//!
//! The data flow, one module a stage:
//! - [`model`]: the physics — parameters and rate kinds, Eq. 9 and KMS
//!   rates, the operators of Eqs. 6–8, the paper's closed forms, and the
//!   trust contract (exact zeros, heat ledger, error estimates).
//! - [`config`]: what the user asks for — the sweep config (TOML),
//!   constraints, `[[reduce]]` specs and the arrays to keep (`outputs`).
//! - [`grid`]: a checked config as the kernels index it.
//! - [`backend`]: where it runs — the CPU backend ([`backend::cpu`], the
//!   twins on every core, over SIMD lanes) and the GPU backend
//!   ([`backend::gpu`], wgpu),
//!   chosen through [`backend::Backend`].
//! - [`store`]: results in memory and on disk — arrays, `.npy` and
//!   metadata.json, checkpoints, shards and merge.
//! - [`plot`]: heatmaps and line charts.
//! - [`sweep`]: the pipeline as one call, [`sweep::Sweep`], which the CLI,
//!   Python, the optimizer and the figures run.
//! - [`oracle`]: the exact f64 reference on nalgebra: one point
//!   ([`oracle::compute_point`], what `nessbat point` prints) and traces.
//!   It validates every backend.
//! - [`kernels`] (the `nessbat-kernels` crate): the WGSL kernels, their
//!   CPU twins (generic over [`kernels::real::Real`]: one f64, or a SIMD
//!   register of points), the trust twin, and the interface shared with
//!   WGSL: outputs, inputs, statuses, parameter blocks and constants.
//! - [`optimize`]: constrained optima and Pareto fronts over a grid.
//! - [`figures`]: the paper's figures, the atlas and the claims table.
//! - [`error`]: the library's errors.
//!
//! [`prelude`] brings the names a user starts from; `examples/` has a
//! runnable file for a point, a sweep and an optimum
//! (`cargo run --release --example point`).

pub mod backend;
pub mod battery;
pub mod config;
pub mod error;
pub mod figures;
pub mod grid;
pub mod model;
pub mod optimize;
pub mod oracle;
pub mod plot;
pub mod store;
pub mod sweep;

pub use error::{Error, Result};
pub use nessbat_kernels as kernels;

/// The names a user of the library starts from.
pub mod prelude {
    pub use crate::backend::run::{Backend, BackendChoice};
    pub use crate::backend::Progress;
    pub use crate::config::constraint::{Constraint, Constraints};
    pub use crate::config::SweepConfig;
    pub use crate::grid::Grid;
    pub use crate::kernels::trust::PointStatus;
    pub use crate::kernels::Precision;
    pub use crate::kernels::Quantity;
    pub use crate::model::params::Baths;
    pub use crate::model::{Bath, EngineParams, ModelKind, Protocol, RateKind};
    pub use crate::optimize::{optimize, Objective, OptimizeOptions, Optimum};
    pub use crate::oracle::oss::OssOptions;
    pub use crate::oracle::{compute_point, PointFigures};
    pub use crate::store::SweepResults;
    pub use crate::sweep::{Mode, Resumed, Sweep, SweepOutput};
    pub use crate::Error;
}
