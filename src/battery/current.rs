//! The heat currents at the NESS, formed as a deviation from a Gibbs
//! state, where nothing is extracted and the heats are τ times them.
//!
//! A current E · W_k π is a difference of flows that balance in detailed
//! balance: near equal temperatures, or beside a bath far weaker than the
//! others, it is δ of them, and summed from π as solved it keeps only ε/δ
//! of itself (found: three baths, the cold one at Γ = 1e-12 beside two hot
//! ones at one temperature, their heats flagged over most of a Γ grid and
//! off by up to 1e-3). So here π = g + δ, g the Gibbs state at the
//! temperature of the fastest baths, stationary for each of them exactly
//! (detailed balance, not rounding): W δ = −Σ_j ΔW_j g, ΔW_j = W_j(T_j) −
//! W_j(T_ref) from the parameters (generator::detuned), and the current is
//! E · ΔW_k g + E · W_k δ, each term of the current's own size. Its error
//! is δ's through the NESS system's adjoint (battery::sensitivity), with
//! the roundings of the sums.

use nalgebra::{DMatrix, DVector};

use super::flow::transient;
use super::generator::detuned;
use super::heat::{heat_noise, BathWeights};
use super::lu::Lu;
use super::scene::{fastest_rate, Scene};
use super::sensitivity::{figure_errors, ness_residual, rounding, Residual, System};
use super::structure::bridged;
use nessbat_kernels::trust::NOISE_FACTOR;

/// Each bath's heat over a stroke at the NESS `ness`, τ E · W_k π, with
/// its noise: per bath the surer of the direct form (summed from π as
/// solved, its error through the NESS system's adjoint, the sums'
/// roundings and the rates' `uncertain`ty, battery::heat) and the Gibbs
/// form ([`ness_currents`]), which near a Gibbs state is far surer, and
/// far less so beside a bath whose rates at the reference temperature
/// dwarf its own (found: `trace` took the Gibbs form everywhere, and gave
/// 8450 for a heat of 0.333 with a hot bath at T = 1e20 as reference).
/// A bath with no current by structure (structure::bridged) whose heat
/// is below its noise has an exact 0. `lu`: the factors of the NESS's
/// normalised system. The point where nothing is extracted, and
/// `trace`'s first row, take these.
pub fn ness_heats(
    scene: &Scene,
    weights: &[BathWeights],
    lu: &Lu,
    ness: &DVector<f64>,
    uncertain: &[Option<DMatrix<f64>>],
) -> Vec<(f64, f64)> {
    let tau = scene.tau;
    let flow = ness * tau;
    let columns: Vec<_> = weights.iter().map(|b| &b.per_flow * tau).collect();
    let sensitive = figure_errors(
        System::Factored(lu),
        &ness_residual(scene.w, ness).widened(&scene.blur(ness)),
        &DMatrix::from_columns(&columns),
    );
    let exact = vec![0.0; weights.len()];
    let noise = heat_noise(scene, weights, &flow, (&sensitive, &exact), uncertain);
    let gibbs = ness_currents(scene, weights, lu);
    weights
        .iter()
        .zip(noise)
        .enumerate()
        .map(|(k, (bath, noise))| {
            let direct = (bath.per_flow.dot(&flow), noise);
            let (heat, noise) = match &gibbs {
                Some(currents) if tau * currents[k].1 < noise => {
                    (tau * currents[k].0, tau * currents[k].1)
                }
                _ => direct,
            };
            // Below its noise, a bath that carries no current by structure
            // has an exact 0 (structure::bridged; asked only there: it
            // walks the transitions once per transition of the bath).
            match heat.abs() <= noise && noise > 0.0 && bridged(scene.parts, k) {
                true => (0.0, 0.0),
                false => (heat, noise),
            }
        })
        .collect()
}

