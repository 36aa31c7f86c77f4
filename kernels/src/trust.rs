//! The trust contract for one point: exact zeros, the heat ledger, and the
//! point's own error estimate.
//!
//! Every backend (the f64 oracle behind `nessbat point`, the CPU twins, and
//! `settle` in shaders/common/trust.wgsl) turns its raw cycle figures into
//! reported ones through these rules, so that a number is either within the
//! stated tolerance of the exact value or flagged:
//!
//! - A heat within its rounding noise of zero is zero. Where every heat is
//!   zero, nothing runs: the ergotropy is zero and the efficiency undefined.
//! - A passive charged state (the optimal permutation is the identity and
//!   there is no coherence to rotate away) has ergotropy exactly 0, and its
//!   OSS is the NESS. Where rounding decides the order of two populations
//!   within the noise of each other, either verdict moves the ergotropy by
//!   less than its noise.
//! - An ergotropy within its noise of zero while heat flows cannot be told
//!   from zero: it is reported as 0, never negative, with an infinite error
//!   estimate (status imprecise).
//! - efficiency = ergotropy / heat_in, heat_in the sum of the positive
//!   heats over all channels (≤ 1 by the first law); NaN where heat_in = 0.
//! - entropy_production = −Σ_k Q_k/T_k over the thermal baths (dephasing is
//!   an infinite-temperature channel and adds nothing); NaN otherwise.
//!
//! The noise of a figure is NOISE_FACTOR·ε times the size of the terms it
//! is computed from: for the ergotropy r(|Δ_A| + |Δ_S|) + r·min(1, ΣΓτ)
//! (plus ω0 Σ n|Δ| where the unitary changes the excitation number), for
//! the heat of channel k ω0 Γ_k τ (with HEAT_NOISE_FACTOR, Γ_k the sum of
//! that channel's rates), where Δ is the population change over the stroke
//! and r the doublet's half splitting (from the parameters, never from
//! rounded energies). The entropy production carries its heats' noise
//! through β_A, β_S. The error estimate is the largest relative error of
//! any reported figure (noise over value): the ergotropy and power, the
//! efficiency (the ergotropy's plus heat_in's), every heat, heat_in and the
//! entropy production, so that status ok vouches for each of them. A zero
//! whose formula has no rounded term (the work where r = 0 and the unitary
//! keeps the excitation number: a degenerate doublet) is exact.

pub use crate::calibration::{
    COARSE_CONDITIONING, COARSE_SPLITTING, HEAT_NOISE_FACTOR, HEAT_NOISE_FACTOR_COARSE,
    NOISE_FACTOR, NOISE_FACTOR_COARSE, NOISE_FACTOR_COARSE_COHERENT, TOLERANCE_F32, TOLERANCE_F64,
};
use crate::real::{c, Mask, Real};

/// What a point's numbers can be trusted for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PointStatus {
    /// Every figure within the tolerance of its exact value.
    Ok,
    /// The OSS was found, but some figure cannot be resolved to the
    /// tolerance at this precision.
    Imprecise,
    /// Iteration hit its cycle limit.
    NotConverged,
}

impl PointStatus {
    pub fn name(self) -> &'static str {
        match self {
            PointStatus::Ok => "ok",
            PointStatus::Imprecise => "imprecise",
            PointStatus::NotConverged => "not_converged",
        }
    }
}

/// The raw figures of one cycle at the OSS, as a backend computed them
/// (for one point, or for a lane of points of one sweep).
#[derive(Debug, Clone, Copy)]
pub struct RawCycle<T: Real = f64> {
    pub work: T,
    pub heat_a: T,
    pub heat_s: T,
    pub heat_dephasing: T,
    /// Absolute rounding noise of `work` and of each heat (A, S,
    /// dephasing; [`heat_noise`] of each channel's rate).
    pub work_noise: T,
    pub heat_noise: [T; 3],
    /// The extraction left the charged state as it was (optimal protocol:
    /// the identity permutation, no coherence to rotate away), certainly.
    pub passive: T::Mask,
    /// The optimal protocol, whose work is an ergotropy and so never
    /// negative (a fixed gate may cost work).
    pub optimal: bool,
    /// The state carries coherences (the density-matrix model), so a
    /// passive verdict also says that none are left to rotate away.
    pub coherent: bool,
    /// Relative distance of the state from self-consistency
    /// ([`consistency`]).
    pub consistency: T,
    /// The precision's own floor on a running point's relative error
    /// ([`coarse_floor`]; 0 in f64).
    pub floor: T,
    /// (1/T_A, 1/T_S) when both baths are thermal.
    pub betas: Option<(T, T)>,
    /// The unit roundoff of the arithmetic the figures were computed in.
    pub eps: f64,
}

