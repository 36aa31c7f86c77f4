//! No gradient, no work: T_A = T_S gives a Gibbs NESS and zero ergotropy,
//! and so does a reversed gradient T_S > T_A with thermal baths.

mod common;

use nessbat::model::{ModelKind, Protocol};
use nessbat::oracle::compute_point;
use nessbat::oracle::oss::OssOptions;

#[test]
fn equal_temperatures_give_zero_ergotropy() {
    for kind in [ModelKind::Populations, ModelKind::DensityMatrix] {
        for (t, ga, gs, tau) in [
            (2.0, 1e-3, 1e-3, 150.0),
            (0.3, 1e-3, 5e-2, 1.0),
            (10.0, 1e-2, 1e-4, 0.01),
        ] {
            let p = common::thermal(t, t, ga, gs, 0.01, tau);
            let f = compute_point(&p, kind, Protocol::Optimal, &OssOptions::default()).unwrap();
            // Eq. 9 gives both single-excitation transitions the Boltzmann
            // factor of ω0 (valid for λ ≪ ω0), so the NESS is Gibbs in the
            // bare energies (0, ω0, ω0, 2ω0): r_S = r_A, independent of the
            // couplings. Hand check, not a copy of the solver.
            let e: [f64; 4] = [0.0, 1.0, 1.0, 2.0];
            let z: f64 = e.iter().map(|x| (-x / t).exp()).sum();
            for (pop, ei) in f.ness.populations.iter().zip(e) {
                common::close("Gibbs NESS", *pop, (-ei / t).exp() / z, 1e-12, 1e-15);
            }
            assert!(f.ergotropy.abs() < 1e-15, "ergotropy {}", f.ergotropy);
            assert!(
                f.ness.ergotropy.abs() < 1e-15,
                "NESS ergotropy {}",
                f.ness.ergotropy
            );
        }
    }
}

#[test]
fn reversed_gradient_gives_zero_ergotropy() {
    let p = common::thermal(0.2, 2.0, 1e-3, 1e-3, 0.01, 150.0);
    let f = compute_point(
        &p,
        ModelKind::Populations,
        Protocol::Optimal,
        &OssOptions::default(),
    )
    .unwrap();
    assert!(f.ergotropy.abs() < 1e-15 && f.ness.ergotropy.abs() < 1e-15);
    assert_eq!(f.heat_hot, f.heat_s, "S is the hot bath when T_S > T_A");
    assert!(
        f.efficiency.is_nan() || f.efficiency.abs() < 1e-12,
        "{}",
        f.efficiency
    );
}
