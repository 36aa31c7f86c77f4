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
//!
//! The stages after the solves, each in its file: what kind of cycle runs
//! ([`super::regime`]), the work ([`super::work`]), the stroke's integral
//! on the state ([`super::flow`]), the state's error as each figure sees
//! it ([`super::bounds`]), the heats ([`super::heat`]; at the NESS
//! [`super::current`], with [`super::structure`]'s exact zeros), the
//! estimate and capacity ([`super::estimate`]) and the verdict
//! ([`super::verdict`]).

use nalgebra::{DMatrix, DVector};

use super::bounds::Sensitivities;
use super::current::ness_heats;
use super::cycle::{ambiguous_arrivals, normalised_null_solve, permute, solve, Oss};
use super::estimate::{capacity, estimate, Noisy};
use super::flow::heat_flow;
use super::generator::{bath_generator, bath_uncertainty, disconnected, BathPoint};
use super::heat::{heat_noise, BathWeights, Heats};
use super::lu::Lu;
use super::passive::ness_ergotropy;
use super::regime::Regime;
use super::scene::{fastest_rate, Cycle, Scene};
use super::sensitivity::{ness_residual, ness_system, normalised};
use super::spectrum::Spectrum;
use super::status::{BatteryFigures, BatteryStatus};
use super::stroke::Stroke;
use super::verdict::{entropy_production, judge, Unresolved};
use super::work::{Hidden, WorkSum};

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
    let scene = Scene::new(spectrum, baths, &parts, &w, tau);
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
    // The NESS's ergotropy (battery::passive), its error through the NESS
    // system's adjoint.
    let ness_erg = ness_ergotropy(
        &spectrum.energies,
        &spectrum.blocks,
        &ness,
        ness_system(&w, ness_factors.as_ref()),
        || ness_residual(&w, &ness).widened(&scene.blur(&ness)),
    );
    let ness_ergotropy = scene.snap(ness_erg.raw, ness_erg.noise);
    let regime = Regime::of(&scene, &oss, &ness, &ness_erg, ness_ergotropy);
    let identity = regime.identity;
    // Where nothing runs the OSS is the NESS exactly (p = e^{Wτ} p), on
    // which the stroke's integral acts as τ (F p = τ p): taken so, from W
    // itself, rather than from the rounded stroke, whose fixed point can
    // sit measurably off the NESS (found: 2e-12 for a stiff pair of baths
    // near detailed balance, heats wrong at 4e-6 under status ok, while
    // the solve's refinement step said 4e-19).
    let states = match identity {
        true => (&ness, &ness, ness_correction * d as f64),
        false => (&oss.passive, &oss.charged, oss.correction * d as f64),
    };
    let cycle = Cycle::new(&scene, &stroke, &oss, states);
    let (p, q) = (cycle.p, cycle.q);
    let weights = BathWeights::of(&scene);
    // The heats' integral on the state, F p (battery::flow): Van Loan's F
    // as it is; a long stroke's through the NESS's system, where its
    // error follows each bath's weights rather than ‖D‖. Where that
    // system cannot be factored here, F (or, with no current at the NESS,
    // its transient part) with its normwise error.
    let (flow, flow_errors) = match identity {
        true => (&ness * tau, vec![0.0; parts.len()]),
        false => {
            let by_bath: Vec<_> = weights.iter().map(|b| b.per_flow.clone()).collect();
            heat_flow(
                &scene,
                &cycle,
                (&ness, ness_factors.as_ref()),
                regime.no_flow,
                &DMatrix::from_columns(&by_bath),
            )
        }
    };
    let bounds = Sensitivities::of(&scene, &cycle, regime, &weights, ness_factors.as_ref());
    let work = match identity {
        true => WorkSum::default(),
        false => WorkSum::of(&scene, &cycle),
    };
    let (work, work_free) = work.floored(&scene, &cycle, identity, bounds.work);
    let noise = heat_noise(
        &scene,
        &weights,
        &flow,
        (&bounds.heats[..], &flow_errors[..]),
        &uncertain,
    );
    let no_current = regime.no_current();
    let mut direct: Vec<f64> = weights
        .iter()
        .map(|b| match no_current {
            true => 0.0,
            false => b.per_flow.dot(&flow),
        })
        .collect();
    let mut noise = noise;
    // Where nothing is extracted the heats are the NESS's currents: the
    // surer of the direct and the Gibbs forms, bath by bath
    // (battery::current).
    if identity && !no_current {
        let own_factors;
        let factors = match &ness_factors {
            Some(lu) => Some(lu),
            None => {
                own_factors = Lu::new(&normalised(w.clone()));
                own_factors.as_ref()
            }
        };
        if let Some(lu) = factors {
            let heats = ness_heats(&scene, &weights, lu, &ness, &uncertain);
            for (k, (heat, error)) in heats.into_iter().enumerate() {
                (direct[k], noise[k]) = (heat, error);
            }
        }
    }
    let heats = Heats::of(
        &scene,
        (&direct, &noise),
        work,
        (identity, no_current, work_free),
    );
    let (heat_in, _) = heats.heat_in();
    let (hidden, work) = Hidden::judge(work, regime.hidden_cycle, scene.exchange(), heat_in);
    let work_noise = if identity { 0.0 } else { work.noise };
    let (entropy, entropy_noise) = entropy_production(
        baths,
        &heats.heats,
        &heats.noise,
        (work.value, work_noise),
        no_current,
    );
    let capacity = capacity(&scene, &cycle, &bounds, identity);
    f.error_estimate = estimate(
        &heats,
        no_current,
        &Noisy {
            work,
            work_exact: identity || work_free || hidden == Hidden::Negligible,
            capacity,
            ness_ergotropy: (ness_ergotropy, ness_erg.noise),
            entropy: (entropy, entropy_noise),
        },
    );
    f.ergotropy = work.value;
    f.power = work.value / tau;
    f.efficiency = if heat_in > 0.0 {
        work.value / heat_in
    } else {
        f64::NAN
    };
    for (h, v) in f.heats.iter_mut().zip(&heats.heats) {
        h.heat = *v;
    }
    f.heat_in = heat_in;
    f.entropy_production = entropy;
    f.ness_ergotropy = ness_ergotropy;
    f.capacity = capacity.0;
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
            hidden == Hidden::Unresolved,
            heats.unresolved,
        ),
        &heats.noise,
        heats.first_law,
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
    let total = parts.iter().map(fastest_rate).sum::<f64>();
    let resolution = FAINT.max(f64::EPSILON * tau * total);
    parts.iter().zip(names).find_map(|(wk, name)| {
        let rate = fastest_rate(wk);
        let moved = tau * rate;
        (rate > 0.0 && moved < resolution).then(|| (name.clone(), moved, resolution))
    })
}

/// Largest rate (|W_ii|) a battery point may have.
pub const MAX_RATE: f64 = 1e12;