/// The reported figures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ledger<T = f64> {
    pub work: T,
    pub heat_a: T,
    pub heat_s: T,
    pub heat_dephasing: T,
    pub heat_in: T,
    pub efficiency: T,
    pub entropy_production: T,
    /// Estimated relative error of the worst reported figure (ergotropy,
    /// power, efficiency, each heat, heat_in, entropy production); 0 for
    /// exact zeros, infinite where the ergotropy is unresolved.
    pub error_estimate: T,
}

#[inline(always)]
fn snap<T: Real>(q: T, noise: T) -> T {
    T::select(q.abs().le(noise), c(0.0), q)
}

/// Relative error of a reported figure `q` with absolute noise `noise`:
/// 0 for an exact zero.
#[inline(always)]
fn relative<T: Real>(q: T, noise: T) -> T {
    T::select(q.eq(c(0.0)), c(0.0), noise / q.abs())
}

/// Applies the rules of this module. The cases are selects, not branches,
/// so that SIMD lanes settle each point by the same rules; later selects
/// take precedence, as earlier `if`s would.
#[inline(always)]
pub fn settle<T: Real>(raw: &RawCycle<T>) -> Ledger<T> {
    let (zero, inf) = (c::<T>(0.0), c::<T>(f64::INFINITY));
    let [noise_a, noise_s, noise_d] = raw.heat_noise;
    let heat_a = snap(raw.heat_a, noise_a);
    let heat_s = snap(raw.heat_s, noise_s);
    let heat_dephasing = snap(raw.heat_dephasing, noise_d);
    let nothing_runs = heat_a.eq(zero) & heat_s.eq(zero) & heat_dephasing.eq(zero);
    let mut work = raw.work;
    let mut work_error = raw.work_noise / raw.work.abs();
    // A negative ergotropy beyond its noise: the state is off.
    let negative = <T::Mask as Mask>::splat(raw.optimal) & raw.work.lt(zero);
    work = T::select(negative, zero, work);
    work_error = T::select(negative, inf, work_error);
    let unresolved = raw.work.abs().le(raw.work_noise);
    work = T::select(unresolved, zero, work);
    // A work of 0 with no noise at all is exact by structure (r = 0 and
    // the unitary keeps n: nothing but degenerate levels to permute).
    let exact = raw.work_noise.eq(zero);
    work_error = T::select(
        unresolved,
        T::select(nothing_runs | exact, zero, inf),
        work_error,
    );
    // Where nothing runs, the first law bounds the work by the heats'
    // noise: it is an exact zero as they are.
    work = T::select(nothing_runs, zero, work);
    work_error = T::select(nothing_runs, zero, work_error);
    work = T::select(raw.passive, zero, work);
    // Coarser than f64, a passive verdict on a coherent state while heat
    // flows is not certain (an ergotropy from coherences below f32's
    // resolution was found at 16× its noise): such a point is recomputed
    // in f64. Populations alone are ordered with a margin
    // (`passive_certain`), so their verdict stands.
    let coarse_passive =
        raw.passive & <T::Mask as Mask>::splat(raw.coherent && raw.eps > f64::EPSILON);
    work_error = T::select(
        raw.passive,
        T::select(coarse_passive & !nothing_runs, inf, zero),
        work_error,
    );
    let heat_in = heat_a.max(zero) + heat_s.max(zero) + heat_dephasing.max(zero);
    let runs = heat_in.gt(zero);
    let efficiency = T::select(runs, work / heat_in, c(f64::NAN));
    // Each heat's own relative error; heat_in, a sum of positive heats, is
    // no worse than the worst of them. A heat of 0 from a channel that
    // exchanges heat (its noise is not 0), while another heat flows, is
    // not an exact zero but one below its channel's noise (a weak current
    // through a strong bath), whether snapped or cancelled to 0.0:
    // unresolved (found: f32 gave heat_a = 0 at status ok for an exact
    // 0.046).
    let lost = |q: T, noise: T| q.eq(zero) & noise.gt(zero);
    let heat_lost = (lost(heat_a, noise_a) | lost(heat_s, noise_s) | lost(heat_dephasing, noise_d))
        & !nothing_runs;
    let heat_error = T::select(
        heat_lost,
        inf,
        relative(heat_a, noise_a)
            .max(relative(heat_s, noise_s))
            .max(relative(heat_dephasing, noise_d)),
    );
    let heat_in_error = T::select(
        runs,
        (T::select(heat_a.gt(zero), noise_a, zero)
            + T::select(heat_s.gt(zero), noise_s, zero)
            + T::select(heat_dephasing.gt(zero), noise_d, zero))
            / heat_in,
        zero,
    );
    let (entropy_production, entropy_error) = match raw.betas {
        // σ = −β_A Q_A − β_S Q_S with Q_S = W − Q_A − Q_d (the first law):
        // (β_S − β_A) Q_A − β_S (W − Q_d). Near T_A = T_S the direct sum
        // cancels two heats of size Γτω0 down to σ, each with its noise;
        // this form carries only the small terms' noise (the heats' cancel
        // exactly in the first law). Where nothing runs every term is an
        // exact zero, and so is σ (0 − 0: +0).
        Some((ba, bs)) => {
            let work_noise = T::select(nothing_runs | raw.passive, zero, raw.work_noise);
            let sigma = (bs - ba) * heat_a - bs * (work - heat_dephasing);
            let sigma = zero + sigma;
            let noise = (bs - ba).abs() * T::select(heat_a.eq(zero), zero, noise_a)
                + bs * (work_noise + T::select(heat_dephasing.eq(zero), zero, noise_d))
                + c::<T>(4.0 * raw.eps)
                    * (ba + bs)
                    * (heat_a.abs() + work.abs() + heat_dephasing.abs());
            (sigma, relative(sigma, noise))
        }
        None => (c(f64::NAN), zero),
    };
    // The efficiency's relative error is the ergotropy's plus heat_in's.
    let error = (work_error + heat_in_error)
        .max(heat_error)
        .max(entropy_error);
    // In a precision coarser than f64, "nothing runs" where some channel
    // exchanges heat (its noise is not 0) cannot be told from a weak
    // engine, whether the heats were snapped or came out 0.0 (found: f32
    // gave exact zeros for a fixed gate's cost of 2e-8 at T_A = T_S):
    // unresolved, so that the point is recomputed in f64, which then says
    // whether anything runs.
    let snapped = noise_a.gt(zero) | noise_s.gt(zero) | noise_d.gt(zero);
    let coarse = <T::Mask as Mask>::splat(raw.eps > f64::EPSILON);
    let error = T::select(nothing_runs & snapped & coarse, inf, error);
    Ledger {
        work,
        heat_a,
        heat_s,
        heat_dephasing,
        heat_in,
        efficiency,
        entropy_production,
        error_estimate: {
            // A passive state is its own OSS (the NESS): the OSS solve's
            // self-consistency does not enter. Coarser than f64 the NESS's
            // own solve is no better than the OSS's at short strokes (an
            // f32 NESS was found 1 % off at ΣΓτ ~ 1e-6): that is in the
            // floor, and a coherent passive verdict is recomputed anyway.
            let estimate = T::select(
                nothing_runs | raw.passive,
                error,
                error.max(raw.consistency),
            );
            let estimate = T::select(nothing_runs, estimate, estimate.max(raw.floor));
            // A figure that overflowed (strokes or temperatures far beyond
            // the rates' scale) is never reported at status ok.
            let finite = raw.work.is_finite()
                & raw.heat_a.is_finite()
                & raw.heat_s.is_finite()
                & raw.heat_dephasing.is_finite()
                & estimate.eq(estimate)
                & raw.consistency.eq(raw.consistency);
            T::select(finite, estimate, inf)
        },
    }
}

