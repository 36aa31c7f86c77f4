//! A point's error estimate: the largest relative error of its figures,
//! each against its own noise; and the capacity of the charged state,
//! whose noise is the state's own.

use super::bounds::Sensitivities;
use super::heat::Heats;
use super::scene::{Cycle, Scene};
use super::work::Work;

/// The capacity of the charged state q (its highest minus its lowest
/// energy over the unitary orbit, Yang et al., PRL 131, 030402 (2023)),
/// with its noise: the populations' error (the solve's refinement step)
/// through energies up to e_max, their own rounding and that of the sum
/// (64ε of each term's populations, as the NESS's ergotropy's), the
/// state's error as the capacity sees it, and the rates' uncertainty
/// (none where q is the NESS). Below its noise an exact 0. A floor of
/// 256 d ε per population, used before, is f64's resolution of a
/// population of 1, not of one of 1/d: it flagged near-uniform states
/// (found: two levels at T = 5e5, the capacity 1.2e-8 flagged at 2.4e-6,
/// right to 9e-10 by a 60-digit reference).
pub fn capacity(
    scene: &Scene,
    cycle: &Cycle,
    bounds: &Sensitivities,
    identity: bool,
) -> (f64, f64) {
    let (d, e, q) = (scene.levels(), &scene.e, cycle.q);
    let mut asc: Vec<f64> = q.iter().copied().collect();
    asc.sort_by(f64::total_cmp);
    let terms: f64 = (0..d)
        .map(|i| e[i].abs() * (asc[i].abs() + asc[d - 1 - i].abs()))
        .sum();
    let state_noise = 2.0 * scene.e_max * cycle.error + 64.0 * f64::EPSILON * terms;
    let blur = match identity {
        true => 0.0,
        false => cycle.drift * bounds.ranked.iter().map(|c| c.abs()).sum::<f64>(),
    };
    let noise = state_noise + bounds.capacity + blur;
    let value = (0..d).map(|i| e[i] * (asc[i] - asc[d - 1 - i])).sum();
    (scene.snap(value, noise), noise)
}

/// The figures an estimate weighs, each with its noise.
pub struct Noisy {
    pub work: Work,
    /// The work is no figure of its own: an exact 0 by regime or by
    /// structure, or a negligible hidden cycle's.
    pub work_exact: bool,
    pub capacity: (f64, f64),
    pub ness_ergotropy: (f64, f64),
    pub entropy: (f64, f64),
}

/// The point's relative error estimate. Exact zeros (no extraction, no
/// heat at equal temperatures) carry no error. Each heat against its own
/// noise (a heat below it is an exact 0, with no error beyond the noise),
/// and heat_in against theirs; the efficiency's relative error is the
/// ergotropy's plus heat_in's; every state's figure against its noise.
pub fn estimate(heats: &Heats, no_current: bool, figures: &Noisy) -> f64 {
    let (heat_in, noise_heat) = heats.heat_in();
    let rel = |noise: f64, v: f64| {
        if noise == 0.0 {
            0.0
        } else {
            noise / v.abs()
        }
    };
    let heat_in_error = if heat_in == 0.0 {
        0.0
    } else {
        rel(noise_heat, heat_in)
    };
    let heat_error = if no_current {
        0.0
    } else if heats.unresolved {
        f64::INFINITY
    } else {
        heats
            .heats
            .iter()
            .zip(&heats.noise)
            .filter(|(h, _)| **h != 0.0)
            .map(|(h, n)| n / h.abs())
            .fold(heat_in_error, f64::max)
    };
    // An exact 0 has no error.
    let own = |(v, noise): (f64, f64)| {
        if v == 0.0 || v.is_nan() {
            0.0
        } else {
            noise / v.abs()
        }
    };
    let state_error = own(figures.capacity)
        .max(own(figures.ness_ergotropy))
        .max(own(figures.entropy));
    let work = figures.work;
    let estimate = match figures.work_exact {
        true => heat_error,
        false => (rel(work.noise, work.value) + heat_in_error).max(heat_error),
    }
    .max(state_error);
    if estimate.is_nan() {
        0.0
    } else {
        estimate
    }
}
