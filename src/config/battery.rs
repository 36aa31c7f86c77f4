//! `[battery]`: a battery the user defines, as written (checked and
//! diagonalised by the `battery` module). The matrix form:
//!
//! ```toml
//! [battery]
//! hamiltonian = [[0.0, 0.0, 0.0], [0.0, 0.4, 0.0], [0.0, 0.0, 1.0]]
//! [[battery.baths]]
//! name = "h"            # its parameters: t_h, gamma_h; its heat: heat_h
//! coupling = [[0.0, 0.0, 1.0], [0.0, 0.0, 0.0], [1.0, 0.0, 0.0]]
//! ```

use serde::{Deserialize, Serialize};

/// `[battery]` as written.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BatterySpec {
    /// H, d × d, real part.
    pub hamiltonian: Vec<Vec<f64>>,
    /// H's imaginary part, where H is complex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hamiltonian_im: Option<Vec<Vec<f64>>>,
    pub baths: Vec<BathSpec>,
}

/// `[[battery.baths]]` as written.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BathSpec {
    /// Its parameters are `t_NAME` and `gamma_NAME`, its heat `heat_NAME`.
    pub name: String,
    /// X_k, d × d, real part.
    pub coupling: Vec<Vec<f64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coupling_im: Option<Vec<Vec<f64>>>,
}