/// Status of a converged point at relative tolerance `tol`.
pub fn status(ledger: &Ledger, converged: bool, tol: f64) -> PointStatus {
    if !converged {
        PointStatus::NotConverged
    } else if ledger.error_estimate > tol {
        PointStatus::Imprecise
    } else {
        PointStatus::Ok
    }
}

/// Noise of the work: NOISE_FACTOR·ε times r(|Δ_A| + |Δ_S|) + r·min(1, ΣΓτ),
/// plus ω0(|Δ_S| + |Δ_A| + 2|Δ_ee| + min(1, ΣΓτ)) where the unitary changes
/// n; Δ is the
/// population change over the stroke in level order.
#[inline(always)]
pub fn work_noise<T: Real>(
    eps: f64,
    omega0: T,
    r: T,
    total_rate_tau: T,
    delta: &[T; 4],
    keeps_n: T::Mask,
    factor: f64,
) -> T {
    // The state's own rounding, ε·min(1, ΣΓτ) through Φ − I, which a small
    // Δ (two nearly tied populations swapped every cycle) does not scale
    // down. Coarser than f64 the propagator's rounding grows with its
    // squarings, ~log2(ΣΓτ) (found: f32's work 4.6 roundings off at
    // ΣΓτ ~ 1e8, T_A = 31.6, T_S = 10, where the NESS's ergotropy, which no
    // propagator enters, was within 2): ½·log2(ΣΓτ), at least 1. f64's
    // NOISE_FACTOR covers it.
    let mut state = total_rate_tau.min(c(1.0));
    if eps > f64::EPSILON {
        state = state * squarings(total_rate_tau);
    }
    // Where the unitary changes n, the ω0 part carries the same floor.
    let n_part = T::select(
        keeps_n,
        c(0.0),
        omega0 * (delta[1].abs() + delta[2].abs() + c::<T>(2.0) * delta[3].abs() + state),
    );
    c::<T>(factor) * c(eps) * (r * (delta[1].abs() + delta[2].abs()) + r * state + n_part)
}

