//! Exact propagation over one charging stroke.
//!
//! The generator is constant during the stroke, so Φ = e^{Gτ} is exact. The
//! heat integrals ∫₀^τ Tr[L_c(ρ(t)) H] dt need ∫₀^τ e^{Gs} ds, which Van
//! Loan's block exponential gives exactly:
//! exp([[G, I], [0, 0]] τ) = [[e^{Gτ}, ∫₀^τ e^{Gs} ds], [0, I]].
//! nalgebra's `exp` (scaling and squaring with Padé) does the rest.

use super::{CMat, CVec};

/// Φ = e^{Gτ} and its time integral.
#[derive(Debug, Clone)]
pub struct Propagator {
    pub phi: CMat,
    /// ∫₀^τ e^{Gs} ds.
    pub integral: CMat,
    /// Φ − I, computed as G·∫₀^τ e^{Gs} ds so that it keeps full relative
    /// precision at short τ, where Φ − I ~ Gτ would cancel.
    pub phi_minus_identity: CMat,
}

impl Propagator {
    pub fn new(g: &CMat, tau: f64) -> Propagator {
        let n = g.nrows();
        let mut block = CMat::zeros(2 * n, 2 * n);
        block
            .view_mut((0, 0), (n, n))
            .copy_from(&(g * num_complex::Complex64::new(tau, 0.0)));
        for i in 0..n {
            block[(i, n + i)] = num_complex::Complex64::new(tau, 0.0);
        }
        let e = block.exp();
        let phi = e.view((0, 0), (n, n)).into_owned();
        let integral = e.view((0, n), (n, n)).into_owned();
        let phi_minus_identity = g * &integral;
        Propagator {
            phi,
            integral,
            phi_minus_identity,
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
        let g = CMat::from_element(1, 1, C::new(-0.3, 0.0));
        let p = Propagator::new(&g, 2.0);
        assert!((p.phi[(0, 0)].re - (-0.6f64).exp()).abs() < 1e-15);
        assert!((p.integral[(0, 0)].re - (-(-0.6f64).exp_m1()) / 0.3).abs() < 1e-15);
    }
}
