//! The paper's parameters at τ = 150, against values computed independently
//! (a separate SciPy script: expm of the rate matrix, Van Loan block for the
//! heat): E ≈ 6.95362e-4, heat_a ≈ 9.06836e-2, η ≈ 7.66800e-3.

mod common;

use nessbat::model::{ModelKind, Protocol};
use nessbat::oracle::compute_point;
use nessbat::oracle::oss::OssOptions;

#[test]
fn paper_point_tau_150_both_models() {
    for kind in [ModelKind::Populations, ModelKind::DensityMatrix] {
        let f = compute_point(
            &common::paper(150.0),
            kind,
            Protocol::Optimal,
            &OssOptions::default(),
        )
        .unwrap();
        // The reference values carry six significant digits; 1e-6 relative
        // is what the issue asks, so compare to 6 digits (rounding bound).
        common::close("ergotropy", f.ergotropy, 6.95362e-4, 1e-6, 0.5e-9);
        common::close("heat_a", f.heat_a, 9.06836e-2, 1e-6, 0.5e-6);
        common::close("efficiency", f.efficiency, 7.66800e-3, 1e-6, 0.5e-8);
        assert_eq!(
            f.heat_hot, f.heat_a,
            "A is the hot bath at T_A = 2 > T_S = 0.1"
        );
        assert_eq!(f.cycles, 0, "the paper point is solved directly");
        common::close("power", f.power, f.ergotropy / 150.0, 1e-15, 0.0);
    }
}

#[test]
fn direct_solve_equals_iteration_from_ness() {
    // The fixed-point solve and plain iteration are independent routes to
    // ρ_OSS; iteration stops at an estimated distance of 1e-11.
    for tau in [5.0, 150.0, 2000.0] {
        let p = common::paper(tau);
        let direct = compute_point(
            &p,
            ModelKind::Populations,
            Protocol::Optimal,
            &OssOptions::default(),
        )
        .unwrap();
        let iter = OssOptions {
            direct: false,
            ..OssOptions::default()
        };
        let iterated = compute_point(&p, ModelKind::Populations, Protocol::Optimal, &iter).unwrap();
        assert!(iterated.cycles > 0 && iterated.converged);
        common::close(
            "ergotropy",
            iterated.ergotropy,
            direct.ergotropy,
            1e-7,
            1e-13,
        );
        common::close("heat_a", iterated.heat_a, direct.heat_a, 1e-7, 1e-13);
        for i in 0..4 {
            common::close(
                "populations",
                iterated.populations_passive[i],
                direct.populations_passive[i],
                0.0,
                1e-10,
            );
        }
    }
}