/// ½·log2(ΣΓτ), at least 1, lane by lane ([`work_noise`]).
fn squarings<T: Real>(total_rate_tau: T) -> T {
    let mut v = [0.0; 16];
    total_rate_tau.store(&mut v);
    for x in &mut v[..T::LANES] {
        *x = (0.5 * x.max(1.0).log2()).max(1.0);
    }
    T::from_lanes(&v[..T::LANES])
}

/// The cycle work's noise factor at unit roundoff `eps`: NOISE_FACTOR in
/// f64, its own calibration coarser (NOISE_FACTOR_COARSE, _COHERENT for
/// the density matrix). The NESS's ergotropy, whose zero is the NESS
/// solve's rounding, keeps NOISE_FACTOR in every precision.
pub fn work_noise_factor(eps: f64, coherent: bool) -> f64 {
    match (eps > f64::EPSILON, coherent) {
        (false, _) => NOISE_FACTOR,
        (true, false) => NOISE_FACTOR_COARSE,
        (true, true) => NOISE_FACTOR_COARSE_COHERENT,
    }
}

/// Extra noise of the work under a fixed gate with detuning: NOISE_FACTOR·ε·r.
/// The gate then mixes the doublet's populations with its coherence, the
/// OSS solve's refinement is no longer free of cancellation, and the
/// stroke's change keeps only the state's own rounding, ε, not ε·ΣΓτ
/// (found: 1e-5 off at ΣΓτ ~ 1e-7 with an estimate of 7e-7). 0 otherwise.
#[inline(always)]
pub fn gate_mixing_noise<T: Real>(eps: f64, gate: bool, detuning: T, r: T) -> T {
    let mixes = <T::Mask as Mask>::splat(gate) & detuning.ne(c(0.0));
    T::select(mixes, c::<T>(NOISE_FACTOR) * c(eps) * r, c(0.0))
}

/// Relative error of a fixed gate's OSS at short strokes: ε/ΣΓτ. A fixed
/// gate's cycle map is solved once (no Newton step checks it), and where
/// the stroke is tiny the solve is conditioned ~1/ΣΓτ; its refinement does
/// not recover all of it (found: 1.6e-5 off at ΣΓτ ~ 5e-15 with an estimate
/// of 6e-12, the populations model too). 0 for the optimal protocol.
/// Coarser than f64, a fixed gate on a coherent state is out of reach
/// (found: f32 1 % off at status 0 with ΣΓτ ~ 0.2, r near ω0): infinite,
/// so that such points are recomputed in f64.
#[inline(always)]
pub fn gate_conditioning<T: Real>(eps: f64, gate: bool, coherent: bool, total_rate_tau: T) -> T {
    if gate && coherent && eps > f64::EPSILON {
        return c(f64::INFINITY);
    }
    let g = <T::Mask as Mask>::splat(gate);
    T::select(g, c::<T>(eps) / total_rate_tau, c(0.0))
}

