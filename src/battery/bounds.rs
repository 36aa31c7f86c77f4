//! The state's error as each figure of a point sees it (battery::
//! sensitivity): the work E · (I − P)(I + C) p, the heats E · W_k F p
//! (τ E · W_k p at the NESS) and the capacity, against the residual of
//! the system the state solves.

use nalgebra::{DMatrix, DVector};

use super::cycle::{cycle_matrix, passive_order, permute, Factors};
use super::heat::BathWeights;
use super::regime::Regime;
use super::scene::{Cycle, Scene};
use super::sensitivity::{
    figure_errors, ness_residual, ness_system, normalised, oss_residual, System,
};

/// Bounds on each figure's error through the state's.
pub struct Sensitivities {
    pub work: f64,
    pub heats: Vec<f64>,
    pub capacity: f64,
    /// The capacity's weights c_j (below).
    pub ranked: DVector<f64>,
}

impl Sensitivities {
    /// The capacity, Σ_j c_j q_j with c_j = E_{r(j)} − E_{d−1−r(j)}, r(j)
    /// the rank of q_j among q ascending, is bounded through the
    /// populations' own error, which the refinement step understates where
    /// the OSS system is ill-conditioned (found: a weakly hopping 4-spin
    /// chain at τΓ = 1e-7, its populations off by 2e-6 and the capacity by
    /// 1.2e-6 at status ok, where the work and heats held).
    /// `ness_factors`: those of the NESS's normalised system, where it was
    /// solved here.
    pub fn of(
        scene: &Scene,
        cycle: &Cycle,
        regime: Regime,
        weights: &[BathWeights],
        ness_factors: Option<&Factors>,
    ) -> Sensitivities {
        let (d, e, w) = (scene.levels(), &scene.e, scene.w);
        let (stroke, oss, p, q) = (cycle.stroke, cycle.oss, cycle.p, cycle.q);
        let baths = weights.len();
        let at_capacity = 1 + baths;
        let mut figures = DMatrix::<f64>::zeros(d, 2 + baths);
        let ranked = {
            let mut by_rank: Vec<usize> = (0..d).collect();
            by_rank.sort_by(|&i, &j| q[i].total_cmp(&q[j]).then(i.cmp(&j)));
            let mut c = DVector::<f64>::zeros(d);
            for (r, &j) in by_rank.iter().enumerate() {
                c[j] = e[r] - e[d - 1 - r];
            }
            c
        };
        let mut sensitive = if regime.identity {
            for (k, bath) in weights.iter().enumerate() {
                figures.set_column(1 + k, &(&bath.per_flow * scene.tau));
            }
            figures.set_column(at_capacity, &ranked);
            let residual = ness_residual(w, p).widened(&scene.blur(p));
            figure_errors(ness_system(w, ness_factors), &residual, &figures)
        } else {
            // c' with c' · q = E · (q − P q), then c = (I + C)ᵀ c'.
            let mut swept = e.clone();
            for (i, &o) in oss.order.iter().enumerate() {
                swept[o] -= e[i];
            }
            figures.set_column(0, &(stroke.change.tr_mul(&swept) + &swept));
            let integral = stroke.heat_integral(regime.no_flow).0;
            for (k, bath) in weights.iter().enumerate() {
                figures.set_column(1 + k, &integral.tr_mul(&bath.per_flow));
            }
            figures.set_column(at_capacity, &(stroke.change.tr_mul(&ranked) + &ranked));
            let system = match &oss.factors {
                Some(lu) => System::Factored(lu),
                None => System::Matrix(normalised(cycle_matrix(stroke, &oss.order))),
            };
            let residual = oss_residual(&oss.order, p, &cycle.moved, cycle.change_error)
                .widened(&DVector::from_element(d, cycle.drift))
                .widened(&unsorted(q, &oss.order, &scene.spectrum.blocks));
            figure_errors(system, &residual, &figures)
        };
        // An iterated OSS solves no system: its error is the iterate's.
        if oss.iterated && !regime.identity {
            let spread = (0..d)
                .map(|i| (0..d).map(|j| stroke.integral[(i, j)].abs()).sum::<f64>())
                .fold(0.0, f64::max);
            let state = 2.0 * scene.e_max * cycle.error;
            sensitive[0] = sensitive[0].max(state);
            sensitive[at_capacity] = sensitive[at_capacity].max(state);
            for (k, bath) in weights.iter().enumerate() {
                sensitive[1 + k] = sensitive[1 + k].max(bath.size.sum() * spread * cycle.error);
            }
        }
        Sensitivities {
            work: sensitive[0],
            heats: sensitive[1..at_capacity].to_vec(),
            capacity: sensitive[at_capacity],
            ranked,
        }
    }
}

/// Row by row, how far the order the OSS was solved under is from the
/// charged state `q`'s own sort: |sort(q)_i − q_{order[i]}|, 0 where they
/// agree or only swap equal populations. The solve takes populations
/// within rounding of the largest as tied, but between small populations
/// such a difference is real, and the cycle's true residual (found: a
/// 4-spin weak chain at τΓ = 1.7e-6 whose populations of 3e-8 differed by
/// 6.6e-15 in another order than the solve's; its ill-conditioned OSS
/// 5.8e-6 off, the ergotropy 5e-5, at status ok).
fn unsorted(q: &DVector<f64>, order: &[usize], blocks: &[std::ops::Range<usize>]) -> DVector<f64> {
    let sorted = permute(q, &passive_order(q, blocks));
    let solved = permute(q, order);
    (sorted - solved).abs()
}
