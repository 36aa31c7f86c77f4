//! The paper's closed forms, each a function of its own so that tests and
//! reports can set them against the exact numerics.

use super::rates::Rates;

/// Eq. 13: ergotropy 2λ (r_A − r_S) of a state diagonal in the energy basis
/// with the ordering of Eq. 12 (r_gg > r_A > r_S > r_ee).
pub fn eq13_ergotropy(lambda: f64, pops: &[f64; 4]) -> f64 {
    2.0 * lambda * (pops[2] - pops[1])
}

/// Eq. 11 as printed: NESS heat flux from bath A,
/// 4ω0 (Γ_A+ Γ_S− − Γ_A− Γ_S+)/(Γ_A+ + Γ_S+) · r_S.
///
/// It is not exact: see [`ness_heat_flux_exact`].
pub fn eq11_heat_flux(omega0: f64, r: &Rates, r_s: f64) -> f64 {
    4.0 * omega0 * (r.a_up * r.s_down - r.a_down * r.s_up) / (r.a_up + r.s_up) * r_s
}

/// The exact NESS heat flux from bath A in terms of r_S, solved from the
/// rate equations (our derivation; see README "Eq. 11"):
///
/// Q̇_A = 4ω0 (Γ_A+Γ_S− − Γ_A−Γ_S+) r_S · (Γ_A+Γ_S− + Γ_A−Γ_S+)
///        / [Γ_A+Γ_S−(Γ_A+ + Γ_S+) + Γ_A−Γ_S+(Γ_A− + Γ_S−)].
///
/// It equals Eq. 11 only when Γ_A−Γ_S+ (Σ Γ− − Σ Γ+) = 0, e.g. for a cold
/// bath S at T_S → 0 (Γ_S+ = 0); the relative error of Eq. 11 is
/// [`eq11_relative_error`].
pub fn ness_heat_flux_exact(omega0: f64, r: &Rates, r_s: f64) -> f64 {
    let k = r.a_up * r.s_down - r.a_down * r.s_up;
    let num = r.a_up * r.s_down + r.a_down * r.s_up;
    let den = r.a_up * r.s_down * (r.a_up + r.s_up) + r.a_down * r.s_up * (r.a_down + r.s_down);
    4.0 * omega0 * k * r_s * num / den
}

/// (Eq. 11 − exact)/exact, in closed form:
/// Γ_A−Γ_S+ (Γ_A− + Γ_S− − Γ_A+ − Γ_S+) / [(Γ_A+ + Γ_S+)(Γ_A+Γ_S− + Γ_A−Γ_S+)].
pub fn eq11_relative_error(r: &Rates) -> f64 {
    r.a_down * r.s_up * (r.a_down + r.s_down - r.a_up - r.s_up)
        / ((r.a_up + r.s_up) * (r.a_up * r.s_down + r.a_down * r.s_up))
}

/// K of Eq. 14: (Γ_A+Γ_S− − Γ_A−Γ_S+)/(Σ Γ)².
pub fn eq14_k(r: &Rates) -> f64 {
    (r.a_up * r.s_down - r.a_down * r.s_up) / r.total().powi(2)
}

/// Eq. 14: OSS ergotropy per cycle in the short-cycle limit τ ΣΓ ≪ 1,
/// 4λτK(Γ_A− + Γ_S− − Γ_A+ − Γ_S+). Valid where K > 0 (A–S inversion).
pub fn eq14_ergotropy(lambda: f64, tau: f64, r: &Rates) -> f64 {
    4.0 * lambda * tau * eq14_k(r) * (r.a_down + r.s_down - r.a_up - r.s_up)
}

/// Short-cycle power P_τ = E_τ/τ from Eq. 14.
pub fn eq14_power(lambda: f64, r: &Rates) -> f64 {
    eq14_ergotropy(lambda, 1.0, r)
}

/// Eq. 15: heat from bath A per cycle in the short-cycle limit,
/// 2Kτ[(ω0 − λ)(Γ_A+ + Γ_S+) + (ω0 + λ)(Γ_A− + Γ_S−)].
pub fn eq15_heat_a(omega0: f64, lambda: f64, tau: f64, r: &Rates) -> f64 {
    2.0 * eq14_k(r)
        * tau
        * ((omega0 - lambda) * (r.a_up + r.s_up) + (omega0 + lambda) * (r.a_down + r.s_down))
}

/// Eq. 16: the short-cycle efficiency plateau.
pub fn eq16_efficiency(omega0: f64, lambda: f64, r: &Rates) -> f64 {
    let ratio = (r.a_up + r.s_up) / (r.a_down + r.s_down);
    let x = lambda / omega0;
    2.0 * x * (1.0 - ratio) / (1.0 + x + ratio * (1.0 - x))
}

/// Eq. 17: the bound 2λ/(ω0 + λ) = 1 − E_S/E_A that Eq. 16 approaches when
/// Σ Γ− ≫ Σ Γ+.
pub fn eq17_efficiency(omega0: f64, lambda: f64) -> f64 {
    2.0 * lambda / (omega0 + lambda)
}

/// Short-cycle power when the cold bath dominates (Γ_S− ≫ Γ_A−): 4λΓ_A+.
pub fn short_cycle_power_strong_cold(lambda: f64, r: &Rates) -> f64 {
    4.0 * lambda * r.a_up
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eq16_equals_eq14_over_eq15() {
        // Eq. 16 must be Eq. 14 divided by Eq. 15, for any rates.
        let r = Rates {
            a_up: 3e-4,
            a_down: 7e-4,
            s_up: 1e-5,
            s_down: 2e-3,
        };
        let (w0, lam, tau) = (1.0, 0.05, 0.3);
        let ratio = eq14_ergotropy(lam, tau, &r) / eq15_heat_a(w0, lam, tau, &r);
        assert!((ratio / eq16_efficiency(w0, lam, &r) - 1.0).abs() < 1e-13);
    }

    #[test]
    fn eq11_error_formula_is_consistent() {
        let r = Rates {
            a_up: 3e-4,
            a_down: 7e-4,
            s_up: 1e-4,
            s_down: 2e-3,
        };
        let exact = ness_heat_flux_exact(1.0, &r, 0.2);
        let eq11 = eq11_heat_flux(1.0, &r, 0.2);
        assert!(((eq11 - exact) / exact - eq11_relative_error(&r)).abs() < 1e-13);
    }
}
