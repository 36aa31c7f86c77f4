//! The heat from each bath over the stroke, Q_k = E · W_k F p, with its
//! noise: formed from each bath's weights per unit of flow, the stroke's
//! integral on the state (battery::flow) and the state's error as each
//! heat sees it (battery::sensitivity); the noisiest by the first law
//! where that is surer (battery::balance); below its noise, an exact 0 or
//! a flag.

use nalgebra::{DMatrix, DVector};

use super::balance::{balanced, FirstLaw};
use super::scene::{Scene, SNAP};
use super::work::Work;
use nessbat_kernels::trust::NOISE_FACTOR;

/// A bath's heat per unit of flow into each level b: Σ_a `W_k[a,b]` E_a =
/// Σ_a `W_k[a,b]` (E_a − E_b) (W_k's columns sum to zero), formed from the
/// gaps: a pair of near-degenerate levels exchanges at rates up to
/// Γ T/ω, which weighted by E_a rather than by ω would make a heat's
/// rounding, and its bound, e_max/ω times too large (found: a heat
/// flagged ± 1.5e-2 that a 50-digit reference found right to 2e-12).
/// With |W_k|ᵀ|ω|, the size its roundings and F's error scale with.
pub struct BathWeights {
    pub per_flow: DVector<f64>,
    pub size: DVector<f64>,
}

impl BathWeights {
    pub fn of(scene: &Scene) -> Vec<BathWeights> {
        let (d, e) = (scene.levels(), &scene.e);
        scene
            .parts
            .iter()
            .map(|wk| {
                let mut per_flow = DVector::zeros(d);
                let mut size = DVector::zeros(d);
                for b in 0..d {
                    for a in (0..d).filter(|&a| a != b) {
                        let gap = e[a] - e[b];
                        per_flow[b] += wk[(a, b)] * gap;
                        size[b] += (wk[(a, b)] * gap).abs();
                    }
                }
                BathWeights { per_flow, size }
            })
            .collect()
    }

    /// Σ_b size_b |x_b|: the size of the terms of `per_flow · x`, which
    /// its rounding scales with.
    pub fn scale(&self, x: &DVector<f64>) -> f64 {
        self.size
            .iter()
            .zip(x.iter())
            .map(|(s, v)| s * v.abs())
            .sum()
    }
}

/// Each heat's rounding noise, in three parts: the roundings of the terms
/// it is summed from (the sums F p, W_k F p and E ·, at the calibrated
/// noise factor: 4dε, the classical bound with margin, was tried and let
/// 11 of 4000 random batteries through with heats off by 1e-5), F's own
/// error (`flow_errors`), and the state's through F (`sensitive`), which
/// dominates where a small heat is a difference of detailed-balance-sized
/// flows; and the bath's own rates' uncertainty (`uncertain`, |δW_k|),
/// through the transition energies it weights the flow with.
pub fn heat_noise(
    scene: &Scene,
    weights: &[BathWeights],
    flow: &DVector<f64>,
    (sensitive, flow_errors): (&[f64], &[f64]),
    uncertain: &[Option<DMatrix<f64>>],
) -> Vec<f64> {
    let (d, e) = (scene.levels(), &scene.e);
    let rounding = NOISE_FACTOR * f64::EPSILON;
    weights
        .iter()
        .zip(sensitive)
        .zip(uncertain)
        .zip(flow_errors)
        .map(|(((weights, sensitive), blurred), flow_error)| {
            let scale = weights.scale(flow);
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
        .collect()
}

/// The heats as reported, with their noises.
pub struct Heats {
    pub heats: Vec<f64>,
    pub noise: Vec<f64>,
    /// The heats as formed directly, for the first law's check.
    pub first_law: FirstLaw,
    /// A heat below a noise that is not negligible.
    pub unresolved: bool,
}

impl Heats {
    /// Each heat as formed directly (`direct`, with its `noise`), and the
    /// noisiest by the first law where that is surer (battery::balance);
    /// an exact 0 where `no_current` (regime::Regime::no_current).
    ///
    /// A heat below its own noise is reported as an exact 0 where that
    /// noise is negligible, below SNAP of what the baths could move in a
    /// stroke (a bath whose only level is not permuted moves no net heat,
    /// exactly, but its sum rounds to ~ε): within the contract, where a
    /// figure's error is relative to it or negligible. Below a noise that
    /// is not negligible the heat is unresolved, and the point imprecise.
    pub fn of(
        scene: &Scene,
        (direct, noise): (&[f64], &[f64]),
        work: Work,
        (identity, no_current, work_free): (bool, bool, bool),
    ) -> Heats {
        let exchange = scene.exchange();
        let (direct, noise, first_law) = balanced(direct, noise, work.value, work.noise);
        let mut unresolved = false;
        let heats: Vec<f64> = direct
            .iter()
            .zip(&noise)
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
                        && (work_free || *noise <= SNAP * work.value.abs())
                    {
                        // Negligible against what the baths move, and
                        // against the work, which the heats add up to
                        // (found: a hot heat of 2e-23 snapped beside a
                        // resolved work of 1.4e-23, leaving heat_in 0 and
                        // the efficiency undefined at status ok where it
                        // is 0.6).
                        0.0
                    } else {
                        unresolved = true;
                        h
                    }
                }
            })
            .collect();
        Heats {
            heats,
            noise,
            first_law,
            unresolved,
        }
    }

    /// heat_in, the sum of the positive heats, folded from +0 (f64's Sum
    /// starts from −0, which would print "-0"), with its noise.
    pub fn heat_in(&self) -> (f64, f64) {
        let heat_in = self
            .heats
            .iter()
            .filter(|h| **h > 0.0)
            .fold(0.0, |a, h| a + h);
        let noise = self
            .heats
            .iter()
            .zip(&self.noise)
            .filter(|(h, _)| **h > 0.0)
            .map(|(_, n)| n)
            .sum();
        (heat_in, noise)
    }
}
