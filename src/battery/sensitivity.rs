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
//! The rows' residuals are not independent: the true generator's columns
//! sum to zero (and so do the true stroke's change C's), so the residual
//! of the whole unnormalised system, all d rows, sums to zero, whatever
//! the state. Over residuals |r_i| ≤ R_i with Σ r_i = 0, the largest
//! g′ · r is min_κ Σ |g′_i − κ| R_i (g′ = g on the rows A keeps, 0 on the
//! one the normalisation replaced; κ a weighted median), which is far
//! below Σ |g_i| R_i where g is nearly constant, as it is along
//! probability's conservation (found: a Gibbs state's capacity at T = 30
//! bounded at 2e-10 against rounding of 1e-14, from |g| ≈ 33 on the fast
//! rows whose residuals cancel).
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

use super::cycle::Factors;
use super::lu::Lu;
use super::stroke::Stroke;

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

/// The NESS's normalised system for generator `w`: its `factors` where
/// the NESS was solved here, else W itself (a NESS the GPU solved).
pub fn ness_system<'a>(w: &DMatrix<f64>, factors: Option<&'a Factors>) -> System<'a> {
    match factors {
        Some(lu) => System::Factored(lu),
        None => System::Matrix(normalised(w.clone())),
    }
}

/// Bounds on the residual of a state: row by row over all d rows of the
/// unnormalised system (whose true residual sums to zero), and of its
/// normalisation Σ p = 1.
pub struct Residual {
    pub rows: DVector<f64>,
    pub normalisation: f64,
}

impl Residual {
    /// The bounds widened row by row by `extra` (the rates' own
    /// uncertainty acting on the state, which conserves probability too).
    pub fn widened(mut self, extra: &DVector<f64>) -> Residual {
        self.rows += extra;
        self
    }
}

/// Bounds on |c · δp| for each column c of `figures`, where the state
/// solves the normalised system up to a residual bounded by `residual`;
/// infinite where A is singular to f64.
pub fn figure_errors(system: System, residual: &Residual, figures: &DMatrix<f64>) -> Vec<f64> {
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
    let d = residual.rows.len();
    (0..figures.ncols())
        .map(|k| {
            // g with Aᵀ g = c; g′ = g on the rows A keeps, 0 on the last.
            let mut g = lu.solve_transposed(figures.column(k).as_slice());
            let on_norm = g[d - 1];
            g[d - 1] = 0.0;
            let bound =
                conserved(g.as_slice(), &residual.rows) + on_norm.abs() * residual.normalisation;
            match bound.is_finite() {
                true => MARGIN * bound,
                false => f64::INFINITY,
            }
        })
        .collect()
}

/// max g · r over |r_i| ≤ bound_i with Σ r_i = 0: min over κ of
/// Σ |g_i − κ| bound_i, at a weighted median κ of g (ties to the lower
/// index: deterministic).
fn conserved(g: &[f64], bound: &DVector<f64>) -> f64 {
    let mut by_value: Vec<usize> = (0..g.len()).collect();
    by_value.sort_by(|&i, &j| g[i].total_cmp(&g[j]).then(i.cmp(&j)));
    let total: f64 = bound.iter().sum();
    let mut below = 0.0;
    let mut kappa = g[by_value[0]];
    for &i in &by_value {
        below += bound[i];
        kappa = g[i];
        if 2.0 * below >= total {
            break;
        }
    }
    g.iter()
        .zip(bound.iter())
        .map(|(g, b)| (g - kappa).abs() * b)
        .sum()
}

/// Roundings of a residual's row, and of the rates it is formed from
/// (each a few roundings from its parameters), in ε per term (with
/// margin): 2d + 16 for a row of d terms.
pub fn rounding(d: usize) -> f64 {
    (2 * d + 16) as f64 * f64::EPSILON
}

/// Row bounds on the residual of the NESS `ness` of generator `w`: the
/// residual as computed, plus its rounding and that of W's entries, per
/// row against the terms |W| |p| it is summed from.
pub fn ness_residual(w: &DMatrix<f64>, ness: &DVector<f64>) -> Residual {
    let d = w.nrows();
    let rho = rounding(d);
    let computed = w * ness;
    Residual {
        rows: DVector::from_fn(d, |i, _| {
            let terms: f64 = (0..d).map(|j| w[(i, j)].abs() * ness[j].abs()).sum();
            computed[i].abs() + rho * terms
        }),
        normalisation: normalisation_residual(ness),
    }
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
/// row i is `q_{order[i]} − p_i` with q = p + C p, formed as
/// `(p_{order[i]} − p_i) + (C p)_{order[i]}`, whose first difference is of
/// populations that the stroke moves apart by O(τΓ) only (exact in f64
/// where they are within a factor 2), so that its rounding is of the
/// O(τΓ) terms, not of the populations; plus the stroke's own error
/// (`change_error`: relative to |C| p, and absolute).
pub fn oss_residual(
    order: &[usize],
    p: &DVector<f64>,
    moved: &Moved,
    change_error: (f64, f64),
) -> Residual {
    let d = p.len();
    let rho = rounding(d);
    let (relative, absolute) = change_error;
    Residual {
        rows: DVector::from_fn(d, |i, _| {
            let src = order[i];
            let apart = p[src] - p[i];
            let size = moved.size[src];
            (apart + moved.change[src]).abs()
                + rho * (apart.abs() + size)
                + relative * size
                + absolute
        }),
        normalisation: normalisation_residual(p),
    }
}

/// |1 − Σ p| and its rounding.
fn normalisation_residual(p: &DVector<f64>) -> f64 {
    (1.0 - p.sum()).abs() + rounding(p.len()) * p.iter().map(|v| v.abs()).sum::<f64>()
}
