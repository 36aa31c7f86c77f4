//! Eq. 11 against the numerical NESS heat flux.
//!
//! Eq. 11 as printed is not exact. Solving the rate equations gives
//! Q̇_A = 4ω0 (Γ_A+Γ_S− − Γ_A−Γ_S+) r_S (Γ_A+Γ_S− + Γ_A−Γ_S+)
//!       / [Γ_A+Γ_S−(Γ_A+ + Γ_S+) + Γ_A−Γ_S+(Γ_A− + Γ_S−)],
//! which equals Eq. 11 only when Γ_A−Γ_S+(ΣΓ− − ΣΓ+) = 0. At the paper's
//! parameters Γ_S+ ≈ 4.5e-8, so Eq. 11 is off by about 1e-4 relative; with a
//! warm S bath the difference grows to tens of percent.

mod common;

use nessbat::model::closed_form::{
    eq11_heat_flux, eq11_relative_error, eq13_ergotropy, ness_heat_flux_exact,
};
use nessbat::model::{EngineParams, ModelKind, Protocol, Rates};
use nessbat::oracle::compute_point;
use nessbat::oracle::oss::OssOptions;

fn ness_flux(p: &EngineParams) -> (f64, [f64; 4], f64) {
    let f = compute_point(
        p,
        ModelKind::Populations,
        Protocol::Optimal,
        &OssOptions::default(),
    )
    .unwrap();
    (f.ness.heat_flux_a, f.ness.populations, f.ness.ergotropy)
}

#[test]
fn eq11_differs_from_the_numerical_flux_by_the_predicted_amount() {
    for p in [
        common::paper(150.0),
        common::thermal(3.0, 1.0, 1e-3, 2e-3, 0.05, 1.0),
        common::thermal(0.5, 0.3, 5e-3, 1e-3, 0.1, 1.0),
        common::explicit([2e-3, 1e-3, 1e-4, 2e-3], 0.01, 1.0),
    ] {
        let r = Rates::from_params(&p);
        let (flux, pops, _) = ness_flux(&p);
        let exact = ness_heat_flux_exact(p.omega0, &r, pops[1]);
        common::close("exact closed form", flux, exact, 1e-11, 1e-18);
        let eq11 = eq11_heat_flux(p.omega0, &r, pops[1]);
        common::close(
            "Eq. 11 error",
            (eq11 - flux) / flux,
            eq11_relative_error(&r),
            1e-8,
            1e-14,
        );
    }
    // The size of the discrepancy at the paper's parameters, stated above.
    let e = eq11_relative_error(&Rates::from_params(&common::paper(150.0)));
    assert!(e > 5e-5 && e < 2e-4, "{e}");
}

#[test]
fn eq13_ergotropy_of_the_ness() {
    // With the ordering of Eq. 12 the NESS ergotropy is 2λ(r_A − r_S).
    let p = common::paper(150.0);
    let (_, pops, erg) = ness_flux(&p);
    assert!(
        pops[0] > pops[2] && pops[2] > pops[1] && pops[1] > pops[3],
        "Eq. 12 ordering"
    );
    common::close("Eq. 13", erg, eq13_ergotropy(p.lambda, &pops), 1e-12, 0.0);
}