/// The relative error below which a precision coarser than f64 cannot
/// resolve a running point, whatever its own noise says: the OSS solve's
/// conditioning, COARSE_CONDITIONING·ε/ΣΓτ (found: f32 10× off at
/// ΣΓτ ~ 1e-5), and the doublet's resolution, COARSE_SPLITTING·ε(ω0 +
/// T_max)/r, T_max the hotter bath's temperature where both are thermal
/// (found: f32's ergotropy off by ~2e-8/λ at λ ≤ 1e-5, however the
/// populations were resolved). 0 in f64.
#[inline(always)]
pub fn coarse_floor<T: Real>(eps: f64, omega0: T, r: T, total_rate_tau: T, t_max: T) -> T {
    if eps <= f64::EPSILON {
        return c(0.0);
    }
    let zero = c::<T>(0.0);
    let splitting = T::select(
        r.gt(zero),
        c::<T>(COARSE_SPLITTING * eps) * (omega0 + t_max) / r,
        zero,
    );
    c::<T>(COARSE_CONDITIONING * eps) / total_rate_tau + splitting
}

/// Noise of one channel's heat: HEAT_NOISE_FACTOR·ε·ω0·Γ_k τ, Γ_k the sum
/// of that channel's rates (a weak bath's heat is not held to the noise of
/// a strong one).
#[inline(always)]
pub fn heat_noise<T: Real>(eps: f64, omega0: T, channel_rate_tau: T) -> T {
    let factor = if eps > f64::EPSILON {
        HEAT_NOISE_FACTOR_COARSE
    } else {
        HEAT_NOISE_FACTOR
    };
    c::<T>(factor) * c(eps) * omega0 * channel_rate_tau
}

/// How far an OSS is from self-consistency, relative to what one stroke
/// changes: 0 where the last solve's extraction map is the one its
/// solution calls for (the fixed point of a linear map, refined to
/// rounding); otherwise the residual (or iteration's estimated tail) over
/// max|Δ|. A Newton solve that stalls between two maps at tiny ΣΓτ can
/// leave a residual of 1e-13 that is as large as the stroke itself.
#[inline(always)]
pub fn consistency<T: Real>(same_map: T::Mask, residual: T, delta: &[T]) -> T {
    let zero = c::<T>(0.0);
    let mut scale = zero;
    for d in delta {
        scale = scale.max(d.abs());
    }
    let relative = T::select(
        scale.gt(zero),
        residual / scale,
        T::select(residual.eq(zero), zero, c(f64::INFINITY)),
    );
    T::select(same_map, zero, relative)
}

