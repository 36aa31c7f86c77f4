//! Work over the gaps an extraction bridges. An extraction permutes the
//! populations along cycles of levels; over each cycle Σ (q_i − q_{o(i)})
//! vanishes, so the work Σ_i E_i (q_i − q_{o(i)}) may be summed as
//! Σ_i (E_i − r_i)(q_i − q_{o(i)}), r_i the lowest energy of i's cycle:
//! terms weighted by the gaps bridged, not by energies up to e_max, whose
//! roundings would swamp a work over a small gap.

use nalgebra::{DMatrix, DVector};

use super::cycle::{passive_order, permute};
use super::sensitivity::{figure_errors, Residual, System};

/// For each level i, the lowest energy over the cycle of permutation
/// `order` (i → `order[i]`) that holds it.
pub fn cycle_lowest(order: &[usize], energies: &[f64]) -> Vec<f64> {
    let mut lowest = vec![f64::NAN; order.len()];
    for start in 0..order.len() {
        if !lowest[start].is_nan() {
            continue;
        }
        let (mut i, mut low) = (start, energies[start]);
        loop {
            i = order[i];
            if i == start {
                break;
            }
            low = low.min(energies[i]);
        }
        loop {
            lowest[i] = low;
            i = order[i];
            if i == start {
                break;
            }
        }
    }
    lowest
}

/// A NESS's ergotropy as summed, before any snap to 0, with its noise and
/// the NESS's passive state.
pub struct NessErgotropy {
    pub raw: f64,
    pub noise: f64,
    pub passive: DVector<f64>,
}

/// The ergotropy of the NESS `ness` over the gaps its sort bridges, with
/// a noise of those gaps, not e_max (found: the maser at ω_h − ω_c =
/// 1e-9 flagged at 9e-4 by its NESS ergotropy, whose populations were
/// right). Its error through the NESS's populations is bounded through
/// the NESS `system`'s adjoint against its `residual` (battery::
/// sensitivity), as the work's and heats': the refinement step through
/// the widest gap (2 · gap · d · step, used before) overstated it where
/// populations are solved to better than ε absolute (found: a NESS
/// ergotropy of 9e-20 at T = 0.007 flagged at ± 6e-12, its estimate 7e7,
/// where a 40-digit reference found it right), and can understate it
/// where the solve is ill-conditioned.
pub fn ness_ergotropy(
    energies: &[f64],
    blocks: &[std::ops::Range<usize>],
    ness: &DVector<f64>,
    system: System,
    residual: impl FnOnce() -> Residual,
) -> NessErgotropy {
    let d = ness.len();
    let order = passive_order(ness, blocks);
    let lowest = cycle_lowest(&order, energies);
    let (mut raw, mut terms) = (0.0, 0.0);
    let mut c = DMatrix::<f64>::zeros(d, 1);
    for (i, &o) in order.iter().enumerate() {
        let gap = energies[i] - lowest[i];
        raw += gap * (ness[i] - ness[o]);
        terms += gap * (ness[i].abs() + ness[o].abs());
        c[(i, 0)] += gap;
        c[(o, 0)] -= gap;
    }
    let through_adjoint = match raw == 0.0 {
        true => 0.0,
        false => figure_errors(system, &residual(), &c)[0],
    };
    NessErgotropy {
        raw,
        noise: through_adjoint + 64.0 * f64::EPSILON * terms,
        passive: permute(ness, &order),
    }
}
