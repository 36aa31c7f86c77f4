//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod batteries;
pub mod dd;
pub mod generators;
pub mod reference;

/// The paper's system as a two-spin chain (Eq. 6's H; X_A = σx1 − σx2,
/// X_S = σx1 + σx2), for configs to append `[fixed]` and axes to.
pub const PAPER_CHAIN_BATTERY: &str = r#"
[battery.chain]
spins = 2
[[battery.baths]]
name = "aa"
coupling = "sx1 - sx2"
[[battery.baths]]
name = "ss"
coupling = "sx1 + sx2"
"#;

/// The three-level maser (levels 0, 0.4, 1; hot bath on 0↔2, cold on
/// 0↔1) as a `[battery]`, for configs to append `[fixed]` and axes to.
pub const MASER_BATTERY: &str = r#"
[battery.levels]
energies = [0.0, 0.4, 1.0]
[[battery.baths]]
name = "h"
coupling = "|0><2|"
[[battery.baths]]
name = "c"
coupling = "|0><1|"
"#;

use nessbat::model::params::Baths;
use nessbat::model::{Bath, EngineParams};

/// The paper's parameters (Figs. 3, 4) with another τ.
pub fn paper(tau: f64) -> EngineParams {
    EngineParams {
        tau,
        ..EngineParams::default()
    }
}

/// Thermal baths with their own temperatures and couplings.
pub fn thermal(t_a: f64, t_s: f64, g_a: f64, g_s: f64, lambda: f64, tau: f64) -> EngineParams {
    EngineParams {
        lambda,
        tau,
        baths: Baths::Separate {
            a: Bath::Thermal {
                temperature: t_a,
                gamma0: g_a,
            },
            s: Bath::Thermal {
                temperature: t_s,
                gamma0: g_s,
            },
        },
        ..EngineParams::default()
    }
}

/// Explicit rates (Γ_A+, Γ_A−, Γ_S+, Γ_S−).
pub fn explicit(r: [f64; 4], lambda: f64, tau: f64) -> EngineParams {
    EngineParams {
        lambda,
        tau,
        baths: Baths::Separate {
            a: Bath::Rates {
                up: r[0],
                down: r[1],
            },
            s: Bath::Rates {
                up: r[2],
                down: r[3],
            },
        },
        ..EngineParams::default()
    }
}

/// |a − b| ≤ rel·|b| + abs, with a message naming both.
#[track_caller]
pub fn close(what: &str, a: f64, b: f64, rel: f64, abs: f64) {
    assert!(
        (a - b).abs() <= rel * b.abs() + abs,
        "{what}: got {a:e}, want {b:e} (rel {rel:e}, abs {abs:e}; diff {:e})",
        (a - b).abs()
    );
}
pub mod backends;
pub mod files;
pub mod gpu;
pub mod rng;
pub mod sweeps;

/// A battery from an H and couplings given as real matrices.
pub fn matrix_battery(
    h: Vec<Vec<f64>>,
    baths: &[(&str, Vec<Vec<f64>>)],
) -> nessbat::battery::BatterySpec {
    nessbat::battery::BatterySpec {
        hamiltonian: Some(h),
        hamiltonian_im: None,
        chain: None,
        dicke: None,
        levels: None,
        baths: baths
            .iter()
            .map(|(n, x)| nessbat::battery::spec::BathSpec {
                name: n.to_string(),
                coupling: Some(nessbat::battery::spec::Operator::Matrix(x.clone())),
                rates: None,
                coupling_im: None,
                spectral_exponent: None,
                omega_ref: None,
            })
            .collect(),
    }
}
