//! Steady states: the NESS of the charging generator, and the fixed point of
//! a linear cycle map.

use super::engine::Engine;
use super::propagate::Propagator;
use super::{CMat, CVec, C64};
use crate::error::{NessError, Result};

/// Solves M x = 0 with Tr x = 1, where M preserves trace (tᵀM = 0).
///
/// Row 0 of M is the gg population equation; because the diagonal rows of a
/// trace-preserving M sum to zero, it is redundant and is replaced by the
/// trace condition.
fn null_vector(engine: &Engine, m: &CMat) -> Result<CVec> {
    let mut a = m.clone();
    for (j, t) in engine.trace.iter().enumerate() {
        a[(0, j)] = *t;
    }
    let mut b = CVec::zeros(a.nrows());
    b[0] = C64::new(1.0, 0.0);
    // Row equilibration: the trace row is O(1), the generator rows O(Γτ).
    for r in 0..a.nrows() {
        let s = a.row(r).iter().fold(0.0f64, |s, v| s.max(v.norm()));
        if s > 0.0 {
            a.row_mut(r).scale_mut(1.0 / s);
            b[r] /= s;
        }
    }
    let x = a.lu().solve(&b).ok_or_else(|| {
        NessError::Numerical(
            "no unique steady state: a level is disconnected (check that the bath rates do not vanish)"
                .into(),
        )
    })?;
    if x.iter().all(|v| v.re.is_finite() && v.im.is_finite()) {
        Ok(x)
    } else {
        Err(NessError::Numerical(
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
pub fn fixed_point(engine: &Engine, extraction: &CMat, prop: &Propagator) -> Result<CVec> {
    let n = extraction.nrows();
    let m = (extraction - CMat::identity(n, n)) + extraction * &prop.phi_minus_identity;
    null_vector(engine, &m)
}
