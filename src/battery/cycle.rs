//! The two-stroke cycle of a d-level battery at the population level, in
//! f64: the stroke propagator and its integral from one matrix exponential
//! (Van Loan), and the operational steady state solved directly.
//!
//! Stroke: q = e^{Wτ} p. With F = ∫_0^τ e^{Ws} ds, e^{Wτ} = I + W F, so
//! q − p = W F p carries the O(τΓ) change without cancellation, and the
//! heat from bath k is Q_k = E · W_k F p exactly (no quadrature).
//!
//! Extraction: the ergotropy-optimal unitary of a diagonal state is a
//! permutation, populations sorted decreasing onto ascending energies. The
//! OSS is the fixed point p = P_π e^{Wτ} p of the cycle. For a fixed
//! permutation π that is a linear problem, (P_π W F + P_π − I) p = 0 with
//! Σ p = 1; π itself is found by policy iteration (solve, sort the charged
//! state, repeat), which stops at the π the OSS sorts itself into.

use nalgebra::{DMatrix, DVector};

/// A stroke of length τ: e^{Wτ} and ∫_0^τ e^{Ws} ds.
pub struct Stroke {
    pub propagator: DMatrix<f64>,
    pub integral: DMatrix<f64>,
}

impl Stroke {
    /// Both blocks of exp([[Wτ, τI], [0, 0]]) (Van Loan, 1978).
    pub fn new(w: &DMatrix<f64>, tau: f64) -> Stroke {
        let d = w.nrows();
        let mut m = DMatrix::<f64>::zeros(2 * d, 2 * d);
        m.view_mut((0, 0), (d, d)).copy_from(&(w * tau));
        for i in 0..d {
            m[(i, d + i)] = tau;
        }
        let x = m.exp();
        Stroke {
            propagator: x.view((0, 0), (d, d)).into_owned(),
            integral: x.view((0, d), (d, d)).into_owned(),
        }
    }
}

/// The order that sorts `q` decreasing, ties to the lower level: the
/// extraction sends population `q[order[i]]` to level i.
pub fn passive_order(q: &DVector<f64>) -> Vec<usize> {
    let mut order: Vec<usize> = (0..q.len()).collect();
    order.sort_by(|&i, &j| q[j].total_cmp(&q[i]).then(i.cmp(&j)));
    order
}

/// The passive state of `q` under `order`.
pub fn permute(q: &DVector<f64>, order: &[usize]) -> DVector<f64> {
    DVector::from_iterator(q.len(), order.iter().map(|&i| q[i]))
}

/// The OSS found: its state after extraction `p`, the charged state `q`,
/// the permutation, and the size of the refinement step (the solve's
/// error, roughly).
pub struct Oss {
    pub passive: DVector<f64>,
    pub charged: DVector<f64>,
    pub order: Vec<usize>,
    pub correction: f64,
}

/// The fixed point for permutation `order`: (P W F + P − I) p = 0, Σp = 1,
/// with one step of iterative refinement.
fn fixed_point(stroke: &Stroke, w: &DMatrix<f64>, order: &[usize]) -> Option<(DVector<f64>, f64)> {
    let d = w.nrows();
    let change = w * &stroke.integral;
    let mut a = DMatrix::<f64>::zeros(d, d);
    for (i, &src) in order.iter().enumerate() {
        for j in 0..d {
            a[(i, j)] = change[(src, j)];
        }
        a[(i, src)] += 1.0;
        a[(i, i)] -= 1.0;
    }
    normalised_null_vector(a)
}

/// The vector p with A p = 0 and Σ p = 1, for a singular A whose columns
/// sum to zero (a generator, or a stochastic cycle map minus I), so that
/// its rows are dependent: the last row is replaced by the normalisation, then one step of iterative refinement; with the
/// size of that step, a measure of the solve's error.
pub fn normalised_null_vector(mut a: DMatrix<f64>) -> Option<(DVector<f64>, f64)> {
    let d = a.nrows();
    for j in 0..d {
        a[(d - 1, j)] = 1.0;
    }
    let mut rhs = DVector::<f64>::zeros(d);
    rhs[d - 1] = 1.0;
    let lu = a.clone().lu();
    let mut p = lu.solve(&rhs)?;
    let r = &rhs - &a * &p;
    let delta = lu.solve(&r)?;
    p += &delta;
    let correction = delta.amax();
    p.iter().all(|v| v.is_finite()).then_some((p, correction))
}

/// The OSS of the cycle with generator `w` and stroke `stroke`, starting
/// the policy iteration from the order of `start` (the NESS).
pub fn solve(stroke: &Stroke, w: &DMatrix<f64>, start: &DVector<f64>) -> Option<Oss> {
    let d = w.nrows();
    let mut order = passive_order(start);
    let mut seen: Vec<Vec<usize>> = Vec::new();
    for _ in 0..(4 * d + 16) {
        let (p, correction) = fixed_point(stroke, w, &order)?;
        let q = &p + w * (&stroke.integral * &p);
        let next = passive_order(&q);
        if next == order {
            return Some(Oss {
                passive: p,
                charged: q,
                order,
                correction,
            });
        }
        if seen.contains(&next) {
            return None;
        }
        seen.push(order);
        order = next;
    }
    None
}
