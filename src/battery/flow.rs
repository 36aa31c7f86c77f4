//! The stroke's integral on a state, F p = ∫_0^τ e^{Ws} p ds, that the
//! heats are formed from (Q_k = E · W_k F p), with the error each heat
//! takes from it.
//!
//! Van Loan's strokes carry F to ε of itself, and F p is taken as it is.
//! A long stroke's F is formed from the NESS, F = τΠ + (I − e^{Wτ}) D,
//! whose deviation matrix D is of size 1/gap where the slowest mode
//! relaxes at a small gap: the rounding of e^{Wτ}, ε in any direction,
//! comes out ε/gap in F p, and a fast bath's W_k turns it into a heat
//! error of ε Γ_k/gap (found: a maser at Γ_h = 1e-9 beside Γ_c = 100
//! whose cold heat came out +1.5e-7 where it is −3.8e-8, flagged; and 21
//! points of a Γ_h × Γ_c grid flagged with estimates up to 0.4 where the
//! heats were right to 1e-7).
//!
//! So on the state itself: F p = τπ (Σ p) + y, with y the transient part,
//! (I − e^{Wτ}) D p = −D C p, which for a change C p (summing to 0) is the
//! solution of W y = C p with Σ y = 0 (as D x = (Π − W)⁻¹ x there). It
//! comes from the NESS's own system, and a heat's error through it is the
//! adjoint's g · r (battery::sensitivity), with g the bath's weights on
//! the flow solved against the system: along a slow mode that a fast bath
//! keeps in its own equilibrium, W_k barely sees the mode, g is of size 1,
//! not 1/gap, and the bound follows the true error rather than ‖D‖.

use nalgebra::{DMatrix, DVector};

use super::lu::Lu;
use super::scene::{Cycle, Scene};
use super::sensitivity::{figure_errors, ness_residual, normalised, rounding, Residual, System};
use super::stroke::Stroke;

/// F p on the state of a running `cycle`, with each heat's error
/// (`weights`: column k is bath k's heat per unit of flow into each
/// level): through the system of the NESS `ness` where the stroke was
/// formed from it, with the NESS's `factors` where it was solved here
/// (else factored here); Van Loan's F as it is.
pub fn heat_flow(
    scene: &Scene,
    cycle: &Cycle,
    (ness, factors): (&DVector<f64>, Option<&Lu>),
    currentless: bool,
    weights: &DMatrix<f64>,
) -> (DVector<f64>, Vec<f64>) {
    let (stroke, p, change) = (cycle.stroke, cycle.p, &cycle.moved.change);
    let own_factors;
    let factors = match factors {
        Some(lu) => Some(lu),
        None if stroke.transient.is_some() => {
            own_factors = Lu::new(&normalised(scene.w.clone()));
            own_factors.as_ref()
        }
        None => None,
    };
    let system = factors.map(|lu| NessSystem {
        w: scene.w,
        ness,
        lu,
        tau: scene.tau,
    });
    let flow = StrokeFlow::new(stroke, system.as_ref(), p, change, currentless);
    let (relative, absolute) = cycle.change_error;
    let change_error = cycle.moved.size.map(|s| relative * s + absolute);
    let errors = flow.errors(
        stroke,
        system.as_ref(),
        p,
        change,
        &change_error,
        currentless,
        weights,
        &|x| scene.blur(x),
    );
    (flow.flow, errors)
}

/// F p on a state, and where it came through the NESS's system, the
/// transient part y that its errors are bounded from.
pub struct StrokeFlow {
    pub flow: DVector<f64>,
    transient: Option<DVector<f64>>,
}

/// What the NESS-form flow is solved against: the generator, its NESS,
/// the normalised NESS system's factors, the stroke's length.
pub struct NessSystem<'a> {
    pub w: &'a DMatrix<f64>,
    pub ness: &'a DVector<f64>,
    pub lu: &'a Lu,
    pub tau: f64,
}

