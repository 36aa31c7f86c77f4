//! The GPU's NESS and OSS of a point (kernels/shaders/battery_oss.wgsl),
//! read from the kernel's output and checked by the host before they are
//! used: the NESS must solve W p = 0 with Σ p = 1, and the OSS must be a
//! fixed point of its cycle, p = P (I + C) p, with P the order that sorts
//! the charged state (or one differing only by populations equal to
//! rounding). Each check is O(d²), a fraction of the solves it stands
//! for; a point that fails one (or that the kernel did not settle) is
//! solved on the host, so a wrong result on the device costs time, never
//! a number.

use nalgebra::{DMatrix, DVector};

use super::cycle::{passive_order, permute, Oss};
use super::point::Solved;
use nessbat_kernels::layout::OSS_TIE;

/// Residuals allowed, in units of ε times the scale of their terms: a
/// refined solve's is a few; a wrong one is many orders above.
const CHECK: f64 = 1024.0;

/// The kernel's output `out` (4d + 3 reals) for generator `w` and stroke
/// change `change`, if it is a settled, checked solution.
pub fn checked(
    w: &DMatrix<f64>,
    change: &DMatrix<f64>,
    out: &[f64],
    blocks: &[std::ops::Range<usize>],
) -> Option<Solved> {
    let d = w.nrows();
    if out[4 * d + 2] != 1.0 {
        return None;
    }
    let vector = |k: usize| DVector::from_column_slice(&out[k * d..(k + 1) * d]);
    let (ness, p, q) = (vector(0), vector(1), vector(2));
    let mut order = Vec::with_capacity(d);
    for &v in &out[3 * d..4 * d] {
        let level = v as usize;
        if level as f64 != v || level >= d || order.contains(&level) {
            return None;
        }
        order.push(level);
    }
    let (ness_correction, correction) = (out[4 * d], out[4 * d + 1]);
    let finite = |x: &DVector<f64>| x.iter().all(|v| v.is_finite());
    let all_finite = finite(&ness)
        && finite(&p)
        && finite(&q)
        && ness_correction.is_finite()
        && correction.is_finite();
    if !all_finite {
        return None;
    }
    let eps = CHECK * f64::EPSILON * d as f64;
    // The NESS: W p = 0 against the scale of W's terms, Σ p = 1.
    let scale = w.amax() * ness.amax();
    if (w * &ness).amax() > eps * scale || (ness.sum() - 1.0).abs() > eps {
        return None;
    }
    // The OSS: q = p + C p, p = q sorted by the order, and the order the
    // one q sorts into (or tied with it).
    if (&p + change * &p - &q).amax() > eps * q.amax() {
        return None;
    }
    if (permute(&q, &order) - &p).amax() > eps * q.amax() {
        return None;
    }
    let next = passive_order(&q, blocks);
    let tie = OSS_TIE * f64::EPSILON * q.amax();
    if next != order && (permute(&q, &order) - permute(&q, &next)).amax() > tie {
        return None;
    }
    Some(Solved {
        ness,
        ness_correction,
        oss: Oss {
            passive: p,
            charged: q,
            order,
            correction,
            iterated: false,
            factors: None,
        },
    })
}
