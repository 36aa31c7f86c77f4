//! One point of a user-defined battery: the OSS and every figure, with its
//! status. The f64 reference for any d ≤ 64 (short strokes by the scalar
//! twin up to 16 levels, nalgebra above; battery::stroke::Stroke).
//!
//! Figures, with energies measured from the ground level:
//! - ergotropy E = Σ_i E_i (q_i − s_i) per cycle (s: q sorted onto the
//!   levels), power E/τ;
//! - the heat from each bath over the stroke, Q_k = E · W_k F p (exact);
//!   heat_in, the sum of the positive ones; efficiency E/heat_in; entropy
//!   production −Σ Q_k/T_k;
//! - the NESS and its ergotropy; the capacity of the charged state (its
//!   highest minus its lowest energy over the unitary orbit, Yang et al.,
//!   PRL 131, 030402 (2023)).
//!
//! The first law holds by construction at the OSS (Σ Q_k = E, since p = s);
//! the second is checked: a negative entropy production beyond rounding
//! flags the point.

use nalgebra::{DMatrix, DVector};

use super::balance::balanced;
use super::cycle::{
    ambiguous_arrivals, cycle_matrix, normalised_null_solve, passive_order, permute, solve, Oss,
};
use super::flow::{NessSystem, StrokeFlow};
use super::generator::{
    bath_generator, bath_uncertainty, blurred_flow, disconnected, no_current_by_structure,
    BathPoint,
};
use super::lu::Lu;
use super::passive::{cycle_lowest, ness_ergotropy, NessErgotropy};
use super::sensitivity::{figure_errors, ness_residual, normalised, oss_residual, Moved, System};
use super::spectrum::{Spectrum, DEGENERATE};
use super::status::{BatteryFigures, BatteryStatus};
use super::stroke::Stroke;
use super::verdict::{entropy_production, judge, Unresolved};
use nessbat_kernels::layout::OSS_TIE;
use nessbat_kernels::trust::{NOISE_FACTOR, TOLERANCE_F64};

/// The figures at `baths` (one per bath, in the battery's order) and
/// stroke length `tau`.
pub fn battery_point(
    spectrum: &Spectrum,
    names: &[String],
    baths: &[BathPoint],
    tau: f64,
) -> BatteryFigures {
    match prepare(spectrum, names, baths) {
        Ok(prepared) => finish(spectrum, names, baths, tau, prepared, Given::default()),
        Err(figures) => *figures,
    }
}

/// A point's generator, bath by bath and summed, once the point is known
/// to need a stroke.
pub struct Prepared {
    pub parts: Vec<DMatrix<f64>>,
    pub w: DMatrix<f64>,
    /// Per bath, |δW_k| through its strengths' uncertainty, where any.
    pub uncertain: Vec<Option<DMatrix<f64>>>,
}

/// The generator of the point at `baths`, or its figures where it needs
/// no stroke: a battery the populations do not describe, levels no bath
/// connects, rates beyond f64.
pub fn prepare(
    spectrum: &Spectrum,
    names: &[String],
    baths: &[BathPoint],
) -> Result<Prepared, Box<BatteryFigures>> {
    let d = spectrum.levels();
    let mut f = BatteryFigures::blank(spectrum, names);
    if let Some(why) = &spectrum.open {
        f.status = BatteryStatus::NotPopulations;
        f.message = Some(why.clone());
        return Err(Box::new(f));
    }

    let parts: Vec<_> = (0..baths.len())
        .map(|k| bath_generator(spectrum, k, baths[k]))
        .collect();
    let w = parts.iter().fold(DMatrix::<f64>::zeros(d, d), |a, b| a + b);
    if let Some(why) = disconnected(&w) {
        f.status = BatteryStatus::Disconnected;
        f.message = Some(match spectrum.unresolved {
            true => why.replacen(
                "; accepted:",
                ", where couplings within the eigenvectors' rounding of 0 (levels a weak splitting leaves near-degenerate) count as none; accepted:",
                1,
            ),
            false => why,
        });
        return Err(Box::new(f));
    }
    // Rates far beyond any physical battery in units of its gaps (a tiny
    // ω_ref with a steep spectral exponent) make W too stiff for f64: said
    // so, rather than solved into noise.
    let fastest = (0..d).map(|i| w[(i, i)].abs()).fold(0.0, f64::max);
    // NaN (a rate that overflowed) is refused too.
    if fastest.is_nan() || fastest > MAX_RATE {
        f.status = BatteryStatus::Imprecise;
        f.message = Some(format!(
            "the rates reach {fastest:.1e}, beyond the supported {MAX_RATE:e} (in units of the energies): check the rates: gamma_NAME, spectral_exponent and omega_ref, or a bath's explicit rates"
        ));
        return Err(Box::new(f));
    }
    let uncertain = (0..baths.len())
        .map(|k| bath_uncertainty(spectrum, k, baths[k]))
        .collect();
    Ok(Prepared {
        parts,
        w,
        uncertain,
    })
}

