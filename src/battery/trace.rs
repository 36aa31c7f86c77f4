//! A battery cycle by cycle, from its NESS to the OSS: the work extracted
//! and each bath's heat in every cycle (as `nessbat trace ergotropy` for the
//! built-in model, Fig. 4(b)).

use nalgebra::{DMatrix, DVector};

use super::balance::{balanced, by_law};
use super::current::ness_heats;
use super::cycle::{normalised_null_solve, passive_order, permute};
use super::flow::{NessSystem, StrokeFlow};
use super::generator::{bath_generator, bath_uncertainty, BathPoint};
use super::heat::BathWeights;
use super::scene::Scene;
use super::spectrum::Spectrum;
use super::stroke::Stroke;
use super::structure::no_current_by_structure;
use nessbat_kernels::layout::OSS_TIE;

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
    let currentless = no_current_by_structure(&parts, baths);
    let system = NessSystem {
        w: &w,
        ness: &ness,
        lu: &lu,
        tau,
    };
    // The bath with the fastest rate (ties to the lower index), where
    // there are several.
    let speed = |wk: &DMatrix<f64>| (0..d).map(|i| wk[(i, i)].abs()).fold(0.0, f64::max);
    let fastest = (parts.len() > 1)
        .then(|| {
            (0..parts.len()).max_by(|&i, &j| {
                speed(&parts[i])
                    .total_cmp(&speed(&parts[j]))
                    .then(j.cmp(&i))
            })
        })
        .flatten();
    // At the NESS the heats are the point's where nothing is extracted
    // (battery::current), with their noises: the first row's, balanced by
    // the first law as the point's.
    let scene = Scene::new(spectrum, baths, &parts, &w, tau);
    let uncertain: Vec<_> = (0..baths.len())
        .map(|k| bath_uncertainty(spectrum, k, baths[k]))
        .collect();
    let at_ness = match currentless {
        true => vec![0.0; baths.len()],
        false => {
            let (heats, noise): (Vec<f64>, Vec<f64>) =
                ness_heats(&scene, &BathWeights::of(&scene), &lu, &ness, &uncertain)
                    .into_iter()
                    .unzip();
            balanced(&heats, &noise, 0.0, 0.0).0
        }
    };
    let mut p = ness.clone();
    let mut rows = Vec::new();
    for cycle in 1..=max_cycles {
        // The first stroke starts at the NESS, which it leaves where it is
        // (e^{Wτ} π = π, F π = τπ), exactly: taken so rather than through
        // the rounded stroke, whose change on π is rounding that a stiff
        // generator's transient solve amplifies by 1/gap (found: a heat of
        // −6.4e-4 where the point, at this same NESS, gives +1.03e-5 with
        // the reference; a bath with no current at the NESS gets 0).
        let (q, flow) = match cycle {
            1 => (p.clone(), &p * tau),
            _ => {
                let change = &stroke.change * &p;
                let flow = StrokeFlow::new(&stroke, Some(&system), &p, &change, currentless).flow;
                (&p + &change, flow)
            }
        };
        let order = passive_order(&q, &spectrum.blocks);
        let s = permute(&q, &order);
        // An order that only swaps populations equal to rounding moves
        // nothing, as the point takes it: no work, not 1e-20 of it.
        let moves_nothing = (&s - &q).amax() <= OSS_TIE * f64::EPSILON * q.amax();
        let s = if moves_nothing { q.clone() } else { s };
        let ergotropy = if moves_nothing {
            0.0
        } else {
            e.dot(&(&q - &s))
        };
        let heats: Vec<f64> = match cycle {
            1 => at_ness.clone(),
            _ => {
                let mut heats: Vec<f64> = parts.iter().map(|wk| e.dot(&(wk * &flow))).collect();
                // The fastest bath's heat from the stroke's energy
                // balance, as the point takes its noisiest (battery::
                // balance): formed directly it is a difference of flows
                // of size τ times its rates, whose rounding (and the
                // NESS's, through them) swamps a current set by a slow
                // bath (found: −6.4e-4 where the point gives +1.03e-5,
                // with rates 1e9 apart).
                if let Some(r) = fastest {
                    heats[r] = by_law(&heats, r, e.dot(&(&q - &p)));
                }
                heats
            }
        };
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
