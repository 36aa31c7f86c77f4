//! Steady states: the NESS of the charging generator, and the fixed point of
//! a linear cycle map.

use crate::error::{Error, Result};
use crate::oracle::engine::{diag_index, Engine};
use crate::oracle::propagate::Propagator;
use crate::oracle::{CMat, CVec, C64};

/// Solves M x = 0 with Tr x = 1, where M preserves trace (tᵀM = 0).
///
/// Row 0 of M is the gg population equation; because the diagonal rows of a
/// trace-preserving M sum to zero, it is redundant and is replaced by the
/// trace condition.
fn null_vector(engine: &Engine, m: &CMat) -> Result<CVec> {
    let mut b = CVec::zeros(m.nrows());
    b[0] = C64::new(1.0, 0.0);
    trace_solve(engine, m, b)
}

/// Solves M x = b with row 0 of M replaced by the trace functional.
fn trace_solve(engine: &Engine, m: &CMat, mut b: CVec) -> Result<CVec> {
    let mut a = m.clone();
    for (j, t) in engine.trace.iter().enumerate() {
        a[(0, j)] = *t;
    }
    // Row equilibration: the trace row is O(1), the generator rows O(Γτ).
    for r in 0..a.nrows() {
        let s = a.row(r).iter().fold(0.0f64, |s, v| s.max(v.norm()));
        if s > 0.0 {
            a.row_mut(r).scale_mut(1.0 / s);
            b[r] /= s;
        }
    }
    // Singular only where the input leaves a level disconnected (a bath
    // switched off): the user's to change, so a one-line refusal (exit 2).
    let x = a.lu().solve(&b).ok_or_else(|| {
        Error::Conflict(
            "no unique steady state: a level is disconnected because a bath's rates vanish; accepted: gamma > 0 (or nonzero explicit rates) for both baths"
                .into(),
        )
    })?;
    if x.iter().all(|v| v.re.is_finite() && v.im.is_finite()) {
        Ok(x)
    } else {
        Err(Error::Numerical(
            "steady-state solve gave a non-finite state".into(),
        ))
    }
}

/// ρ_NESS: G ρ = 0.
pub fn ness(engine: &Engine) -> Result<CVec> {
    null_vector(engine, &engine.generator)
}

/// Fixed point of the linear cycle map C = X Φ (charge, then apply the
/// extraction map X): C x = x.
///
/// C − I is assembled as (X − I) + X (Φ − I) with the cancellation-free
/// Φ − I, so the solve keeps its relative precision at short τ.
///
/// At short τ the solve is conditioned ~1/(τΣΓ): forming M rounds the
/// O(Γτ) part X(Φ − I) into the O(1) part X − I. Three steps of iterative
/// refinement recover it, with a residual that never forms M:
/// ((X − I)x)_k = Σ_j X_kj (x_j − x_k) + (Σ_j X_kj − 1) x_k over the
/// populations, whose differences of close populations are exact.
pub fn fixed_point(engine: &Engine, extraction: &CMat, prop: &Propagator) -> Result<CVec> {
    let n = extraction.nrows();
    let m = (extraction - CMat::identity(n, n)) + extraction * &prop.phi_minus_identity;
    let mut x = null_vector(engine, &m)?;
    let pops: Vec<usize> = (0..4).map(|i| diag_index(engine.kind, i)).collect();
    for _ in 0..3 {
        let xdx = extraction * (&prop.phi_minus_identity * &x);
        let mut r = CVec::zeros(n);
        for k in 0..n {
            let mut acc = xdx[k];
            if pops.contains(&k) {
                let mut row_sum = C64::new(0.0, 0.0);
                for j in 0..n {
                    if pops.contains(&j) {
                        acc += extraction[(k, j)] * (x[j] - x[k]);
                        row_sum += extraction[(k, j)];
                    } else {
                        acc += extraction[(k, j)] * x[j];
                    }
                }
                acc += (row_sum - C64::new(1.0, 0.0)) * x[k];
            } else {
                for j in 0..n {
                    acc += extraction[(k, j)] * x[j];
                }
                acc -= x[k];
            }
            r[k] = -acc;
        }
        r[0] = C64::new(1.0, 0.0) - Engine::observe(&engine.trace, &x) * C64::new(1.0, 0.0);
        x += trace_solve(engine, &m, r)?;
    }
    Ok(x)
}
