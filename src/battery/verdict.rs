//! A point's last judgements, once its figures and their noises are
//! known: the entropy production with its noise (the second law as a
//! check), the laws of last resort (probability and the first law), and
//! the status and message that follow.

use nalgebra::DVector;

use super::balance::FirstLaw;
use super::generator::BathPoint;
use super::status::{BatteryFigures, BatteryStatus};
use nessbat_kernels::trust::TOLERANCE_F64;

/// A figure f64 could not resolve, which flags the point whatever its
/// estimate says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unresolved {
    None,
    /// The work is below its rounding (the extraction swaps populations
    /// that differ by less).
    Work,
    /// A heat is below its noise, which is not negligible.
    Heat,
    /// The extraction brings two or more populations into the degenerate
    /// levels first..=last (`cycle::ambiguous_arrivals`): which goes where
    /// is a choice of labels, and the cycle depends on it.
    Extraction {
        first: usize,
        last: usize,
    },
}

impl Unresolved {
    /// An ambiguous extraction first (no figure is the battery's own);
    /// then the work's failure: the heats' follows from it.
    pub fn of(extraction: Option<std::ops::Range<usize>>, work: bool, heat: bool) -> Unresolved {
        match (extraction, work, heat) {
            (Some(run), _, _) => Unresolved::Extraction {
                first: run.start,
                last: run.end - 1,
            },
            (None, true, _) => Unresolved::Work,
            (None, false, true) => Unresolved::Heat,
            (None, false, false) => Unresolved::None,
        }
    }
}

/// The entropy production −Σ_k β_k Q_k and its noise, from the heats and
/// their noises and the work (with its noise). NaN where a bath has no
/// temperature (explicit rates), with no error of its own; an exact 0
/// where no current flows.
pub fn entropy_production(
    baths: &[BathPoint],
    heats: &[f64],
    heat_noise: &[f64],
    (work, work_noise): (f64, f64),
    no_current: bool,
) -> (f64, f64) {
    let thermal = baths.iter().all(|b| b.temperature.is_finite());
    if !thermal {
        return (f64::NAN, 0.0);
    }
    if no_current {
        return (0.0, 0.0);
    }
    let eps = f64::EPSILON;
    // Formed with the first law (Σ_k Q_k = E) as σ = −β_r E − Σ_k (β_k −
    // β_r) Q_k, β_r the inverse temperature of the bath whose heat is
    // least certain. The heats' errors are correlated (they come from one
    // state, and add up to the work's), so near equal temperatures the
    // direct sum would cancel terms of size βQ down to σ ∝ ΔT², each with
    // its noise; this form carries the heats' noise only through β_k −
    // β_r, and the work's through β_r. Equal temperatures: every term an
    // exact 0.
    // β_k − β_r is formed from the temperatures, (T_r − T_k)/(T_k T_r):
    // near equal temperatures the difference of rounded inverses keeps only
    // ε/(β_k − β_r) of itself (found: σ off by 1e-9 at T_h/T_c = 1 + 1e-9,
    // its estimate 1e-12, once the heats were resolved there). Divided by
    // the larger temperature first, so that no quotient passes f64's range
    // where β_k − β_r does not (found: inf, and NaN beside a Γ = 0 bath,
    // at status ok for T_h = 1e300 beside T_c = 1e-9).
    let t: Vec<f64> = baths.iter().map(|b| b.temperature).collect();
    let r = (0..baths.len())
        .max_by(|&i, &j| heat_noise[i].total_cmp(&heat_noise[j]).then(j.cmp(&i)))
        .unwrap_or(0);
    let beta_r = 1.0 / t[r];
    let mut sigma = 0.0 - beta_r * work;
    let mut noise = beta_r * (work_noise + 4.0 * eps * work.abs());
    for k in 0..baths.len() {
        let db = match t[k] <= t[r] {
            true => (t[r] - t[k]) / t[r] / t[k],
            false => -((t[k] - t[r]) / t[k] / t[r]),
        };
        sigma -= db * heats[k];
        noise += db.abs() * (heat_noise[k] + 4.0 * eps * heats[k].abs());
    }
    (sigma, noise)
}

