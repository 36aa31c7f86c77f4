//! The four energy levels of the coupled qubits (Eq. 7) and their order.
//!
//! Everywhere in nessbat, arrays of level populations use the order
//! (gg, S, A, ee): ascending energy 0 < ω0 − λ < ω0 + λ < 2ω0.

/// Index of a level in every population array.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Gg = 0,
    S = 1,
    A = 2,
    Ee = 3,
}

/// All levels in array order.
pub const LEVELS: [Level; 4] = [Level::Gg, Level::S, Level::A, Level::Ee];

/// Column names used in tables, CSV headers and JSON.
pub const LEVEL_NAMES: [&str; 4] = ["gg", "S", "A", "ee"];

/// Excitation number n of each level: E = ω0 n + r s.
pub const EXCITATIONS: [f64; 4] = [0.0, 1.0, 1.0, 2.0];
/// Sign s of the doublet splitting in each level's energy: E = ω0 n + r s.
pub const SPLIT_SIGN: [f64; 4] = [0.0, -1.0, 1.0, 0.0];

/// Splitting of the single-excitation doublet, r = sqrt(λ² + δ²).
///
/// With detuning δ the eigenstates of the doublet are rotated S/A mixtures;
/// the lower one keeps the label S and the upper one A, so that δ → 0 is
/// continuous and the level order stays (gg, S, A, ee).
pub fn doublet_splitting(lambda: f64, detuning: f64) -> f64 {
    lambda.hypot(detuning)
}

/// Level energies in array order, Eq. 7 (generalised to detuning δ).
pub fn energies(omega0: f64, lambda: f64, detuning: f64) -> [f64; 4] {
    let r = doublet_splitting(lambda, detuning);
    [0.0, omega0 - r, omega0 + r, 2.0 * omega0]
}

/// Mixing angle φ/2 of the doublet eigenstates in the (S, A) basis:
/// |S'⟩ = cos(φ/2)|S⟩ + sin(φ/2)|A⟩, |A'⟩ = −sin(φ/2)|S⟩ + cos(φ/2)|A⟩,
/// with φ = atan2(δ, λ). At δ = 0 this is the identity, also when λ = 0,
/// which fixes the basis deterministically on the degenerate line.
pub fn doublet_half_angle(lambda: f64, detuning: f64) -> f64 {
    0.5 * detuning.atan2(lambda)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn energies_ascend_and_match_eq7() {
        let e = energies(1.0, 0.01, 0.0);
        assert_eq!(e, [0.0, 0.99, 1.01, 2.0]);
        let e = energies(1.0, 0.03, 0.04);
        assert!((e[2] - e[1] - 0.1).abs() < 1e-15);
    }
}
