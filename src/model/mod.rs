//! The physics of the paper, independent of how it is computed: parameters,
//! bath rates (Eq. 9), the level structure (Eq. 7), the operators of Eqs. 6
//! and 8, and the paper's closed forms (Eqs. 11, 13–17).

pub mod closed_form;
pub mod levels;
pub mod operators;
pub mod params;
pub mod point_spec;
pub mod rates;

pub use levels::{Level, LEVELS, LEVEL_NAMES};
pub use params::{Bath, EngineParams, ModelKind, Protocol, RateKind};
pub use rates::{BathRates, Rates, TransitionRates};
