//! The paper's fixed gates (Sec. II): U_G and the local U_1, U_2 extract the
//! full ergotropy whenever the OSS has the ordering of Eq. 12, because each
//! swaps |A⟩ and |S⟩. Where another inversion is needed they fall short.

mod common;

use nessbat::model::operators::{eigenbasis, gate_local};
use nessbat::model::{ModelKind, Protocol};
use nessbat::oracle::compute_point;
use nessbat::oracle::extract::gate_in_energy_basis;
use nessbat::oracle::oss::OssOptions;

#[test]
fn gates_are_optimal_with_eq12_ordering() {
    for kind in [ModelKind::Populations, ModelKind::DensityMatrix] {
        for tau in [0.01, 150.0, 3000.0] {
            let p = common::paper(tau);
            let opt = compute_point(&p, kind, Protocol::Optimal, &OssOptions::default()).unwrap();
            let c = opt.populations_charged;
            assert!(
                c[0] > c[2] && c[2] > c[1] && c[1] > c[3],
                "Eq. 12 ordering at τ = {tau}"
            );
            for gate in [Protocol::GateGlobal, Protocol::GateLocal] {
                let g = compute_point(&p, kind, gate, &OssOptions::default()).unwrap();
                common::close("gate = optimal", g.ergotropy, opt.ergotropy, 1e-10, 1e-18);
                common::close("gate efficiency", g.efficiency, opt.efficiency, 1e-10, 0.0);
            }
        }
    }
}

#[test]
fn local_gates_on_either_qubit_swap_a_and_s() {
    let v = eigenbasis(0.01, 0.0);
    let u2 = v.adjoint() * gate_local(2) * v;
    for u in [
        gate_in_energy_basis(Protocol::GateLocal, 0.01, 0.0),
        gate_in_energy_basis(Protocol::GateGlobal, 0.01, 0.0),
        u2,
    ] {
        let swap = [0, 2, 1, 3];
        for k in 0..4 {
            for j in 0..4 {
                let want = if swap[k] == j { 1.0 } else { 0.0 };
                assert!((u[(k, j)].norm_sqr() - want).abs() < 1e-15);
            }
        }
    }
}

#[test]
fn gates_fall_short_when_another_inversion_is_needed() {
    // A strongly pumped A bath inverts gg and A as well: the optimal unitary
    // is then not the A↔S swap.
    let p = common::explicit([5e-3, 1e-4, 1e-5, 2e-3], 0.05, 200.0);
    let opt = compute_point(
        &p,
        ModelKind::Populations,
        Protocol::Optimal,
        &OssOptions::default(),
    )
    .unwrap();
    let gate = compute_point(
        &p,
        ModelKind::Populations,
        Protocol::GateGlobal,
        &OssOptions::default(),
    )
    .unwrap();
    assert!(
        opt.ergotropy > 1.5 * gate.ergotropy,
        "optimal {} vs gate {}",
        opt.ergotropy,
        gate.ergotropy
    );
}