/// The status and message of figures `f` whose error estimate is set:
/// an unresolved figure, an estimate beyond the tolerance, a broken law
/// (the states `(p, q)` after extraction and charged, with `drift`, how
/// far the stroke's rounding moves q's sum; the heats' and work's
/// noises), or a negative entropy production beyond its noise flag the
/// point; otherwise it stays ok.
pub fn judge(
    f: &mut BatteryFigures,
    unresolved: Unresolved,
    heat_noise: &[f64],
    first_law: FirstLaw,
    (p, q, drift): (&DVector<f64>, &DVector<f64>, f64),
    entropy_noise: f64,
) {
    let entropy = f.entropy_production;
    if let Unresolved::Extraction { first, last } = unresolved {
        f.status = BatteryStatus::Imprecise;
        f.message = Some(format!(
            "the optimal extraction is not unique: it brings several populations into the degenerate levels {first} to {last}, and which level takes which (a choice of labels) changes the cycle; accepted: levels split by more than 1e-10 of H's scale, or baths that treat them alike"
        ));
    } else if unresolved == Unresolved::Work {
        f.error_estimate = f64::INFINITY;
        f.status = BatteryStatus::Imprecise;
        f.message = Some(
            "the work is below f64's resolution: the extraction swaps populations that differ by less than their rounding (a stroke this short, rates this small, or excited populations this small)"
                .into(),
        );
    } else if unresolved == Unresolved::Heat {
        f.status = BatteryStatus::Imprecise;
        f.message = Some(format!(
            "a heat current is below its rounding noise ({}): not resolvable in f64 (temperatures this close, rates this stiff, or currents this small)",
            f.heats
                .iter()
                .zip(heat_noise)
                .map(|(h, n)| format!("heat_{} {:.1e} ± {n:.1e}", h.name, h.heat))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    } else if f.error_estimate > TOLERANCE_F64 {
        f.status = BatteryStatus::Imprecise;
        f.message = Some(format!(
            "the figures cannot be resolved to {TOLERANCE_F64:e} in f64 (estimated relative error {:.1e})",
            f.error_estimate
        ));
    } else if let Some(why) = laws_broken(f, (p, q, drift), first_law) {
        // The checks of last resort: a figure the estimate passed but that
        // breaks probability or the first law is not a figure.
        f.status = BatteryStatus::Imprecise;
        f.message = Some(why);
    } else if entropy < -entropy_noise {
        f.status = BatteryStatus::Imprecise;
        f.message = Some(format!(
            "the entropy production {entropy:e} is negative beyond rounding"
        ));
    }
}

/// Why the figures break probability or the first law, if they do: the
/// states must be distributions (to rounding), and the heats must add up
/// to the work (Σ Q_k = E at the OSS).
/// The heats as formed directly (`first_law`: a heat reported may have
/// come from the first law itself, battery::balance) may miss the work by
/// the sum of their own noises and the work's, and by 1e-9 of the
/// largest of them. A state's sum
/// may miss 1 by 1e-12 per level, and the charged one's also by `drift`,
/// Σ_j |Σ_i C_ij| p_j, the stroke's measured column sums on p, which the
/// error estimate already carries (found: a maser at Γ_h = 100 whose
/// charged state summed to 1 + 3e-12, flagged, its figures right to 1e-11
/// and its estimate 1.2e-8).
fn laws_broken(
    f: &BatteryFigures,
    (p, q, drift): (&DVector<f64>, &DVector<f64>, f64),
    first_law: FirstLaw,
) -> Option<String> {
    let d = p.len() as f64;
    for (what, v, slack) in [("after extraction", p, 0.0), ("charged", q, 2.0 * drift)] {
        let total: f64 = v.iter().sum();
        let low = v.iter().copied().fold(f64::INFINITY, f64::min);
        if (total - 1.0).abs() > 1e-12 * d + slack || low < -1e-12 * d {
            return Some(format!(
                "the state {what} is no distribution (sum {total}, smallest {low:e}): out of reach in f64"
            ));
        }
    }
    let FirstLaw {
        direct_sum: sum,
        noise,
    } = first_law;
    let scale = f
        .heats
        .iter()
        .map(|h| h.heat.abs())
        .fold(f.ergotropy.abs(), f64::max);
    if (sum - f.ergotropy).abs() > 1e-9 * scale + noise {
        return Some(format!(
            "the heats add up to {sum:e} but the work is {:e}: the first law fails, out of reach in f64",
            f.ergotropy
        ));
    }
    None
}
