//! Batteries a user defines: any Hamiltonian H (d × d) and any number of
//! thermal baths, each with its coupling operator X_k, temperature T_k and
//! rate scale Γ_k, described at the population (Davies) level: exact for
//! the paper's model and for every battery whose Bohr transitions do not
//! mix populations with coherences (checked per battery, [`spectrum`]).
//!
//! Data flows as for the built-in model: the spec ([`spec`]) is checked
//! into a [`Battery`], diagonalised once into a [`Spectrum`] (levels in
//! ascending energy, the order of every population and permutation), whose
//! rates at each point ([`generator`]) drive the cycle ([`cycle`]); a point's
//! figures and status come from [`point`]. Sweeps ([`sweep`]) run every
//! point on the CPU, or with the strokes on the GPU ([`gpu`]).

pub mod balance;
pub mod basis;
pub mod batch;
pub mod boundary;
pub mod bounds;
pub mod builders;
pub mod checkpoint;
pub mod current;
pub mod cycle;
pub mod estimate;
pub mod figure;
pub mod flow;
pub mod generator;
pub mod gpu;
pub mod grid;
pub mod heat;
pub mod lu;
pub mod merge;
pub mod operators;
pub mod optimize;
pub mod output;
pub mod pareto;
pub mod passive;
pub mod point;
pub mod reduce;
pub mod regime;
pub mod run;
pub mod scene;
pub mod secular;
pub mod sensitivity;
pub mod solved;
pub mod spec;
pub mod spectrum;
pub mod status;
pub mod stroke;
pub mod strokes;
pub mod structure;
pub mod sweep;
pub mod trace;
pub mod verdict;
pub mod work;

pub use generator::BathPoint;
pub use grid::BatteryGrid;
pub use point::battery_point;
pub use run::BatteryPoint;
pub use spec::{Battery, BatterySpec};
pub use spectrum::Spectrum;
pub use status::{BatteryFigures, BatteryStatus};