/// Each bath's heat current at the NESS with its error bound, per unit
/// time, from the factors `lu` of the NESS's normalised system; None where
/// a bath with rates on a loop has no temperature (explicit rates) or the strengths
/// are uncertain (near-degenerate levels, whose blur this form does not
/// carry), which keep the NESS's currents as solved.
pub fn ness_currents(scene: &Scene, weights: &[BathWeights], lu: &Lu) -> Option<Vec<(f64, f64)>> {
    let spectrum = scene.spectrum;
    if !spectrum.uncertain.is_empty() {
        return None;
    }
    let (d, e, w) = (scene.levels(), &scene.e, scene.w);
    let t_ref = reference_temperature(scene)?;
    let gibbs = {
        let g = DVector::from_fn(d, |i, _| (-(e[i] - e[0]) / t_ref).exp());
        let z = g.sum();
        g / z
    };
    // ΔW_j g = W_j g − W_j(T_ref) g, whose second term is 0 exactly; a
    // bath without a temperature (explicit rates, on bridges alone, as
    // `reference_temperature` admits) has no W_j(T_ref): W_j itself.
    let deltas: Vec<Option<DMatrix<f64>>> = scene
        .baths
        .iter()
        .enumerate()
        .map(|(k, &bath)| match bath.temperature == t_ref {
            true => None,
            false => {
                Some(detuned(spectrum, k, bath, t_ref).unwrap_or_else(|| scene.parts[k].clone()))
            }
        })
        .collect();
    // x = −Σ_j ΔW_j g, with the sizes of its terms: their roundings, and
    // those of ΔW's entries and g's, bound its error.
    let mut x = DVector::<f64>::zeros(d);
    let mut x_size = DVector::<f64>::zeros(d);
    for dw in deltas.iter().flatten() {
        x -= dw * &gibbs;
        x_size += dw.abs() * &gibbs;
    }
    let delta = transient(w, lu, &x);
    let rho = rounding(d);
    let computed = w * &delta - &x;
    let residual = Residual {
        rows: DVector::from_fn(d, |i, _| {
            let terms: f64 = (0..d).map(|j| w[(i, j)].abs() * delta[j].abs()).sum();
            computed[i].abs() + rho * (terms + x_size[i])
        }),
        normalisation: delta.sum().abs() + rho * delta.iter().map(|v| v.abs()).sum::<f64>(),
    };
    let by_bath: Vec<_> = weights.iter().map(|b| b.per_flow.clone()).collect();
    let sensitive = figure_errors(
        System::Factored(lu),
        &residual,
        &DMatrix::from_columns(&by_bath),
    );
    let sums = NOISE_FACTOR * f64::EPSILON;
    let currents = weights
        .iter()
        .zip(&deltas)
        .zip(&sensitive)
        .map(|((bath, dw), sensitive)| {
            // E · ΔW_k g over the gaps, as the weights are formed.
            let (own, own_size) = dw.as_ref().map_or((0.0, 0.0), |dw| {
                let (mut sum, mut size) = (0.0, 0.0);
                for b in 0..d {
                    for a in (0..d).filter(|&a| a != b) {
                        let term = dw[(a, b)] * (e[a] - e[b]) * gibbs[b];
                        sum += term;
                        size += term.abs();
                    }
                }
                (sum, size)
            });
            let moved = bath.scale(&delta);
            let current = own + bath.per_flow.dot(&delta);
            (
                current,
                sensitive + sums * (own_size + moved + current.abs()),
            )
        })
        .collect();
    Some(currents)
}

/// The temperature of the baths that move fastest together (the sum of
/// their fastest rates; ties to the first bath's), among those that drive
/// a loop: the Gibbs state the NESS is nearest to. None where such a bath
/// has no temperature.
fn reference_temperature(scene: &Scene) -> Option<f64> {
    let mut by_temperature: Vec<(f64, f64)> = Vec::new();
    for (k, (bath, wk)) in scene.baths.iter().zip(scene.parts).enumerate() {
        let rate = fastest_rate(wk);
        // A bath on bridges alone keeps its own transitions in balance
        // whatever the others do: its Gibbs state says nothing of the
        // loops (found: a fast pendant bath at T = 0.3 beside a loop at
        // 0.3 and 0.30000001 made the reference, estimate 7.7e-6 where
        // the figures were right to 1.4e-8).
        if rate == 0.0 || bridged(scene.parts, k) {
            continue;
        }
        if !bath.temperature.is_finite() || bath.temperature <= 0.0 {
            return None;
        }
        match by_temperature
            .iter_mut()
            .find(|(t, _)| *t == bath.temperature)
        {
            Some((_, total)) => *total += rate,
            None => by_temperature.push((bath.temperature, rate)),
        }
    }
    by_temperature
        .iter()
        .fold(None, |best: Option<(f64, f64)>, &(t, r)| match best {
            Some((_, b)) if b >= r => best,
            _ => Some((t, r)),
        })
        .map(|(t, _)| t)
}
