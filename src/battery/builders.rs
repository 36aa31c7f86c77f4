//! Hamiltonians from a few numbers, so that their parameters are
//! parameters like any other (keys in `[fixed]`):
//! - `[battery.chain]`: N spins in a chain, open or a ring,
//!   H = Σ_i ω_i σ+_i σ−_i − λ Σ_⟨ij⟩ (σ+_i σ−_j + h.c.) + zz Σ_⟨ij⟩ σz_i σz_j,
//!   keys `omega0` (every spin, default 1), `omega_1` … `omega_N` (one spin),
//!   `lambda` (default 0.01, as the built-in model) and `zz` (default 0).
//!   With N = 2 and zz = 0 it is the paper's Eq. 6.
//! - `[battery.dicke]`: the symmetric subspace of N spins (d = N + 1),
//!   H = ω0 J_z + χ J_z², keys `omega0` (default 1) and `chi` (default 0).
//! - `[battery.levels]`: plain levels, `energies = [...]`; the baths are
//!   given by their transitions (`"|0><2|"`).

use std::collections::BTreeMap;

use nalgebra::DMatrix;
use num_complex::Complex64;

use super::operators::{parse, Basis};
use crate::config::battery::BatterySpec;

/// Most spins of a chain (d = 2^N ≤ 64).
pub const MAX_CHAIN: usize = 6;

/// The basis a spec's Hamiltonian lives on, its H, and the parameter keys
/// it read; an error names what is wrong and what is accepted.
pub struct Built {
    pub basis: Basis,
    pub hamiltonian: DMatrix<Complex64>,
    pub keys: Vec<String>,
}

/// Reads `key` from `fixed`, or its default.
fn get(fixed: &BTreeMap<String, f64>, key: &str, default: f64) -> f64 {
    fixed.get(key).copied().unwrap_or(default)
}

/// H of the builder in `spec` at the parameters in `fixed`; None where the
/// spec gives H as a matrix.
pub fn build(spec: &BatterySpec, fixed: &BTreeMap<String, f64>) -> Result<Option<Built>, String> {
    let given = [
        spec.hamiltonian.is_some(),
        spec.chain.is_some(),
        spec.dicke.is_some(),
        spec.levels.is_some(),
    ];
    if given.iter().filter(|g| **g).count() != 1 {
        return Err("battery needs exactly one of hamiltonian, [battery.chain], [battery.dicke] or [battery.levels]; accepted: one of them".into());
    }
    if let Some(chain) = &spec.chain {
        let n = chain.spins;
        if !(2..=MAX_CHAIN).contains(&n) {
            return Err(format!(
                "battery.chain.spins = {n}; accepted: 2 to {MAX_CHAIN}"
            ));
        }
        let basis = Basis::Spins(n);
        let op = |t: &str| parse(basis, t).expect("builder operators are well formed");
        let omega0 = get(fixed, "omega0", 1.0);
        let lambda = get(fixed, "lambda", 0.01);
        let zz = get(fixed, "zz", 0.0);
        let d = basis.dimension();
        let mut h = DMatrix::<Complex64>::zeros(d, d);
        let mut keys = vec!["omega0".to_string(), "lambda".into(), "zz".into()];
        for i in 1..=n {
            let key = format!("omega_{i}");
            let w = get(fixed, &key, omega0);
            h += op(&format!("sp{i}*sm{i}")) * Complex64::new(w, 0.0);
            keys.push(key);
        }
        let mut bonds: Vec<(usize, usize)> = (1..n).map(|i| (i, i + 1)).collect();
        if chain.ring && n > 2 {
            bonds.push((n, 1));
        }
        for (i, j) in bonds {
            let hop = op(&format!("sp{i}*sm{j} + sp{j}*sm{i}"));
            h -= hop * Complex64::new(lambda, 0.0);
            h += op(&format!("sz{i}*sz{j}")) * Complex64::new(zz, 0.0);
        }
        return Ok(Some(Built {
            basis,
            hamiltonian: h,
            keys,
        }));
    }
    if let Some(dicke) = &spec.dicke {
        let n = dicke.spins;
        if !(1..=63).contains(&n) {
            return Err(format!(
                "battery.dicke.spins = {n}; accepted: 1 to 63 (d = N + 1 ≤ 64)"
            ));
        }
        let basis = Basis::Dicke(n);
        let jz = parse(basis, "jz").expect("jz is well formed");
        let omega0 = get(fixed, "omega0", 1.0);
        let chi = get(fixed, "chi", 0.0);
        let h = &jz * Complex64::new(omega0, 0.0) + &jz * &jz * Complex64::new(chi, 0.0);
        return Ok(Some(Built {
            basis,
            hamiltonian: h,
            keys: vec!["omega0".into(), "chi".into()],
        }));
    }
    if let Some(levels) = &spec.levels {
        let d = levels.energies.len();
        if !(2..=64).contains(&d) || levels.energies.iter().any(|e| !e.is_finite()) {
            return Err(format!("battery.levels.energies has {d} entries or a non-finite one; accepted: 2 to 64 finite energies"));
        }
        let h = DMatrix::from_fn(d, d, |i, j| {
            Complex64::new(if i == j { levels.energies[i] } else { 0.0 }, 0.0)
        });
        return Ok(Some(Built {
            basis: Basis::Levels(d),
            hamiltonian: h,
            keys: Vec::new(),
        }));
    }
    Ok(None)
}