/// What a batch formed for a point before it is finished (src/battery/
/// strokes.rs): its stroke, and its NESS and OSS where the GPU solved and
/// the host checked them.
#[derive(Default)]
pub struct Given {
    pub stroke: Option<Stroke>,
    pub solved: Option<Solved>,
}

/// A point's NESS with its solve's error, and its OSS.
pub struct Solved {
    pub ness: DVector<f64>,
    pub ness_correction: f64,
    pub oss: Oss,
}

/// The figures of a prepared point, with what was `given` formed
/// elsewhere (the GPU's or the SIMD lanes' stroke, for strokes that
/// `Stroke::is_van_loan`; the GPU's NESS and OSS), the rest formed here.
pub fn finish(
    spectrum: &Spectrum,
    names: &[String],
    baths: &[BathPoint],
    tau: f64,
    prepared: Prepared,
    given: Given,
) -> BatteryFigures {
    let d = spectrum.levels();
    let mut f = BatteryFigures::blank(spectrum, names);
    let Prepared {
        parts,
        w,
        uncertain,
    } = prepared;
    // The rates' error through the strengths' uncertainty (battery::
    // spectrum), |δW x| row by row (generator::blurred_flow): added to the
    // residuals the figures' bounds are formed from, and to the terms
    // formed from W_k or C directly.
    let blur =
        |x: &DVector<f64>| blurred_flow(spectrum, baths, x).unwrap_or_else(|| DVector::zeros(d));
    let e = DVector::from_column_slice(&spectrum.energies);
    let (ness, ness_correction, ness_factors, oss) = match given.solved {
        Some(s) => (Some(s.ness), s.ness_correction, None, Some(s.oss)),
        None => match normalised_null_solve(w.clone()) {
            Some((p, correction, lu)) => (Some(p), correction, Some(lu), None),
            None => (None, 0.0, None, None),
        },
    };
    let stroke = ness.as_ref().and_then(|n| match given.stroke {
        Some(st) => Some(st),
        None => Stroke::new(&w, n, ness_correction * d as f64, tau),
    });
    let oss = oss.or_else(|| {
        ness.as_ref()
            .zip(stroke.as_ref())
            .and_then(|(n, st)| solve(st, n, &spectrum.blocks))
    });
    let (Some(ness), Some(stroke), Some(oss)) = (ness, stroke, oss) else {
        f.status = BatteryStatus::NotConverged;
        f.message = Some(match faint_bath(&parts, names, tau) {
            Some((name, moved, resolution)) => format!(
                "no operational steady state found: bath {name} moves at most {moved:.1e} of a population per stroke (τ times its fastest rate), below what f64 resolves in this stroke ({resolution:.1e}: 1e-14 of populations of order 1, or ε τ times the fastest rates for a stroke this long), so its effect is lost to rounding; accepted: τ times each bath's fastest rate above that"
            ),
            None => "no operational steady state found: the permutations did not settle under policy iteration, and 200000 cycles did not converge".into(),
        });
        return f;
    };
    // Equal temperatures: the Gibbs state is stationary bath by bath
    // (detailed balance), passive, and the OSS: no heat flows and no work
    // is done, exactly.
    // Only baths with rates count: one at Γ = 0 (or whose coupling reaches
    // no transition) moves nothing, whatever its temperature (found: such
    // a bath beside one live bath flagged the exact zeros imprecise).
    let live: Vec<usize> = (0..parts.len())
        .filter(|&k| parts[k].iter().any(|x| *x != 0.0))
        .collect();
    let equal = live
        .iter()
        .all(|&k| baths[k].temperature == baths[live[0]].temperature);
    let eps = f64::EPSILON;
    let e_max = spectrum.energies[d - 1];
    // A figure of a state: its populations' error (the solve's refinement
    // step, or f64's own) through energies up to e_max, and the roundings
    // of its energy sum.
    let state_noise = |x: &DVector<f64>, error: f64| {
        2.0 * e_max * error.max(NOISE_FACTOR * eps * d as f64)
            + 64.0 * eps * e.iter().zip(x.iter()).map(|(a, b)| a * b).sum::<f64>()
    };
    // Below its noise a figure is an exact 0, as a heat is: the charged
    // state's capacity (0 only for the maximally mixed state) and the
    // NESS's ergotropy (0 where it is passive, to within its error).
    let snap = |v: f64, noise: f64| {
        if v.abs() <= noise && noise <= SNAP * e_max {
            0.0
        } else {
            v
        }
    };
    // Exactly 0 where the extraction is the identity: nothing runs. So too
    // where the order only swaps populations equal to rounding, which
    // moves nothing (found: 1e-17 of "work", even negative, at status ok,
    // from a single bath whose upper levels' populations tied).
    let charged = &oss.charged;
    let tie = OSS_TIE * eps * charged.amax();
    let moves_nothing = (permute(charged, &oss.order) - charged).amax() <= tie;
    let no_flow = no_current_by_structure(&parts);
    // An order that moves nothing while the NESS is active (not passive)
    // under several baths: the true OSS runs a real cycle, since the
    // identity's fixed point would be that NESS, which the extraction
    // would then act on; its populations differ by less than their
    // rounding against the largest, a work that may be below f64's
    // resolution. Active: an inversion between populations that differ
    // by more than their own rounding (found: the maser at T_h = 0.03,
    // whose NESS ergotropy of 2e-15 is below its noise while p_2 ≫ p_1).
    // Such a cycle is solved as any other (its heats are the cycle's,
    // not the NESS's currents: found off by 1e-4 of a small heat, taken
    // from the NESS); whether its work is resolved, negligible, or
    // neither is decided below, once the heats are known. A passive NESS
    // is the OSS of the identity, whose work is an exact 0; so is a
    // single bath's.
    //
    // The NESS's ergotropy (battery::passive), its error through the NESS
    // system's adjoint.
    let ness_system = || match &ness_factors {
        Some(lu) => System::Factored(lu),
        None => System::Matrix(normalised(w.clone())),
    };
    let NessErgotropy {
        raw: ness_raw,
        noise: noise_ness,
        passive: ness_passive,
    } = ness_ergotropy(
        &spectrum.energies,
        &spectrum.blocks,
        &ness,
        ness_system(),
        || ness_residual(&w, &ness).widened(&blur(&ness)),
    );
    let ness_ergotropy = snap(ness_raw, noise_ness);
    let inverted = ness_ergotropy > 0.0
        || (ness_raw > 0.0
            && ness
                .iter()
                .zip(ness_passive.iter())
                .any(|(a, b)| (a - b).abs() > OSS_TIE * eps * a.abs().max(b.abs())));
    let hidden_cycle = moves_nothing && !equal && live.len() > 1 && inverted;
    let identity = equal || (moves_nothing && !hidden_cycle);
    // There the OSS is the NESS exactly (p = e^{Wτ} p), on which the
    // stroke's integral acts as τ (F p = τ p): taken so, from W itself,
    // rather than from the rounded stroke, whose fixed point can sit
    // measurably off the NESS (found: 2e-12 for a stiff pair of baths
    // near detailed balance, heats wrong at 4e-6 under status ok, while
    // the solve's refinement step said 4e-19).
    let (p, q, oss_error) = match identity {
        true => (&ness, &ness, ness_correction * d as f64),
        false => (&oss.passive, &oss.charged, oss.correction * d as f64),
    };
    // An order that moves populations only within degenerate levels (as
    // the spectrum counts them) does no work, exactly: a 0 with no error,
    // not a rounding of E · (q − s) over which the estimate divides
    // (found: flagged with an estimate of inf). Decided below, once the
    // work's bound is known: levels that close but distinct, with a work
    // their populations resolve, keep it. Between levels of one energy
    // the extraction moves nothing (`cycle::passive_order`).
    let degenerate = DEGENERATE * e_max.max(1.0);
    let degenerate_only = oss
        .order
        .iter()
        .enumerate()
        .all(|(i, &o)| (e[o] - e[i]).abs() <= degenerate);
    // The work E · (q − P q) = Σ_i E_i (q_i − q_{o(i)}), with q = p + C p,
    // summed as Σ_i (E_i − r_i) ((p_i − p_{o(i)}) + (C p)_i − (C p)_{o(i)}):
    // the same number for any p (Σ (q_i − q_{o(i)}) vanishes over each
    // cycle of the permutation, on which r_i, the cycle's lowest energy,
    // is constant), but its terms are the stroke's O(τΓ) changes and the
    // fixed point's residual, weighted by the gaps the extraction
    // bridges, not O(1) populations weighted by energies up to e_max,
    // whose roundings (ε·e_max) would swamp a short stroke's work (found:
    // 22 of 300 random batteries at τΓ ≤ 0.1 flagged by that rounding
    // alone, right to 1e-10 by a double-double reference) or a work over
    // a small gap (the maser at ω_h − ω_c = 1e-9: flagged at 9e-4 where
    // its efficiency was right to 5e-8).
    let moved = Moved::of(&stroke, p);
    // What δW moves over the stroke, δC p ≈ ∫ δW x(s) ds = δW F p to first
    // order (e^{W(τ−s)} is stochastic and keeps its L1 size): per pair of
    // levels its current over the stroke, which for a near-degenerate pair
    // relaxing at Γ T/ω is the populations it moves, not τ times its
    // rate (τ · max_s |δW x(s)| flagged every near-degenerate pair split
    // by 1e-10 … 1e-7, right to 1e-7 by a 40-digit reference).
    let drift = match spectrum.uncertain.is_empty() {
        true => 0.0,
        false => blur(&(&stroke.integral * p)).sum(),
    };
    let (change_relative, change_absolute) = stroke.change_error(&w, tau, p);
    let (ergotropy, work_rounding, work_blur) = if identity {
        (0.0, 0.0, 0.0)
    } else {
        let lowest = cycle_lowest(&oss.order, &spectrum.energies);
        let (mut sum, mut terms, mut gaps) = (0.0, 0.0, 0.0);
        for (i, &o) in oss.order.iter().enumerate() {
            let gap = e[i] - lowest[i];
            gaps += gap;
            let apart = p[i] - p[o];
            sum += gap * (apart + (moved.change[i] - moved.change[o]));
            // Roundings of C p, of the residual and of the sum; and C's
            // own error.
            terms += gap
                * (apart.abs()
                    + moved.change[i].abs()
                    + moved.change[o].abs()
                    + (1.0 + change_relative) * (moved.size[i] + moved.size[o])
                    + 2.0 * change_absolute);
        }
        // The rates' uncertainty moves each q_i by up to ‖δC p‖₁.
        (sum, terms, 2.0 * drift * gaps)
    };
    // Each heat's rounding noise, in three parts: the roundings of the
    // terms it is summed from, F's own error, and the state's (through
    // F), which dominates where a small heat is a difference of
    // detailed-balance-sized flows.
    // Rounding of the sums F p, W_k F p and E · at the calibrated noise
    // factor (4dε, the classical bound with margin, was tried and let
    // 11 of 4000 random batteries through with heats off by 1e-5).
    let rounding = NOISE_FACTOR * eps;
    // Each bath's heat per unit of flow into level b: Σ_a W_k[a,b] E_a =
    // Σ_a W_k[a,b] (E_a − E_b) (W_k's columns sum to zero), formed from the
    // gaps: a pair of near-degenerate levels exchanges at rates up to
    // Γ T/ω, which weighted by E_a rather than by ω would make a heat's
    // rounding, and its bound, e_max/ω times too large (found: a heat
    // flagged ± 1.5e-2 that a 50-digit reference found right to 2e-12).
    // With |W_k|ᵀ|ω|, the size its roundings and F's error scale with.
    let per_flow: Vec<(DVector<f64>, DVector<f64>)> = parts
        .iter()
        .map(|wk| {
            let mut v = DVector::zeros(d);
            let mut size = DVector::zeros(d);
            for b in 0..d {
                for a in (0..d).filter(|&a| a != b) {
                    let gap = e[a] - e[b];
                    v[b] += wk[(a, b)] * gap;
                    size[b] += (wk[(a, b)] * gap).abs();
                }
            }
            (v, size)
        })
        .collect();
    // The heats' integral on the state, F p (battery::flow): Van Loan's F
    // as it is; a long stroke's through the NESS's system, where its
    // error follows each bath's weights rather than ‖D‖. Where that
    // system cannot be factored here, F (or, with no current at the NESS,
    // its transient part) with its normwise error.
    let weights =
        DMatrix::from_columns(&per_flow.iter().map(|(v, _)| v.clone()).collect::<Vec<_>>());
    let own_factors;
    let factors = match &ness_factors {
        Some(lu) => Some(lu),
        None if stroke.transient.is_some() && !identity => {
            own_factors = Lu::new(&normalised(w.clone()));
            own_factors.as_ref()
        }
        None => None,
    };
    let system = factors.map(|lu| NessSystem {
        w: &w,
        ness: &ness,
        lu,
        tau,
    });
    let (flow, flow_errors) = match identity {
        true => (&ness * tau, vec![0.0; parts.len()]),
        false => {
            let flow = StrokeFlow::new(&stroke, system.as_ref(), p, &moved.change, no_flow);
            let change_error = moved.size.map(|s| change_relative * s + change_absolute);
            let errors = flow.errors(
                &stroke,
                system.as_ref(),
                p,
                &moved.change,
                &change_error,
                no_flow,
                &weights,
                &blur,
            );
            (flow.flow, errors)
        }
    };
    // The state's error as each figure sees it (battery::sensitivity):
    // the work E · (I − P)(I + C) p and the heats E · W_k F p (τ E · W_k p
    // at the NESS), against the residual of the system the state solves.
    // And the capacity, Σ_j c_j q_j with c_j = E_{r(j)} − E_{d−1−r(j)},
    // r(j) the rank of q_j among q ascending: the populations' own error,
    // which the refinement step understates where the OSS system is
    // ill-conditioned (found: a weakly hopping 4-spin chain at τΓ = 1e-7,
    // its populations off by 2e-6 and the capacity by 1.2e-6 at status ok,
    // where the work and heats held).
    let at_capacity = 1 + parts.len();
    let mut figures = DMatrix::<f64>::zeros(d, 2 + parts.len());
    let ranked = {
        let mut by_rank: Vec<usize> = (0..d).collect();
        by_rank.sort_by(|&i, &j| q[i].total_cmp(&q[j]).then(i.cmp(&j)));
        let mut c = DVector::<f64>::zeros(d);
        for (r, &j) in by_rank.iter().enumerate() {
            c[j] = e[r] - e[d - 1 - r];
        }
        c
    };
    let (system, residual) = if identity {
        for (k, (v, _)) in per_flow.iter().enumerate() {
            figures.set_column(1 + k, &(v * tau));
        }
        figures.set_column(at_capacity, &ranked);
        (ness_system(), ness_residual(&w, p).widened(&blur(p)))
    } else {
        // c' with c' · q = E · (q − P q), then c = (I + C)ᵀ c'.
        let mut swept = e.clone();
        for (i, &o) in oss.order.iter().enumerate() {
            swept[o] -= e[i];
        }
        figures.set_column(0, &(stroke.change.tr_mul(&swept) + &swept));
        for (k, (v, _)) in per_flow.iter().enumerate() {
            figures.set_column(1 + k, &stroke.heat_integral(no_flow).0.tr_mul(v));
        }
        figures.set_column(at_capacity, &(stroke.change.tr_mul(&ranked) + &ranked));
        let system = match &oss.factors {
            Some(lu) => System::Factored(lu),
            None => System::Matrix(normalised(cycle_matrix(&stroke, &oss.order))),
        };
        (
            system,
            oss_residual(&oss.order, p, &moved, (change_relative, change_absolute))
                .widened(&DVector::from_element(d, drift))
                .widened(&unsorted(q, &oss.order, &spectrum.blocks)),
        )
    };
    let mut sensitive = figure_errors(system, &residual, &figures);
    // An iterated OSS solves no system: its error is the iterate's.
    if oss.iterated && !identity {
        let spread = (0..d)
            .map(|i| (0..d).map(|j| stroke.integral[(i, j)].abs()).sum::<f64>())
            .fold(0.0, f64::max);
        sensitive[0] = sensitive[0].max(2.0 * e_max * oss_error);
        sensitive[at_capacity] = sensitive[at_capacity].max(2.0 * e_max * oss_error);
        for (k, (_, size)) in per_flow.iter().enumerate() {
            sensitive[1 + k] = sensitive[1 + k].max(size.sum() * spread * oss_error);
        }
    }
    // The work's error: the state's as the work sees it, and the
    // roundings of its sums.
    let noise_work = sensitive[0] + NOISE_FACTOR * eps * work_rounding + work_blur;
    let work_free = !identity && degenerate_only && ergotropy.abs() <= noise_work;
    let ergotropy = if work_free { 0.0 } else { ergotropy };
    // An ergotropy is never negative: a sum below 0 shows an error of at
    // least its size, and is the 0 it cannot be told from, with that noise
    // (found: −1e-19 at τΓ = 1e-17 beside a modelled noise of 7e-30, at a
    // point flagged by its heats; −8e-18 and an efficiency of −1.1 at a
    // maser with Γ_h = 1e-20).
    let (ergotropy, noise_work) = match ergotropy < 0.0 {
        true => (0.0, noise_work.max(-2.0 * ergotropy)),
        false => (ergotropy, noise_work),
    };
    let heat_noise: Vec<f64> = per_flow
        .iter()
        .zip(&sensitive[1..])
        .zip(&uncertain)
        .zip(&flow_errors)
        .map(|((((_, size), sensitive), blurred), flow_error)| {
            let scale: f64 = size.iter().zip(flow.iter()).map(|(s, f)| s * f.abs()).sum();
            // The bath's own rates' uncertainty, through the transition
            // energies it weights the flow with.
            let own = blurred.as_ref().map_or(0.0, |u| {
                (0..d)
                    .map(|b| {
                        let per: f64 = (0..d)
                            .filter(|&a| a != b)
                            .map(|a| u[(a, b)] * (e[a] - e[b]).abs())
                            .sum();
                        per * flow[b].abs()
                    })
                    .sum()
            });
            scale * rounding + flow_error + sensitive + own
        })
        .collect();
    // A heat below its own noise is reported as an exact 0 where that
    // noise is negligible, below SNAP of what the baths could move in a
    // stroke (a bath whose only level is not permuted moves no net heat,
    // exactly, but its sum rounds to ~ε): within the contract, where a
    // figure's error is relative to it or negligible. Below a noise that
    // is not negligible the heat is unresolved, and the point imprecise.
    // What the baths could move in a stroke: the top energy times each
    // bath's fastest rate, over τ.
    let exchange = spectrum.energies[d - 1]
        * tau
        * parts
            .iter()
            .map(|wk| (0..d).map(|i| wk[(i, i)].abs()).fold(0.0, f64::max))
            .sum::<f64>();
    // With nothing extracted, heats vanish by structure (equal
    // temperatures, or transitions that form no loop, one bath each), or
    // are the NESS's currents, which are reported or flagged, never
    // rounded to 0 (found: currents of 1e-9 near equal temperatures
    // reported as 0 at status ok).
    // A single bath at its own NESS exchanges no net heat (E · W p = 0
    // with W p = 0): exact, whatever loops its rates make.
    let no_current = equal || (identity && no_flow);
    // Each heat formed directly, and the noisiest by the first law where
    // that is surer (battery::balance).
    let direct: Vec<f64> = per_flow
        .iter()
        .map(|(v, _)| if no_current { 0.0 } else { v.dot(&flow) })
        .collect();
    let (direct, heat_noise, first_law) = balanced(&direct, &heat_noise, ergotropy, noise_work);
    let mut unresolved = false;
    let heats: Vec<f64> = direct
        .iter()
        .zip(&heat_noise)
        .map(|(&h, noise)| match no_current {
            true => 0.0,
            false => {
                if h.abs() > *noise {
                    h
                } else if *noise == 0.0 {
                    // A bath without rates here (Γ = 0, or transitions
                    // its coupling does not reach): no heat, exactly
                    // (found flagged "unresolved" beside resolved heats).
                    0.0
                } else if !identity
                    && *noise <= SNAP * exchange
                    && (work_free || *noise <= SNAP * ergotropy.abs())
                {
                    // Negligible against what the baths move, and against
                    // the work, which the heats add up to (found: a hot
                    // heat of 2e-23 snapped beside a resolved work of
                    // 1.4e-23, leaving heat_in 0 and the efficiency
                    // undefined at status ok where it is 0.6).
                    0.0
                } else {
                    unresolved = true;
                    h
                }
            }
        })
        .collect();
    // Folded from +0 (f64's Sum starts from −0, which would print "-0").
    let heat_in: f64 = heats.iter().filter(|h| **h > 0.0).fold(0.0, |a, h| a + h);
    let up = |v: &DVector<f64>| {
        let mut x: Vec<f64> = v.iter().copied().collect();
        x.sort_by(f64::total_cmp);
        x
    };
    let asc = up(q);
    // A hidden cycle's work, where f64 does not resolve it, may be
    // reported as 0 only where every figure formed from it is within the
    // contract: the power (its bound over τ negligible against what the
    // baths move, as a heat's snap) and the efficiency (below SNAP of a
    // resolved heat_in; 1e-6 there read efficiencies of up to 1e-6 as 0).
    // Otherwise flagged (found: the maser at τΓ ≤ 1e-14, power 0 at
    // status ok where it is 1.7e-4, and at T_h = 0.03 efficiency
    // undefined where it is 0.6). A Dicke ladder's 1e-18 of work beside
    // resolved heats stays an ok 0.
    let resolved = noise_work <= TOLERANCE_F64 * ergotropy.abs();
    let unseen = ergotropy.abs() + noise_work;
    let negligible_work = hidden_cycle
        && !resolved
        && unseen <= SNAP * exchange
        && heat_in > 0.0
        && unseen <= SNAP * heat_in;
    let unresolved_work = hidden_cycle && !resolved && !negligible_work;
    // The 0 carries the whole unseen work as its noise, into the first
    // law's check and the entropy production's. An unresolved work is
    // reported so too, flagged, as the built-in model's: it cannot be told
    // from 0.
    let (ergotropy, noise_work) = match negligible_work || unresolved_work {
        true => (0.0, unseen),
        false => (ergotropy, noise_work),
    };
    let work_noise = if identity { 0.0 } else { noise_work };
    let (entropy, entropy_noise) = entropy_production(
        baths,
        &heats,
        &heat_noise,
        (ergotropy, work_noise),
        no_current,
    );
    let capacity_blur = match identity {
        true => 0.0,
        false => drift * ranked.iter().map(|c| c.abs()).sum::<f64>(),
    };
    let noise_capacity = state_noise(q, oss_error) + sensitive[at_capacity] + capacity_blur;
    let capacity = snap(
        (0..d).map(|i| e[i] * (asc[i] - asc[d - 1 - i])).sum(),
        noise_capacity,
    );
    let noise_heat: f64 = heats
        .iter()
        .zip(&heat_noise)
        .filter(|(h, _)| **h > 0.0)
        .map(|(_, n)| n)
        .sum();
    let rel = |noise: f64, v: f64| {
        if noise == 0.0 {
            0.0
        } else {
            noise / v.abs()
        }
    };
    // Exact zeros (no extraction, no heat at equal temperatures) carry no
    // error.
    // Each heat against its own noise (a heat below it is an exact 0, with
    // no error beyond the noise), and heat_in against theirs.
    let heat_error = if no_current {
        0.0
    } else if unresolved {
        f64::INFINITY
    } else {
        heats
            .iter()
            .zip(&heat_noise)
            .filter(|(h, _)| **h != 0.0)
            .map(|(h, n)| n / h.abs())
            .fold(
                if heat_in == 0.0 {
                    0.0
                } else {
                    rel(noise_heat, heat_in)
                },
                f64::max,
            )
    };
    // Every reported figure against its noise: an exact 0 has none.
    let own = |v: f64, noise: f64| {
        if v == 0.0 || v.is_nan() {
            0.0
        } else {
            noise / v.abs()
        }
    };
    let state_error = own(capacity, noise_capacity)
        .max(own(ness_ergotropy, noise_ness))
        .max(own(entropy, entropy_noise));
    // The efficiency's relative error is the ergotropy's plus heat_in's.
    let heat_in_error = if heat_in == 0.0 {
        0.0
    } else {
        rel(noise_heat, heat_in)
    };
    let estimate = if identity || work_free || negligible_work {
        heat_error
    } else {
        (rel(noise_work, ergotropy) + heat_in_error).max(heat_error)
    }
    .max(state_error);
    f.ergotropy = ergotropy;
    f.power = ergotropy / tau;
    f.efficiency = if heat_in > 0.0 {
        ergotropy / heat_in
    } else {
        f64::NAN
    };
    for (h, v) in f.heats.iter_mut().zip(&heats) {
        h.heat = *v;
    }
    f.heat_in = heat_in;
    f.entropy_production = entropy;
    f.ness_ergotropy = ness_ergotropy;
    f.capacity = capacity;
    f.error_estimate = if estimate.is_nan() { 0.0 } else { estimate };
    // The state after extraction as the extraction leaves it, q sorted:
    // a permutation of the charged state by construction (the solve's p
    // equals it to rounding; found 2e-23 below 0 where q was not).
    f.populations_passive = match identity {
        true => p.iter().copied().collect(),
        false => permute(q, &oss.order).iter().copied().collect(),
    };
    f.populations_charged = q.iter().copied().collect();
    f.ness = ness.iter().copied().collect();
    // How far the stroke's rounding moves q's sum: its column sums on p
    // (none where q is the NESS itself).
    let drift = match identity {
        true => 0.0,
        false => (0..d)
            .map(|j| stroke.change.column(j).sum().abs() * p[j].abs())
            .sum(),
    };
    judge(
        &mut f,
        Unresolved::of(
            ambiguous_arrivals(&oss.order, &spectrum.blocks).filter(|_| !identity),
            unresolved_work,
            unresolved,
        ),
        &heat_noise,
        first_law,
        (p, q, drift),
        entropy_noise,
    );
    f
}

