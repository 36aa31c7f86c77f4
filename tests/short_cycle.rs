//! Short-cycle limit: at τ·ΣΓ ≤ 1e-4 the numerical OSS matches the paper's
//! Eqs. 14–16 to 1e-5 relative (their error is O(τΣΓ)).

mod common;

use nessbat::model::closed_form::{
    eq14_ergotropy, eq15_heat_a, eq16_efficiency, eq17_efficiency, short_cycle_power_strong_cold,
};
use nessbat::model::{EngineParams, ModelKind, Protocol, Rates};
use nessbat::oracle::compute_point;
use nessbat::oracle::oss::OssOptions;

fn check(p: &EngineParams, kind: ModelKind) {
    let r = Rates::from_params(p);
    assert!(p.tau * r.total() <= 1e-4, "not in the short-cycle regime");
    let f = compute_point(p, kind, Protocol::Optimal, &OssOptions::default()).unwrap();
    common::close(
        "Eq. 14 ergotropy",
        f.ergotropy,
        eq14_ergotropy(p.lambda, p.tau, &r),
        1e-5,
        0.0,
    );
    common::close(
        "Eq. 15 heat",
        f.heat_a,
        eq15_heat_a(p.omega0, p.lambda, p.tau, &r),
        1e-5,
        0.0,
    );
    common::close(
        "Eq. 16 efficiency",
        f.efficiency,
        eq16_efficiency(p.omega0, p.lambda, &r),
        1e-5,
        0.0,
    );
    common::close(
        "Eq. 14 power",
        f.short_cycle_limit
            .as_ref()
            .expect("a working engine")
            .power
            * p.tau,
        f.ergotropy,
        1e-5,
        0.0,
    );
}

#[test]
fn paper_baths_short_tau() {
    for tau in [0.01, 1e-3, 1e-5] {
        check(&common::paper(tau), ModelKind::Populations);
    }
    check(&common::paper(1e-3), ModelKind::DensityMatrix);
}

#[test]
fn other_thermal_and_explicit_baths() {
    check(
        &common::thermal(5.0, 0.3, 2e-3, 5e-4, 0.05, 1e-3),
        ModelKind::Populations,
    );
    check(
        &common::thermal(1.0, 0.2, 1e-4, 1e-2, 0.2, 1e-4),
        ModelKind::Populations,
    );
    check(
        &common::explicit([3e-4, 5e-4, 3.5e-4, 5.5e-3], 0.01, 1e-2),
        ModelKind::Populations,
    );
    check(
        &common::explicit([3e-4, 5e-4, 3.5e-4, 5.5e-3], 0.01, 1e-2),
        ModelKind::DensityMatrix,
    );
}

#[test]
fn eq17_when_cold_bath_dominates() {
    // Γ_S− ≫ Γ_A−: η → 2λ/(ω0 + λ) and P → 4λΓ_A+ (Sec. II). Both are
    // leading-order statements in Γ_A/Γ_S, here 1e-4, and in Σ Γ+ / Σ Γ−.
    let p = common::thermal(2.0, 0.05, 1e-6, 1e-2, 0.01, 1e-3);
    let r = Rates::from_params(&p);
    let f = compute_point(
        &p,
        ModelKind::Populations,
        Protocol::Optimal,
        &OssOptions::default(),
    )
    .unwrap();
    let small = (r.a_down + r.a_up) / r.s_down;
    common::close(
        "Eq. 17",
        f.efficiency,
        eq17_efficiency(1.0, 0.01),
        3.0 * small,
        0.0,
    );
    common::close(
        "P ≈ 4λΓ_A+",
        f.power,
        short_cycle_power_strong_cold(0.01, &r),
        3.0 * small,
        0.0,
    );
}