/// Whether a passive verdict is certain: every two adjacent populations of
/// the passive state on levels of different energy differ by more than
/// their rounding, NOISE_FACTOR·ε·(the largest). Where rounding decides
/// the order, the true state may be active by a hair.
#[inline(always)]
pub fn passive_certain<T: Real>(after: &[T; 4], energies: &[T; 4], eps: f64) -> T::Mask {
    let floor = c::<T>(NOISE_FACTOR) * c(eps) * after[0];
    let mut all = <T::Mask as Mask>::splat(true);
    for k in 0..3 {
        all = all & (energies[k + 1].eq(energies[k]) | (after[k] - after[k + 1]).gt(floor));
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw() -> RawCycle {
        RawCycle {
            work: 1e-3,
            heat_a: 0.1,
            heat_s: -0.099,
            heat_dephasing: 0.0,
            work_noise: 1e-14,
            // No dephasing channel: its heat is an exact 0.
            heat_noise: [1e-14, 1e-14, 0.0],
            passive: false,
            optimal: true,
            coherent: false,
            consistency: 0.0,
            floor: 0.0,
            betas: Some((0.5, 10.0)),
            eps: f64::EPSILON,
        }
    }

    #[test]
    fn ledger_of_a_working_engine() {
        let l = settle(&raw());
        assert_eq!(l.heat_in, 0.1);
        assert_eq!(l.efficiency, 1e-3 / 0.1);
        // −β_A Q_A − β_S Q_S, in the first law's form.
        assert!((l.entropy_production - -(0.05 - 0.99)).abs() <= 1e-15);
        assert_eq!(status(&l, true, TOLERANCE_F64), PointStatus::Ok);
    }

    #[test]
    fn nothing_runs_gives_exact_zeros() {
        let l = settle(&RawCycle {
            work: 8e-22,
            heat_a: 1e-21,
            heat_s: 1e-21,
            ..raw()
        });
        assert_eq!(
            (l.work, l.heat_a, l.heat_s, l.heat_in),
            (0.0, 0.0, 0.0, 0.0)
        );
        assert!(l.efficiency.is_nan());
        assert_eq!(status(&l, true, TOLERANCE_F64), PointStatus::Ok);
    }

    #[test]
    fn unresolved_ergotropy_is_zero_and_flagged() {
        let l = settle(&RawCycle {
            work: -5e-15,
            ..raw()
        });
        assert_eq!(l.work, 0.0);
        assert_eq!(l.error_estimate, f64::INFINITY);
        assert_eq!(status(&l, true, TOLERANCE_F64), PointStatus::Imprecise);
    }

    #[test]
    fn passive_is_exactly_zero() {
        let l = settle(&RawCycle {
            work: -6e-21,
            passive: true,
            ..raw()
        });
        assert_eq!(l.work, 0.0);
        assert_eq!(l.efficiency, 0.0);
        assert_eq!(status(&l, true, TOLERANCE_F64), PointStatus::Ok);
    }

    #[test]
    fn every_heat_is_in_the_estimate() {
        // A dephasing heat of 1e-12 with a noise of 1e-14: 1 % off at most,
        // so the point cannot be ok although the ergotropy is resolved.
        let l = settle(&RawCycle {
            heat_dephasing: -1e-12,
            heat_noise: [1e-14; 3],
            ..raw()
        });
        assert_eq!(l.error_estimate, 1e-14 / 1e-12);
        assert_eq!(status(&l, true, TOLERANCE_F64), PointStatus::Imprecise);
    }

    #[test]
    fn entropy_production_near_zero_is_in_the_estimate() {
        // β_A Q_A + β_S Q_S cancels to 1e-13 of its terms: unresolved.
        let l = settle(&RawCycle {
            heat_a: 0.1,
            heat_s: -0.1 + 1e-14,
            work: 1e-14,
            work_noise: 1e-20,
            betas: Some((1.0, 1.0)),
            ..raw()
        });
        assert!(l.error_estimate > 1e-6, "{}", l.error_estimate);
    }

    #[test]
    fn a_work_without_noise_is_an_exact_zero() {
        // r = 0 and the unitary keeps n: nothing but degenerate levels.
        let l = settle(&RawCycle {
            work: 0.0,
            work_noise: 0.0,
            ..raw()
        });
        assert_eq!(l.work, 0.0);
        // What is left is the heats' and σ's (β_S = 10 times Q_S's noise).
        assert!(l.error_estimate.is_finite() && l.error_estimate < 1e-12);
        assert_eq!(status(&l, true, TOLERANCE_F64), PointStatus::Ok);
    }

    #[test]
    fn non_finite_figures_are_never_ok() {
        for bad in [f64::NAN, f64::INFINITY] {
            let l = settle(&RawCycle { work: bad, ..raw() });
            assert_eq!(l.error_estimate, f64::INFINITY);
            let l = settle(&RawCycle {
                heat_s: bad,
                ..raw()
            });
            assert_eq!(l.error_estimate, f64::INFINITY);
        }
    }

    #[test]
    fn f32_zeros_by_snapping_are_left_to_f64() {
        let tiny = RawCycle {
            work: 1e-22,
            heat_a: 1e-21,
            heat_s: -1e-21,
            ..raw()
        };
        let l = settle(&tiny);
        assert_eq!((l.work, l.error_estimate), (0.0, 0.0));
        let l = settle(&RawCycle {
            eps: f32::EPSILON as f64,
            ..tiny
        });
        assert_eq!(l.work, 0.0);
        assert_eq!(l.error_estimate, f64::INFINITY);
        // Zeros that came out 0.0 while a channel exchanges heat are left to
        // f64 as well; where no channel does (no rate at all), they are
        // exact and stay ok in f32.
        let zeros = RawCycle {
            eps: f32::EPSILON as f64,
            work: 0.0,
            heat_a: 0.0,
            heat_s: 0.0,
            ..raw()
        };
        assert_eq!(settle(&zeros).error_estimate, f64::INFINITY);
        let l = settle(&RawCycle {
            heat_noise: [0.0; 3],
            work_noise: 0.0,
            ..zeros
        });
        assert_eq!(l.error_estimate, 0.0);
    }
}
