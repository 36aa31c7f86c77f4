//! nessbat: the two-stroke quantum battery of Tacchino et al., charged by a
//! non-equilibrium heat current between two baths and discharged by an
//! ergotropy-extracting unitary, computed exactly over whole parameter
//! spaces.
//!
//! Layout: [`model`] holds the physics (parameters, rates, operators,
//! closed forms); [`cpu`] is the exact f64 reference built on nalgebra;
//! `cli` (in the binary) is the command line.

pub mod cpu;
pub mod error;
pub mod figures;
pub mod model;
pub mod optimize;

pub use error::{NessError, Result};
pub mod gpu;
pub mod sweep;
pub mod twin;