/// What a bath must move per stroke (τ times its fastest rate) for f64 to
/// see it beside populations of order 1.
const FAINT: f64 = 1e-14;

/// The first bath with rates whose stroke moves less than f64 resolves,
/// with what it moves and that resolution: [`FAINT`], or for a long
/// stroke ε τ‖W‖, the error that squaring its exponential accumulates
/// over the fastest rate. Where no OSS is found, the reason to give
/// (found: Γ_h = 1e-30 beside Γ_c = 1e-3, and Γ_h = 1e-16 beside Γ_c =
/// 100 at τ = 1e10, whose hot bath moves 2.5e-6 per stroke under a
/// squaring error of 3.5e-5, both reported only as permutations that did
/// not settle).
fn faint_bath(parts: &[DMatrix<f64>], names: &[String], tau: f64) -> Option<(String, f64, f64)> {
    let fastest = |wk: &DMatrix<f64>| {
        (0..wk.nrows())
            .map(|i| wk[(i, i)].abs())
            .fold(0.0, f64::max)
    };
    let total = parts.iter().map(fastest).sum::<f64>();
    let resolution = FAINT.max(f64::EPSILON * tau * total);
    parts.iter().zip(names).find_map(|(wk, name)| {
        let rate = fastest(wk);
        let moved = tau * rate;
        (rate > 0.0 && moved < resolution).then(|| (name.clone(), moved, resolution))
    })
}

/// A figure below its noise is an exact 0 only where that noise is below
/// SNAP of the sizes it is formed from (flows for a heat, the top energy
/// for a state's figure): the contract's negligible.
const SNAP: f64 = 1e-12;

/// Largest rate (|W_ii|) a battery point may have.
pub const MAX_RATE: f64 = 1e12;

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
