//! The population model and the full density-matrix model agree to 1e-12
//! when δ = γφ = 0: the Lindblad dynamics then keeps ρ diagonal in the
//! energy basis and reduces to the rate equations.

mod common;

use nessbat::model::{EngineParams, ModelKind, Protocol};
use nessbat::oracle::compute_point;
use nessbat::oracle::oss::OssOptions;

fn cases() -> Vec<EngineParams> {
    vec![
        common::paper(150.0),
        common::paper(0.5),
        common::paper(1e4),
        common::thermal(0.7, 0.2, 3e-3, 1e-3, 0.1, 20.0),
        common::thermal(0.2, 2.0, 1e-3, 1e-3, 0.01, 150.0),
        // Pumped A bath: Γ_A+ > Γ_A−.
        common::explicit([4e-3, 1e-3, 1e-5, 2e-3], 0.05, 300.0),
        common::explicit([3.5e-4, 5e-4, 3.5e-4, 5.5e-3], 0.01, 150.0),
    ]
}

#[test]
fn populations_and_density_matrix_agree() {
    for p in cases() {
        for protocol in [Protocol::Optimal, Protocol::GateGlobal, Protocol::GateLocal] {
            let a = compute_point(&p, ModelKind::Populations, protocol, &OssOptions::default())
                .unwrap();
            let b = compute_point(
                &p,
                ModelKind::DensityMatrix,
                protocol,
                &OssOptions::default(),
            )
            .unwrap();
            let scale = a.heat_a.abs().max(1e-12);
            let tol = |w: &str, x: f64, y: f64| common::close(w, x, y, 1e-12, 1e-12 * scale);
            tol("ergotropy", b.ergotropy, a.ergotropy);
            tol("heat_a", b.heat_a, a.heat_a);
            tol("heat_s", b.heat_s, a.heat_s);
            tol("ness ergotropy", b.ness.ergotropy, a.ness.ergotropy);
            tol("ness flux", b.ness.heat_flux_a, a.ness.heat_flux_a);
            for i in 0..4 {
                common::close(
                    "passive",
                    b.populations_passive[i],
                    a.populations_passive[i],
                    0.0,
                    1e-12,
                );
                common::close(
                    "charged",
                    b.populations_charged[i],
                    a.populations_charged[i],
                    0.0,
                    1e-12,
                );
                common::close(
                    "ness",
                    b.ness.populations[i],
                    a.ness.populations[i],
                    0.0,
                    1e-12,
                );
            }
        }
    }
}
