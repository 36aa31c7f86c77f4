//! The operational steady state (OSS): the fixed point of the cycle map of
//! Eq. 4, by a direct solve or by iterating cycles.
//!
//! For a fixed extraction unitary U the cycle map x ↦ U Φ(x) U† is linear,
//! so its fixed point is one linear solve. For the optimal protocol U
//! depends on the charged state; we solve for a trial U, recompute the
//! optimal U at the solution, and repeat until the solution is
//! self-consistent (its charged state's passive state is the solution
//! itself). In population space this is Newton's method on the piecewise
//! linear map p ↦ sort(Φp), so it settles in a few steps instead of the
//! O(1/(Γτ)) cycles that iteration needs. If it does not settle, we fall
//! back to iteration and say so.

use crate::error::Result;
use crate::model::Protocol;
use crate::oracle::engine::Engine;
use crate::oracle::extract::extract;
use crate::oracle::propagate::Propagator;
use crate::oracle::steady::{fixed_point, ness};
use crate::oracle::CVec;

/// Knobs of the OSS search.
#[derive(Debug, Clone, Copy)]
pub struct OssOptions {
    /// Trial unitaries tried by the direct solve before falling back.
    pub max_policy_steps: usize,
    /// Cycles allowed to the iteration.
    pub max_cycles: u64,
    /// Iteration stops when the estimated distance to the fixed point
    /// (max-norm of the state) is below this.
    pub iteration_tolerance: f64,
    /// Solve directly (true) or only iterate (false).
    pub direct: bool,
}

impl Default for OssOptions {
    fn default() -> Self {
        OssOptions {
            max_policy_steps: 32,
            max_cycles: 10_000_000,
            iteration_tolerance: 1e-11,
            direct: true,
        }
    }
}

/// The OSS and how it was found.
#[derive(Debug, Clone)]
pub struct Oss {
    /// ρ_OSS: the state at the start of the charging stroke.
    pub start: CVec,
    /// ρ_OSS(τ): the charged state before extraction.
    pub charged: CVec,
    /// Cycles iterated; 0 when solved directly.
    pub cycles: u64,
    pub converged: bool,
    /// How far the state is from self-consistency (max-norm): Newton's
    /// last residual, or iteration's estimated distance left. It enters the
    /// point's error estimate, so that a stalled solve is flagged, not
    /// trusted.
    pub residual: f64,
    /// The last solve's extraction map is the one its solution calls for:
    /// the state is the exact fixed point of a linear map.
    pub same_map: bool,
}

fn max_abs_diff(a: &CVec, b: &CVec) -> f64 {
    a.iter()
        .zip(b.iter())
        .map(|(x, y)| (x - y).norm())
        .fold(0.0, f64::max)
}

/// Finds the OSS, directly where possible.
pub fn solve(
    engine: &Engine,
    prop: &Propagator,
    protocol: Protocol,
    opts: &OssOptions,
) -> Result<Oss> {
    let rho_ness = ness(engine)?;
    if opts.direct {
        // Φ(ρ_NESS) = ρ_NESS, so the first trial unitary is that of the NESS.
        let mut charged = rho_ness.clone();
        let mut prev_residual = f64::INFINITY;
        for _ in 0..opts.max_policy_steps.max(1) {
            let trial = extract(engine, &charged, protocol);
            let start = fixed_point(engine, &trial.map, prop)?;
            let next = prop.apply(&start);
            let refreshed = extract(engine, &next, protocol);
            let same_map = refreshed.map == trial.map;
            let consistent = refreshed.after;
            // The solve is backward stable, so a self-consistent unitary
            // leaves a residual of rounding size; a wrong one leaves the
            // population inversion it misses, and Newton's residual shrinks
            // quadratically until it stalls at the accuracy of Φ (~1e-13
            // for ‖G‖τ ~ 1e3). Stalling below 1e-8 counts as converged.
            let residual = max_abs_diff(&consistent, &start);
            let stalled = residual >= 0.5 * prev_residual && residual <= 1e-8;
            if residual <= 1e-13 || stalled {
                return Ok(Oss {
                    start,
                    charged: next,
                    cycles: 0,
                    converged: true,
                    residual,
                    same_map,
                });
            }
            prev_residual = residual;
            charged = next;
        }
    }
    iterate(engine, prop, protocol, rho_ness, opts, |_, _| {})
}

/// Iterates the cycle map from a charged state (ρ_NESS for Fig. 4b),
/// reporting the work extracted in every cycle to `on_cycle(n, work)`.
pub fn iterate(
    engine: &Engine,
    prop: &Propagator,
    protocol: Protocol,
    charged0: CVec,
    opts: &OssOptions,
    mut on_cycle: impl FnMut(u64, f64),
) -> Result<Oss> {
    let mut charged = charged0;
    let mut prev_delta = f64::INFINITY;
    for n in 1..=opts.max_cycles {
        let ext = extract(engine, &charged, protocol);
        on_cycle(n, ext.work);
        let mut next = prop.apply(&ext.after);
        // Φ preserves the trace only to rounding; over 10^5 cycles that
        // drift would add up, so restore it (exact for the true Φ).
        let tr = Engine::observe(&engine.trace, &next);
        next /= num_complex::Complex64::new(tr, 0.0);
        let delta = max_abs_diff(&next, &charged);
        // Geometric tail: the distance left is about δ·q/(1 − q), q = δ/δ_prev.
        let q = delta / prev_delta;
        let remaining = if q < 1.0 {
            delta * q / (1.0 - q)
        } else {
            f64::INFINITY
        };
        let done = delta <= 1e-15 || (n >= 3 && remaining <= opts.iteration_tolerance);
        if done {
            return Ok(Oss {
                start: ext.after,
                charged: next,
                cycles: n,
                converged: true,
                residual: remaining.min(delta),
                same_map: false,
            });
        }
        prev_delta = delta;
        charged = next;
    }
    let ext = extract(engine, &charged, protocol);
    Ok(Oss {
        start: ext.after,
        charged,
        cycles: opts.max_cycles,
        converged: false,
        residual: f64::INFINITY,
        same_map: false,
    })
}
