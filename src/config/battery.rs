//! `[battery]`: a battery the user defines, as written (checked and
//! diagonalised by the `battery` module). The matrix form (or H from a
//! builder, `[battery.chain]`, `[battery.dicke]`, `[battery.levels]`, and
//! couplings as expressions such as `"sx1 - sx2"`):
//!
//! ```toml
//! [battery]
//! hamiltonian = [[0.0, 0.0, 0.0], [0.0, 0.4, 0.0], [0.0, 0.0, 1.0]]
//! [[battery.baths]]
//! name = "h"            # its parameters: t_h, gamma_h; its heat: heat_h
//! coupling = [[0.0, 0.0, 1.0], [0.0, 0.0, 0.0], [1.0, 0.0, 0.0]]
//! ```

use serde::{Deserialize, Serialize};

/// `[battery]` as written: H as a matrix or from one builder, and the
/// baths.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BatterySpec {
    /// H, d × d, real part.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hamiltonian: Option<Vec<Vec<f64>>>,
    /// H's imaginary part, where H is complex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hamiltonian_im: Option<Vec<Vec<f64>>>,
    /// N spins in a chain (`spins`, `ring`); its parameters in `[fixed]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chain: Option<ChainSpec>,
    /// A Dicke ladder of N spins (`spins`); its parameters in `[fixed]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dicke: Option<DickeSpec>,
    /// Plain levels (`energies`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub levels: Option<LevelsSpec>,
    pub baths: Vec<BathSpec>,
}

/// `[battery.chain]`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ChainSpec {
    pub spins: usize,
    /// Close the chain (spin N couples to spin 1).
    #[serde(default)]
    pub ring: bool,
}

/// `[battery.dicke]`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DickeSpec {
    pub spins: usize,
}

/// `[battery.levels]`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LevelsSpec {
    pub energies: Vec<f64>,
}

/// A coupling operator: a matrix (its real part; `coupling_im` the
/// imaginary), or an expression on the builder's basis ("sx1 - sx2").
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(untagged)]
pub enum Operator {
    Matrix(Vec<Vec<f64>>),
    Expression(String),
}

/// `[[battery.baths]]` as written.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BathSpec {
    /// Its parameters are `t_NAME` and `gamma_NAME`, its heat `heat_NAME`.
    pub name: String,
    /// X_k: a d × d matrix (real part), or an expression on a builder's
    /// basis. A bath has a coupling or explicit `rates`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coupling: Option<Operator>,
    /// Explicit rates per transition, taken as given: rows [a, b, up,
    /// down] with levels a < b (0-based, in ascending energy), `up` the
    /// rate a → b and `down` the rate b → a. Such a bath has no
    /// temperature, so no `t_NAME` or `gamma_NAME`, and no entropy
    /// production is defined with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rates: Option<Vec<Vec<f64>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coupling_im: Option<Vec<Vec<f64>>>,
    /// The spectral density's exponent s: rates Γ_k (ω/ω_ref)^s (0, a
    /// flat density, where absent; 1 is ohmic).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spectral_exponent: Option<f64>,
    /// ω_ref of the spectral density (1 where absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub omega_ref: Option<f64>,
}
