//! The first law as a second route to one heat: at the OSS the heats add
//! up to the work, Σ_k Q_k = E (at the NESS, to 0), so the heat least
//! certain on its own may be taken as the work less the others.
//!
//! Why: a fast bath's heat is a difference of its detailed-balance-sized
//! flows, which cancel to the slow bath's current; formed directly its
//! rounding is ε times the fast rates, over the whole stroke, while the
//! work and a slow bath's heat carry only their own (found: a maser at
//! Γ_h = 1 beside Γ_c = 1e-9, the hot heat 2.5e-8 with a noise of 1.3e-11
//! and the point flagged, where its true error was 4e-15 and the work's
//! and the cold heat's noises were below 1e-15). The entropy production
//! eliminates the same heat the same way (verdict::entropy_production).
//!
//! The first law is not thereby assumed: the heat formed directly stays
//! a check of last resort (`FirstLaw`), against the work within both
//! their noises.

/// Σ_k Q_k as formed directly, bath by bath, and the noise within which
/// it must meet the work.
#[derive(Debug, Clone, Copy)]
pub struct FirstLaw {
    pub direct_sum: f64,
    pub noise: f64,
}

/// The heats (`direct`, with `noise`) with the noisiest one replaced by
/// the work (with `work_noise`) less the others where that route is the
/// less noisy; and the first law's check on the direct heats.
pub fn balanced(
    direct: &[f64],
    noise: &[f64],
    work: f64,
    work_noise: f64,
) -> (Vec<f64>, Vec<f64>, FirstLaw) {
    let first_law = FirstLaw {
        direct_sum: direct.iter().sum(),
        noise: noise.iter().sum::<f64>() + work_noise,
    };
    let (mut heats, mut noises) = (direct.to_vec(), noise.to_vec());
    // The noisiest heat, ties to the lower index (deterministic).
    let Some(r) = (0..noise.len()).max_by(|&i, &j| noise[i].total_cmp(&noise[j]).then(j.cmp(&i)))
    else {
        return (heats, noises, first_law);
    };
    let others = (0..direct.len()).filter(|&k| k != r);
    let rest_noise: f64 = others.clone().map(|k| noise[k]).sum();
    // The roundings of the sum (a few ε of its terms).
    let sizes = work.abs() + others.map(|k| direct[k].abs()).sum::<f64>();
    let by_law_noise = work_noise + rest_noise + 4.0 * f64::EPSILON * sizes;
    if by_law_noise.is_finite() && by_law_noise < noise[r] {
        heats[r] = by_law(direct, r, work);
        noises[r] = by_law_noise;
    }
    (heats, noises, first_law)
}

/// Heat r as the energy the baths brought in, `total` (the work at the
/// OSS; over any stroke, the battery's energy change), less the others'.
pub fn by_law(heats: &[f64], r: usize, total: f64) -> f64 {
    let rest: f64 = (0..heats.len()).filter(|&k| k != r).map(|k| heats[k]).sum();
    total - rest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_noisiest_heat_follows_from_the_work_where_that_is_surer() {
        // Q_h = 2.5e-8 ± 1e-11 directly; Q_c = −1e-8 ± 1e-16; W = 1.5e-8
        // ± 1e-16: Q_h = W − Q_c = 2.5e-8 ± about 2e-16.
        let (h, n, law) = balanced(&[2.5e-8 + 3e-12, -1e-8], &[1e-11, 1e-16], 1.5e-8, 1e-16);
        assert_eq!(h[1], -1e-8);
        assert!((h[0] - 2.5e-8).abs() < 1e-22, "{}", h[0]);
        assert!(n[0] < 3e-16 && n[0] > 2e-16, "{}", n[0]);
        assert_eq!(n[1], 1e-16);
        assert!((law.direct_sum - (1.5e-8 + 3e-12)).abs() < 1e-22);
        assert!((law.noise - (1e-11 + 2e-16)).abs() < 1e-24);
    }

    #[test]
    fn a_noisier_work_leaves_the_heats_as_formed() {
        let (h, n, _) = balanced(&[2.5e-8, -1e-8], &[1e-11, 1e-16], 1.5e-8, 1e-10);
        assert_eq!(h, vec![2.5e-8, -1e-8]);
        assert_eq!(n, vec![1e-11, 1e-16]);
    }
}
