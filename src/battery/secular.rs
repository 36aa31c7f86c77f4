//! Whether the secular (Davies) approximation behind the population model
//! holds where a grid runs. The population model is the Davies master
//! equation, as the battery is defined; the physical battery follows it
//! only while no coherence it drops matters.
//!
//! Which coherences: a bath k that couples two levels a, a′ to a common
//! level c feeds the coherence |a⟩⟨a′| from the populations (its Bloch–
//! Redfield terms: X_ac X_ca′ p_c from the jumps out of c, and the
//! anticommutator's X_ac X_ca′ (p_a + p_a′)/2 from the jumps into c), at
//! a rate up to r = Γ_k (n_k(ω) + 1) |X_ac X_a′c| wherever c lies (the
//! decays' rate: into c below a, a′, or out of c above them; found: a
//! cold bath that decays both a and a′ to c, r taken as Γ n ≈ 0, while
//! Bloch–Redfield traps the battery in their dark superposition), while
//! the coherence rotates at the spacing δ = |E_a − E_a′|. Dropping it
//! is right for r ≪ δ; the populations' error grows faster than r/δ. Exactly
//! degenerate such pairs are refused per point (`spectrum::closure`); this
//! finds the near ones, for a warning, not a flag: the figures are the
//! Davies model's to the stated tolerance either way.

use super::generator::BathPoint;
use super::spectrum::{Spectrum, DEGENERATE};

/// Rate over spacing from which the grid is warned about: a hundredth.
/// Measured on a maser with its upper level split (results/batteries/
/// secular.py, QuTiP's Bloch–Redfield tensor with and without the secular
/// cut): a stroke's change of populations differs by 1.1e-4 of itself at
/// r/δ = 0.0085, by 4e-3 at 0.025, by 5 % at 0.085 and by 12 % at 0.25.
pub const SECULAR_RATIO: f64 = 0.01;

/// The pair of levels with the largest rate over spacing for one bath.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NearPair {
    pub bath: usize,
    /// The two levels (a < a′) and the level both couple to.
    pub levels: (usize, usize),
    pub common: usize,
    /// δ = E_a′ − E_a.
    pub spacing: f64,
    /// r, the largest rate at which bath `bath` feeds their coherence.
    pub rate: f64,
}

impl NearPair {
    pub fn ratio(&self) -> f64 {
        self.rate / self.spacing
    }
}

/// The pair with the largest r/δ of bath `k` at `hottest` (the bath's
/// highest temperature and largest Γ on the grid); None where the bath
/// has explicit rates (taken as given) or couples no two levels to one.
pub fn near_pair(spectrum: &Spectrum, k: usize, hottest: BathPoint) -> Option<NearPair> {
    if spectrum.rates.get(k).is_some_and(Option::is_some) || hottest.gamma == 0.0 {
        return None;
    }
    let e = &spectrum.energies;
    let s = &spectrum.strengths[k];
    let d = e.len();
    let scale = e
        .last()
        .copied()
        .unwrap_or(0.0)
        .abs()
        .max(f64::MIN_POSITIVE);
    // n(ω) at T, with n = T/ω − 1/2 + … kept finite for ω → 0 (no rate
    // uses a zero frequency: those pairs are refused or uncoupled).
    let n = |omega: f64| 1.0 / (omega / hottest.temperature).exp_m1();
    let mut worst: Option<NearPair> = None;
    for a in 0..d {
        for a2 in a + 1..d {
            let spacing = e[a2] - e[a];
            if spacing <= DEGENERATE * scale {
                continue;
            }
            for c in (0..d).filter(|&c| c != a && c != a2) {
                let both = s[(a, c)] * s[(a2, c)];
                if both == 0.0 {
                    continue;
                }
                // The decay rate of the transition of smaller frequency
                // (the larger occupation).
                let omega = (e[c] - e[a]).abs().min((e[c] - e[a2]).abs());
                let factor = n(omega) + 1.0;
                let rate = hottest.gamma * factor * both.sqrt();
                let pair = NearPair {
                    bath: k,
                    levels: (a, a2),
                    common: c,
                    spacing,
                    rate,
                };
                if worst.is_none_or(|w| pair.ratio() > w.ratio()) {
                    worst = Some(pair);
                }
            }
        }
    }
    worst
}