impl StrokeFlow {
    /// F p for the state `p`, whose change over the stroke is `change`
    /// (C p): Van Loan's F p as it is; a long stroke's through `system`
    /// where there is one (else its F, or F's transient part, with their
    /// normwise error). `currentless`: no bath carries a current at the
    /// NESS (E · W_k π = 0 by structure), so the τπ part is left out; its
    /// heats are the same in exact arithmetic, without τ times the
    /// rounding of a zero current.
    pub fn new(
        stroke: &Stroke,
        system: Option<&NessSystem>,
        p: &DVector<f64>,
        change: &DVector<f64>,
        currentless: bool,
    ) -> StrokeFlow {
        let (Some(system), Some(_)) = (system, &stroke.transient) else {
            return StrokeFlow {
                flow: stroke.heat_integral(currentless).0 * p,
                transient: None,
            };
        };
        let y = transient(system.w, system.lu, change);
        let flow = match currentless {
            true => y.clone(),
            false => system.ness * (system.tau * p.sum()) + &y,
        };
        StrokeFlow {
            flow,
            transient: Some(y),
        }
    }

    /// Per bath k (`weights`: column k is v_k, the bath's heat per unit of
    /// flow into each level), a bound on |v_k · δ(F p)| beyond the
    /// roundings of the sums the heat is formed from; `change_error`: row
    /// bounds on C p's own error; `blur`: the rates' uncertainty as it
    /// moves a flow, row by row.
    #[allow(clippy::too_many_arguments)]
    pub fn errors(
        &self,
        stroke: &Stroke,
        system: Option<&NessSystem>,
        p: &DVector<f64>,
        change: &DVector<f64>,
        change_error: &DVector<f64>,
        currentless: bool,
        weights: &DMatrix<f64>,
        blur: &dyn Fn(&DVector<f64>) -> DVector<f64>,
    ) -> Vec<f64> {
        let (Some(y), Some(system)) = (&self.transient, system) else {
            let error = stroke.heat_integral(currentless).1;
            return weights
                .column_iter()
                .map(|v| v.abs().sum() * error)
                .collect();
        };
        let NessSystem { w, ness, lu, tau } = *system;
        let d = p.len();
        let rho = rounding(d);
        let computed = w * y - change;
        let blurred = blur(y);
        let residual = Residual {
            rows: DVector::from_fn(d, |i, _| {
                let terms: f64 = (0..d).map(|j| w[(i, j)].abs() * y[j].abs()).sum();
                computed[i].abs() + rho * (terms + change[i].abs()) + change_error[i] + blurred[i]
            }),
            normalisation: y.sum().abs() + rho * y.iter().map(|v| v.abs()).sum::<f64>(),
        };
        let mut errors = figure_errors(System::Factored(lu), &residual, weights);
        if !currentless {
            // τ (Σ p) π: the NESS's own error, through each bath's current
            // at it.
            let at_ness = figure_errors(
                System::Factored(lu),
                &ness_residual(w, ness).widened(&blur(ness)),
                weights,
            );
            for (e, n) in errors.iter_mut().zip(&at_ness) {
                *e += tau * p.sum().abs() * n;
            }
        }
        errors
    }
}

/// y with W y = x and Σ y = 0, for x summing to 0: from the normalised
/// system's factors (its last row Σ y, right-hand side 0), refined twice
/// against all d rows of W y = x.
pub fn transient(w: &DMatrix<f64>, lu: &Lu, x: &DVector<f64>) -> DVector<f64> {
    let d = x.len();
    let rhs = |r: DVector<f64>, y: &DVector<f64>| {
        let mut b = r;
        b[d - 1] = -y.sum();
        b
    };
    let mut y = lu.solve(rhs(x.clone(), &DVector::zeros(d)).as_slice());
    for _ in 0..2 {
        let r = rhs(x - w * &y, &y);
        y += lu.solve(r.as_slice());
    }
    y
}
