//! Error bounds of the linear figures of a solved state, from the state's
//! residual and the adjoint of the system it solves.
//!
//! A state p̃ solves A p = b (the NESS: W with its last row replaced by
//! Σ p = 1; the OSS: P (I + C) − I, likewise) up to the residual
//! r = b − A p̃, so that p̃ − p = −A⁻¹ r, and a figure linear in the state,
//! f = c · p, is off by c · A⁻¹ r = g · r with Aᵀ g = c. Hence
//! |δf| ≤ |g| · |r|, with |r| bounded row by row by the residual as
//! computed plus its own rounding and the rounding of A's entries.
//!
//! Why not the size of the refinement step: that bounds |δp|, the worst
//! direction of the error, and a figure can be blind to it. Near a short
//! stroke A's small singular values (∝ τΓ) belong to states constant on
//! the cycles of the extraction's permutation, which the work
//! E · (I − P)(I + C) p barely sees, so ‖c‖ · |δp| overstated its error
//! by 1/τΓ (found: 29 of 300 random batteries at τΓ ≤ 0.1 flagged with
//! estimates of 1e-5 … 24 where a double-double reference found them
//! right to 1e-8 … 1e-12).

use nalgebra::{DMatrix, DVector};

use super::cycle::{Factors, Stroke};
use super::lu::Lu;

/// Margin on the first-order bound, for the rounding of g itself (its
/// relative error is about cond(A) ε, far below 1 wherever the figures
/// resolve) and second-order terms.
const MARGIN: f64 = 4.0;

/// The system A p = b, with b = e_{d−1}, made from `a` (whose columns sum to
/// zero) by replacing its last row with the normalisation Σ p = 1.
pub fn normalised(mut a: DMatrix<f64>) -> DMatrix<f64> {
    let d = a.nrows();
    for j in 0..d {
        a[(d - 1, j)] = 1.0;
    }
    a
}

/// A normalised system A, factored or not.
pub enum System<'a> {
    /// The LU factors of A (P A = L U), from its solve.
    Factored(&'a Factors),
    /// A itself, factored here (a state solved elsewhere: the GPU's).
    Matrix(DMatrix<f64>),
}

/// Bounds on |c · δp| for each column c of `figures`, where the state
/// solves the normalised system up to residuals bounded row by row by
/// `residual`; infinite where A is singular to f64.
pub fn figure_errors(system: System, residual: &DVector<f64>, figures: &DMatrix<f64>) -> Vec<f64> {
    let own;
    let lu = match system {
        System::Factored(lu) => lu,
        System::Matrix(a) => match Lu::new(&a) {
            Some(lu) => {
                own = lu;
                &own
            }
            None => return vec![f64::INFINITY; figures.ncols()],
        },
    };
    (0..figures.ncols())
        .map(|k| {
            // g with Aᵀ g = c.
            let g = lu.solve_transposed(figures.column(k).as_slice());
            let bound: f64 = g
                .iter()
                .zip(residual.iter())
                .map(|(g, r)| g.abs() * r)
                .sum();
            match bound.is_finite() {
                true => MARGIN * bound,
                false => f64::INFINITY,
            }
        })
        .collect()
}

/// Roundings of a residual's row, and of the rates it is formed from
/// (each a few roundings from its parameters), in ε per term (with
/// margin): 2d + 16 for a row of d terms.
fn rounding(d: usize) -> f64 {
    (2 * d + 16) as f64 * f64::EPSILON
}

/// Row bounds on the residual of the NESS `ness` of generator `w`: the
/// residual as computed, plus its rounding and that of W's entries, per
/// row against the terms |W| |p| it is summed from.
pub fn ness_residual(w: &DMatrix<f64>, ness: &DVector<f64>) -> DVector<f64> {
    let d = w.nrows();
    let rho = rounding(d);
    let computed = w * ness;
    let mut r = DVector::from_fn(d, |i, _| {
        let terms: f64 = (0..d).map(|j| w[(i, j)].abs() * ness[j].abs()).sum();
        computed[i].abs() + rho * terms
    });
    r[d - 1] = normalisation_residual(ness);
    r
}

/// A state's change over the stroke, C p, with the sizes of its terms,
/// |C| p, row by row (formed once: the work, the residual and their
/// bounds all use them).
pub struct Moved {
    pub change: DVector<f64>,
    pub size: DVector<f64>,
}

impl Moved {
    pub fn of(stroke: &Stroke, p: &DVector<f64>) -> Moved {
        let d = p.len();
        Moved {
            change: &stroke.change * p,
            size: DVector::from_fn(d, |i, _| {
                (0..d)
                    .map(|j| stroke.change[(i, j)].abs() * p[j].abs())
                    .sum()
            }),
        }
    }
}

/// Row bounds on the residual of the OSS `p` under permutation `order`:
/// row i is q_{order[i]} − p_i with q = p + C p, formed as
/// (p_{order[i]} − p_i) + (C p)_{order[i]}, whose first difference is of
/// populations that the stroke moves apart by O(τΓ) only (exact in f64
/// where they are within a factor 2), so that its rounding is of the
/// O(τΓ) terms, not of the populations; plus the stroke's own error
/// (`change_error`: relative to |C| p, and absolute).
pub fn oss_residual(
    order: &[usize],
    p: &DVector<f64>,
    moved: &Moved,
    change_error: (f64, f64),
) -> DVector<f64> {
    let d = p.len();
    let rho = rounding(d);
    let (relative, absolute) = change_error;
    let mut r = DVector::from_fn(d, |i, _| {
        let src = order[i];
        let apart = p[src] - p[i];
        let size = moved.size[src];
        (apart + moved.change[src]).abs() + rho * (apart.abs() + size) + relative * size + absolute
    });
    r[d - 1] = normalisation_residual(p);
    r
}

/// |1 − Σ p| and its rounding.
fn normalisation_residual(p: &DVector<f64>) -> f64 {
    (1.0 - p.sum()).abs() + rounding(p.len()) * p.iter().map(|v| v.abs()).sum::<f64>()
}
