//! CPU twin of shaders/battery_oss.wgsl, and of its workgroup-per-point
//! entry shaders/battery_oss_wide.wgsl (whose entries are formed by the
//! same operations in the same order): a user-defined battery's NESS and
//! operational steady state from its generator W and its stroke's change
//! C = e^{Wτ} − I, with the shader's names and steps, on row-major d × d
//! slices:
//! - the NESS, W p = 0 with Σ p = 1: W's last row replaced by the
//!   normalisation, LU with partial pivoting, two steps of iterative
//!   refinement (the second step's size is the solve's error);
//! - the OSS by policy iteration from the NESS's order: for an order, the
//!   fixed point of p ↦ P(I + C)p (the same solve), kept where the charged
//!   state q = p + C p sorts into that order (or one that differs only by
//!   swapping populations equal to rounding), else the order q sorts into
//!   is tried next, at most 4d + 16 times.
//!
//! It does what the main crate's f64 path (battery::cycle::solve) does
//! before that path's fallback (iterating the cycle itself where the
//! orders cycle), which it leaves to the host: a point it does not settle
//! is marked so and solved there. Sums run in the shader's order.

use crate::layout::{OSS_TIE, OSS_WIDTH_EXTRA};

/// The largest |x_i| of the first d entries.
fn amax(d: usize, x: &[f64]) -> f64 {
    let mut m = 0.0f64;
    for v in x.iter().take(d) {
        m = m.max(v.abs());
    }
    m
}

/// LU with partial pivoting of the d × d `a`, in place (L below the
/// diagonal, unit; U on and above), rows swapped as `perm` records. The
/// pivot is the first largest |entry| of its column.
fn lu_factor(d: usize, a: &mut [f64], perm: &mut [usize]) {
    for (i, p) in perm.iter_mut().enumerate().take(d) {
        *p = i;
    }
    for c in 0..d {
        let mut piv = c;
        for r in c + 1..d {
            if a[r * d + c].abs() > a[piv * d + c].abs() {
                piv = r;
            }
        }
        if piv != c {
            for k in 0..d {
                a.swap(c * d + k, piv * d + k);
            }
            perm.swap(c, piv);
        }
        let pivot = a[c * d + c];
        if pivot == 0.0 {
            continue;
        }
        for r in c + 1..d {
            let l = a[r * d + c] / pivot;
            a[r * d + c] = l;
            for k in c + 1..d {
                a[r * d + k] -= l * a[c * d + k];
            }
        }
    }
}

/// x with (LU) x = P b; false where U is singular or x not finite.
fn lu_solve(d: usize, lu: &[f64], perm: &[usize], b: &[f64], x: &mut [f64]) -> bool {
    for i in 0..d {
        let mut s = b[perm[i]];
        for k in 0..i {
            s -= lu[i * d + k] * x[k];
        }
        x[i] = s;
    }
    for i in (0..d).rev() {
        let mut s = x[i];
        for k in i + 1..d {
            s -= lu[i * d + k] * x[k];
        }
        let u = lu[i * d + i];
        if u == 0.0 {
            return false;
        }
        x[i] = s / u;
    }
    x.iter().take(d).all(|v| v.is_finite())
}

/// A normalised null vector's solve: `a` (d × d, columns summing to
/// zero) with its last row replaced by ones, factored into `lu`, and `p`
/// solved from e_{d−1}, unrefined. False where singular.
fn null_solve(d: usize, a: &mut [f64], lu: &mut [f64], perm: &mut [usize], p: &mut [f64]) -> bool {
    for k in 0..d {
        a[(d - 1) * d + k] = 1.0;
    }
    lu[..d * d].copy_from_slice(&a[..d * d]);
    lu_factor(d, lu, perm);
    let mut rhs = [0.0; 16];
    rhs[d - 1] = 1.0;
    lu_solve(d, lu, perm, &rhs, p)
}

/// Two steps of iterative refinement of `p`; the size of the second, or
/// None where a step fails.
fn refine(d: usize, a: &[f64], lu: &[f64], perm: &[usize], p: &mut [f64]) -> Option<f64> {
    let mut correction = 0.0;
    for _ in 0..2 {
        let mut r = [0.0; 16];
        for i in 0..d {
            let mut s = if i == d - 1 { 1.0 } else { 0.0 };
            for k in 0..d {
                s -= a[i * d + k] * p[k];
            }
            r[i] = s;
        }
        let mut delta = [0.0; 16];
        if !lu_solve(d, lu, perm, &r, &mut delta) {
            return None;
        }
        for i in 0..d {
            p[i] += delta[i];
        }
        correction = amax(d, &delta);
    }
    p.iter()
        .take(d)
        .all(|v| v.is_finite())
        .then_some(correction)
}

