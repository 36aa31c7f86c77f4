//! A battery cycle by cycle, from its NESS to the OSS: the work extracted
//! and each bath's heat in every cycle (as `nessbat trace ergotropy` for the
//! built-in model, Fig. 4(b)).

use nalgebra::{DMatrix, DVector};

use super::cycle::{normalised_null_solve, passive_order, permute};
use super::flow::{NessSystem, StrokeFlow};
use super::generator::{bath_generator, no_current_by_structure, BathPoint};
use super::spectrum::Spectrum;
use super::stroke::Stroke;

/// One cycle: its number (from 1), the work extracted, each bath's heat.
#[derive(Debug, Clone)]
pub struct CycleRow {
    pub cycle: u64,
    pub ergotropy: f64,
    pub heats: Vec<f64>,
}

/// The cycles from the NESS (the first stroke starts there) until the
/// state after extraction stops changing (to 4ε) or `max_cycles`; with
/// whether it settled. None where the battery has no unique NESS or no
/// stroke (see `battery_point`'s statuses).
pub fn cycles(
    spectrum: &Spectrum,
    baths: &[BathPoint],
    tau: f64,
    max_cycles: u64,
) -> Option<(Vec<CycleRow>, bool)> {
    if spectrum.open.is_some() {
        return None;
    }
    let d = spectrum.levels();
    let parts: Vec<DMatrix<f64>> = (0..baths.len())
        .map(|k| bath_generator(spectrum, k, baths[k]))
        .collect();
    let w = parts.iter().fold(DMatrix::<f64>::zeros(d, d), |a, b| a + b);
    if super::generator::disconnected(&w).is_some() {
        return None;
    }
    let e = DVector::from_column_slice(&spectrum.energies);
    let (ness, correction, lu) = normalised_null_solve(w.clone())?;
    // The same stroke as the point's (its form depends on the NESS's error).
    let stroke = Stroke::new(&w, &ness, correction * d as f64, tau)?;
    // As the point's heats (battery::flow): a long stroke's through the
    // NESS's system, without F's τΠ part where no bath carries a current
    // at the NESS.
    let currentless = no_current_by_structure(&parts);
    let system = NessSystem {
        w: &w,
        ness: &ness,
        lu: &lu,
        tau,
    };
    let mut p = ness.clone();
    let mut rows = Vec::new();
    for cycle in 1..=max_cycles {
        let change = &stroke.change * &p;
        let q = &p + &change;
        let order = passive_order(&q, &spectrum.blocks);
        let s = permute(&q, &order);
        let identity = order.iter().enumerate().all(|(i, &j)| i == j);
        let ergotropy = if identity { 0.0 } else { e.dot(&(&q - &s)) };
        let flow = StrokeFlow::new(&stroke, Some(&system), &p, &change, currentless).flow;
        let heats = parts.iter().map(|wk| e.dot(&(wk * &flow))).collect();
        rows.push(CycleRow {
            cycle,
            ergotropy,
            heats,
        });
        let step = (&s - &p).amax();
        p = s;
        if step <= 4.0 * f64::EPSILON {
            return Some((rows, true));
        }
    }
    Some((rows, false))
}
