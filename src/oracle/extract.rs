//! The extraction stroke: the ergotropy-optimal unitary of Eq. 3 with its
//! passive state, and the paper's fixed gates.

use nalgebra::SymmetricEigen;

use crate::model::operators::{self, Op};
use crate::model::{ModelKind, Protocol};
use crate::oracle::engine::Engine;
use crate::oracle::superop::{conjugation, unvec};
use crate::oracle::{CMat, CVec, C64};

/// Result of applying one extraction unitary to a charged state.
#[derive(Debug, Clone)]
pub struct Extraction {
    /// Work taken out, `Tr[Hρ] − Tr[H UρU†]`. For the optimal protocol this is
    /// the ergotropy (≥ 0); a fixed gate can also put energy in (< 0).
    pub work: f64,
    /// The state after extraction, UρU†.
    pub after: CVec,
    /// The linear map x ↦ UxU† for this U, used by the fixed-point solve.
    pub map: CMat,
    /// U keeps the excitation number (0, 1, 1, 2) of every level it moves,
    /// so that ⟨n⟩ is the same before and after.
    pub keeps_n: bool,
}

/// Excitation number of level j in (gg, S, A, ee).
fn level_n(j: usize) -> usize {
    match j {
        0 => 0,
        3 => 2,
        _ => 1,
    }
}

/// Order that sorts populations (or eigenvalues) into descending order.
/// Ties keep the lower index first, so the choice is deterministic; any
/// choice among ties gives the same passive state.
pub fn descending_order(values: &[f64; 4]) -> [usize; 4] {
    let mut idx = [0, 1, 2, 3];
    idx.sort_by(|&i, &j| values[j].total_cmp(&values[i]).then(i.cmp(&j)));
    idx
}

/// Applies `protocol` to the charged state `x`.
pub fn extract(engine: &Engine, x: &CVec, protocol: Protocol) -> Extraction {
    let mut keeps_n = true;
    let map = match (protocol, engine.kind) {
        (Protocol::Optimal, ModelKind::Populations) => {
            let order = descending_order(&engine.populations(x));
            keeps_n = (0..4).all(|k| level_n(order[k]) == level_n(k));
            let mut p = CMat::zeros(4, 4);
            for (k, &src) in order.iter().enumerate() {
                p[(k, src)] = C64::new(1.0, 0.0);
            }
            p
        }
        (Protocol::Optimal, ModelKind::DensityMatrix) => {
            // The passive state is diagonal in the energy basis, so the map
            // ends with a projection onto the diagonal. With U fixed this
            // makes the fixed-point solve Newton's method on the passive
            // populations, where the eigenvalue derivatives (Hellmann–
            // Feynman) are exactly the frozen-U map.
            let opt = optimal_unitary(&unvec(x));
            // Row k of U is the k-th eigenvector: it keeps n when that
            // eigenvector lies in the sector of level k.
            keeps_n = (0..4).all(|k| {
                (0..4)
                    .filter(|&j| level_n(j) == level_n(k))
                    .map(|j| opt[(k, j)].norm_sqr())
                    .sum::<f64>()
                    > 0.5
            });
            let u = conjugation(&opt);
            CMat::from_fn(16, 16, |r, c| {
                if r % 5 == 0 {
                    u[(r, c)]
                } else {
                    C64::new(0.0, 0.0)
                }
            })
        }
        (gate, ModelKind::Populations) => {
            // For a diagonal ρ, (UρU†)_kk = Σ_j |U_kj|² ρ_jj exactly.
            let u = gate_in_energy_basis(gate, engine.params.lambda, 0.0);
            CMat::from_fn(4, 4, |k, j| C64::new(u[(k, j)].norm_sqr(), 0.0))
        }
        (gate, ModelKind::DensityMatrix) => conjugation(&gate_in_energy_basis(
            gate,
            engine.params.lambda,
            engine.params.detuning,
        )),
    };
    let after = &map * x;
    let work = Engine::observe(&engine.energy, x) - Engine::observe(&engine.energy, &after);
    Extraction {
        work,
        after,
        map,
        keeps_n,
    }
}

/// Ergotropy of Eq. 3 of any state.
pub fn ergotropy(engine: &Engine, x: &CVec) -> f64 {
    extract(engine, x, Protocol::Optimal).work
}

/// U = Σ_k |E_k⟩⟨r_k| with r_k in descending order; in the energy eigenbasis
/// |E_k⟩ is the k-th unit vector, so row k of U is ⟨r_k|.
pub fn optimal_unitary(rho: &Op) -> Op {
    let herm = (rho + rho.adjoint()) * C64::new(0.5, 0.0);
    let eig = SymmetricEigen::new(herm);
    let vals: [f64; 4] = std::array::from_fn(|i| eig.eigenvalues[i]);
    let order = descending_order(&vals);
    Op::from_fn(|k, j| eig.eigenvectors[(j, order[k])].conj())
}

/// A fixed gate written in the energy eigenbasis.
pub fn gate_in_energy_basis(gate: Protocol, lambda: f64, detuning: f64) -> Op {
    let u = match gate {
        Protocol::GateGlobal => operators::gate_global(),
        Protocol::GateLocal => operators::gate_local(1),
        Protocol::Optimal => unreachable!("the optimal protocol has no fixed gate"),
    };
    let v = operators::eigenbasis(lambda, detuning);
    clean_unitary(v.adjoint() * u * v)
}

/// Removes the rounding residue of V†UV: entries below 1e-15 become zero
/// and each column is renormalised. Without this a gate loses ~1e-16 of
/// trace per cycle, which at short τ (per-cycle change ~Γτ) shifts the OSS
/// ergotropy by ~1e-8 relative.
fn clean_unitary(mut u: Op) -> Op {
    for mut col in u.column_iter_mut() {
        for z in col.iter_mut() {
            if z.norm() < 1e-15 {
                *z = C64::new(0.0, 0.0);
            }
        }
        let n = col.norm();
        col /= C64::new(n, 0.0);
    }
    u
}

/// The passive state of `x`: eigenvalues in descending order on the levels
/// in ascending energy.
pub fn passive(engine: &Engine, x: &CVec) -> CVec {
    extract(engine, x, Protocol::Optimal).after
}