/// The order that sorts `q` decreasing, ties to the lower level.
fn passive_order(d: usize, q: &[f64], order: &mut [usize]) {
    for (i, o) in order.iter_mut().enumerate().take(d) {
        *o = i;
    }
    // Insertion sort: before(a, b) where q[a] > q[b], or equal and a < b.
    for i in 1..d {
        let v = order[i];
        let mut j = i;
        while j > 0 {
            let u = order[j - 1];
            let before = q[v] > q[u] || (q[v] == q[u] && v < u);
            if !before {
                break;
            }
            order[j] = u;
            j -= 1;
        }
        order[j] = v;
    }
}

/// P C + P − I for the order `order` (row i takes level order[i]).
fn cycle_matrix(d: usize, change: &[f64], order: &[usize], a: &mut [f64]) {
    for i in 0..d {
        let src = order[i];
        for k in 0..d {
            a[i * d + k] = change[src * d + k];
        }
        a[i * d + src] += 1.0;
        a[i * d + i] -= 1.0;
    }
}

/// The charged state q = p + C p, the order it sorts into, and whether
/// that order is `order` or differs from it only by populations equal to
/// rounding.
fn sorts(
    d: usize,
    change: &[f64],
    p: &[f64],
    order: &[usize],
    q: &mut [f64],
    next: &mut [usize],
) -> bool {
    for i in 0..d {
        let mut s = 0.0;
        for k in 0..d {
            s += change[i * d + k] * p[k];
        }
        q[i] = p[i] + s;
    }
    passive_order(d, q, next);
    let tie = OSS_TIE * f64::EPSILON * amax(d, q);
    let mut gap = 0.0f64;
    for i in 0..d {
        gap = gap.max((q[order[i]] - q[next[i]]).abs());
    }
    gap <= tie
}

/// The NESS and OSS of one point, as the kernel writes them: the NESS
/// (d), the state after extraction p (d), the charged state q (d), the
/// order (d, as reals), then the NESS solve's error, the OSS solve's, and
/// 1 where the OSS was found (0: the host solves this point).
pub fn oss(d: usize, w: &[f64], change: &[f64], out: &mut [f64]) {
    let width = 4 * d + OSS_WIDTH_EXTRA;
    for v in out[..width].iter_mut() {
        *v = 0.0;
    }
    let (mut a, mut lu) = ([0.0; 256], [0.0; 256]);
    let mut perm = [0usize; 16];
    let mut ness = [0.0; 16];
    a[..d * d].copy_from_slice(&w[..d * d]);
    if !null_solve(d, &mut a, &mut lu, &mut perm, &mut ness) {
        return;
    }
    let Some(ness_correction) = refine(d, &a, &lu, &perm, &mut ness) else {
        return;
    };
    let (mut order, mut next) = ([0usize; 16], [0usize; 16]);
    passive_order(d, &ness, &mut order);
    let mut p = [0.0; 16];
    let mut q = [0.0; 16];
    for _ in 0..4 * d + 16 {
        cycle_matrix(d, change, &order, &mut a);
        if !null_solve(d, &mut a, &mut lu, &mut perm, &mut p) {
            return;
        }
        // Unrefined first: an order the charged state leaves is left at
        // once; the one it settles on is refined.
        let stays = sorts(d, change, &p, &order, &mut q, &mut next);
        if stays || next[..d] == order[..d] {
            let Some(correction) = refine(d, &a, &lu, &perm, &mut p) else {
                return;
            };
            let stays = sorts(d, change, &p, &order, &mut q, &mut next);
            if stays || next[..d] == order[..d] {
                for i in 0..d {
                    out[i] = ness[i];
                    out[d + i] = p[i];
                    out[2 * d + i] = q[i];
                    out[3 * d + i] = order[i] as f64;
                }
                out[4 * d] = ness_correction;
                out[4 * d + 1] = correction;
                out[4 * d + 2] = 1.0;
                return;
            }
        }
        order = next;
    }
}
