//! Exact propagation over one charging stroke.
//!
//! The generator is constant during the stroke, so Φ = e^{Gτ} is exact. The
//! heat integrals ∫₀^τ Tr[L_c(ρ(t)) H] dt need ∫₀^τ e^{Gs} ds. Both come
//! from one scaling and squaring on the pair (D, J) = (Φ − I, ∫):
//! D(h) = Σ_{k≥1} (Gh)^k/k! and J(h) = h Σ_{k≥0} (Gh)^k/(k+1)! by Taylor
//! series at ‖Gh‖ ≤ ½, then D(2h) = 2D + D², J(2h) = 2J + D J. Nothing is
//! ever formed as Φ − I, so short strokes keep every digit, and no product
//! G·J cancels the τ-sized part of J at long strokes.
//!
//! Where the stroke is long enough that Φ equals the projector on ρ_NESS to
//! rounding, the limit is taken exactly instead: Φ = P = ρ_NESS trᵀ,
//! ∫ = τP + Z with G Z = P − I and trace-free columns (the integral of the
//! relaxation, ∫₀^∞ (e^{Gs} − P) ds). Squaring 40 times to reach τ = 1e12
//! would add 40 roundings to a state the physics fixes exactly.

use crate::oracle::{CMat, CVec, C64};

/// Taylor degree at ‖Gh‖ ≤ ½: 0.5^19/19! < 1e-22.
const TAYLOR_DEGREE: usize = 18;

/// Φ = e^{Gτ} and its time integral.
#[derive(Debug, Clone)]
pub struct Propagator {
    pub phi: CMat,
    /// ∫₀^τ e^{Gs} ds.
    pub integral: CMat,
    /// Φ − I, kept apart from Φ so that it has full relative precision at
    /// short τ.
    pub phi_minus_identity: CMat,
    /// Halvings of τ in the scaling and squaring (0 in the NESS limit).
    pub squarings: u32,
    /// True when the stroke reaches ρ_NESS to rounding and the exact limit
    /// was used.
    pub ness_limit: bool,
}

/// Sets row 0 (the gg population) so that every column of `d` has zero
/// trace.
fn restore_trace(d: &mut CMat, trace: &CVec) {
    if trace[0] == C64::new(0.0, 0.0) {
        return;
    }
    for j in 0..d.ncols() {
        let rest: C64 = (1..d.nrows()).map(|i| trace[i] * d[(i, j)]).sum();
        d[(0, j)] = -rest;
    }
}

fn max_abs(m: &CMat) -> f64 {
    m.iter().fold(0.0, |a, v| a.max(v.norm()))
}

impl Propagator {
    /// By scaling and squaring on (Φ − I, ∫). `trace` is the trace
    /// functional: each doubling restores tᵀ(Φ − I) = 0 in the gg row.
    /// Without that, a rounding error δ in the eigenvalue 1 of Φ grows as
    /// δ·2^s over s squarings (5.8e-5 after 45 at τ = 1e12).
    pub fn new(g: &CMat, tau: f64, trace: &CVec) -> Propagator {
        let n = g.nrows();
        let norm = g
            .row_iter()
            .map(|r| r.iter().map(|v| v.norm()).sum::<f64>())
            .fold(0.0, f64::max)
            * tau;
        let mut s = 0u32;
        let mut h = tau;
        let mut scaled = norm;
        while scaled > 0.5 && s < 2000 {
            scaled *= 0.5;
            h *= 0.5;
            s += 1;
        }
        let a = g * C64::new(h, 0.0);
        // J/h = Σ_{k≥0} A^k/(k+1)! by Horner: J_k = I + A J_{k+1}/(k+2).
        let id = CMat::identity(n, n);
        let mut jm = id.clone();
        for k in (1..=TAYLOR_DEGREE).rev() {
            jm = &id + &a * &jm * C64::new(1.0 / (k as f64 + 1.0), 0.0);
        }
        let mut d = &a * &jm;
        let mut integral = jm * C64::new(h, 0.0);
        restore_trace(&mut d, trace);
        for _ in 0..s {
            integral = &integral * C64::new(2.0, 0.0) + &d * &integral;
            d = &d * C64::new(2.0, 0.0) + &d * &d;
            restore_trace(&mut d, trace);
        }
        Propagator {
            phi: &id + &d,
            integral,
            phi_minus_identity: d,
            squarings: s,
            ness_limit: false,
        }
    }

    /// The stroke of `g` (with steady state `ness` and trace functional
    /// `trace`), in the exact NESS limit where half the stroke already
    /// relaxes to within 1e-9 (so the whole one to within 1e-18).
    pub fn with_limit(g: &CMat, tau: f64, ness: &CVec, trace: &CVec) -> Propagator {
        let n = g.nrows();
        let p = ness * trace.transpose();
        let half = Propagator::new(g, 0.5 * tau, trace);
        if max_abs(&(&half.phi - &p)) > 1e-9 {
            return Propagator::new(g, tau, trace);
        }
        let id = CMat::identity(n, n);
        // Z: G Z = P − I with tr Z = 0 column by column; row 0 of G (the
        // gg population equation) is redundant and carries the trace.
        let mut m = g.clone();
        let mut rhs = &p - &id;
        for j in 0..n {
            m[(0, j)] = trace[j];
            rhs[(0, j)] = C64::new(0.0, 0.0);
        }
        let z = m.lu().solve(&rhs).unwrap_or_else(|| CMat::zeros(n, n));
        Propagator {
            phi: p.clone(),
            integral: &p * C64::new(tau, 0.0) + z,
            phi_minus_identity: &p - &id,
            squarings: 0,
            ness_limit: true,
        }
    }

    /// x(τ) from x(0).
    pub fn apply(&self, x: &CVec) -> CVec {
        &self.phi * x
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_complex::Complex64 as C;

    #[test]
    fn scalar_generator_matches_closed_form() {
        // G = −k: Φ = e^{−kτ}, ∫ = (1 − e^{−kτ})/k.
        // A one-state "generator" with no trace to keep (t = 0).
        let g = CMat::from_element(1, 1, C::new(-0.3, 0.0));
        let t = CVec::from_element(1, C::new(0.0, 0.0));
        let p = Propagator::new(&g, 2.0, &t);
        assert!((p.phi[(0, 0)].re - (-0.6f64).exp()).abs() < 1e-15);
        assert!((p.integral[(0, 0)].re - (-(-0.6f64).exp_m1()) / 0.3).abs() < 1e-15);
        // Φ − I to full relative precision at a tiny stroke.
        let p = Propagator::new(&g, 1e-12, &t);
        assert!((p.phi_minus_identity[(0, 0)].re / (-0.3e-12f64).exp_m1() - 1.0).abs() < 1e-15);
    }

    #[test]
    fn two_state_limit_is_exact() {
        // ẋ0 = −a x0 + b x1, ẋ1 = a x0 − b x1: NESS (b, a)/(a + b); the
        // relaxation integral of x(0) = (1, 0) is (x0 − b/(a+b))/(a + b).
        let (a, b) = (0.7, 0.2);
        let g = CMat::from_row_slice(
            2,
            2,
            &[
                C::new(-a, 0.0),
                C::new(b, 0.0),
                C::new(a, 0.0),
                C::new(-b, 0.0),
            ],
        );
        let ness = CVec::from_row_slice(&[C::new(b / (a + b), 0.0), C::new(a / (a + b), 0.0)]);
        let tr = CVec::from_row_slice(&[C::new(1.0, 0.0), C::new(1.0, 0.0)]);
        let tau = 1e12;
        let p = Propagator::with_limit(&g, tau, &ness, &tr);
        assert!(p.ness_limit);
        let want = tau * b / (a + b) + (1.0 - b / (a + b)) / (a + b);
        assert!((p.integral[(0, 0)].re / want - 1.0).abs() < 1e-15);
        assert!((p.phi[(1, 0)].re - a / (a + b)).abs() < 1e-16);
    }
}
