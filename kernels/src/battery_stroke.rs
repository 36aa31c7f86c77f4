//! CPU twin of shaders/battery_stroke.wgsl: the charging stroke of a
//! user-defined battery, C = e^X − I and F = τ φ1(X) for X = W τ, with the
//! shader's names and steps (Taylor of φ1 at X/2^s, then s doublings), on
//! row-major d × d slices. The main crate's f64 oracle
//! (battery::cycle::Stroke) forms the same blocks with nalgebra; tests
//! check the three against one another.

use crate::layout::{STROKE_REMAINDER, STROKE_TERMS, STROKE_THETA};
use crate::real::Real;

/// c = a b on the leading d × d blocks.
#[inline(always)]
fn matmul_into<T: Real, const D: usize>(
    d: usize,
    a: &[[T; D]; D],
    b: &[[T; D]; D],
    c: &mut [[T; D]; D],
) {
    for i in 0..d {
        for j in 0..d {
            let mut s = T::splat(0.0);
            for k in 0..d {
                s = s + a[i][k] * b[k][j];
            }
            c[i][j] = s;
        }
    }
}

/// The largest absolute column sum (‖·‖₁) of the leading d × d block.
#[inline(always)]
fn norm1<T: Real, const D: usize>(d: usize, x: &[[T; D]; D]) -> T {
    let mut norm = T::splat(0.0);
    for j in 0..d {
        let mut s = T::splat(0.0);
        for row in x.iter().take(d) {
            s = s + row[j].abs();
        }
        norm = norm.max(s);
    }
    norm
}

/// How X is scaled (by 2^-s, to ‖X/2^s‖₁ ≤ θ) and how many Taylor terms
/// of φ1 it needs.
struct Scaling {
    s: u32,
    terms: u32,
    scale: f64,
}

/// The scaling of a matrix of norm ‖X‖₁ = `norm`: halvings (exact),
/// bounded, then the fewest terms whose remainder is below
/// STROKE_REMAINDER.
fn scaling(norm: f64) -> Scaling {
    let mut theta = norm;
    let mut scale = 1.0;
    let mut s = 0u32;
    while theta > STROKE_THETA && s < 64 {
        theta *= 0.5;
        scale *= 0.5;
        s += 1;
    }
    let mut terms = 1u32;
    let mut remainder = theta / 2.0;
    while remainder > STROKE_REMAINDER && terms < STROKE_TERMS {
        terms += 1;
        remainder *= theta / (f64::from(terms) + 1.0);
    }
    Scaling { s, terms, scale }
}

/// The strokes of `T::LANES` points at once, one per lane, on the leading
/// d × d blocks of D × D arrays: `x` = Wτ over `tau`, into `change`
/// (e^X − I) and `integral` (F). Each lane takes its own scaling and
/// number of terms; the steps a lane does not need leave it as it was
/// (selected), so every lane's numbers are those of the scalar twin bit
/// for bit, whichever points share a register.
#[inline(always)]
pub fn stroke_lanes<T: Real, const D: usize>(
    d: usize,
    x: &[[T; D]; D],
    tau: T,
    change: &mut [[T; D]; D],
    integral: &mut [[T; D]; D],
) {
    // The per-lane choices are scalar: the lanes' norms, read out.
    let mut norms = [0.0; crate::params::MAX_LANES];
    norm1(d, x).store(&mut norms);
    let lanes = [0.0; crate::params::MAX_LANES];
    let (mut scales, mut steps, mut terms) = (lanes, lanes, lanes);
    let (mut most_steps, mut most_terms) = (0u32, 0u32);
    for l in 0..T::LANES {
        let sc = scaling(norms[l]);
        scales[l] = sc.scale;
        steps[l] = f64::from(sc.s);
        terms[l] = f64::from(sc.terms);
        most_steps = most_steps.max(sc.s);
        most_terms = most_terms.max(sc.terms);
    }
    let (scale, steps, terms) = (
        T::from_lanes(&scales),
        T::from_lanes(&steps),
        T::from_lanes(&terms),
    );
    let zero = T::splat(0.0);
    let mut y = [[zero; D]; D];
    for i in 0..d {
        for j in 0..d {
            y[i][j] = x[i][j] * scale;
        }
    }
    // Horner: φ1 = I + Y/2 (I + Y/3 (I + … (I + Y/(m+1)))), from each
    // lane's own m down.
    let mut phi = [[zero; D]; D];
    let mut tmp = [[zero; D]; D];
    for (k, row) in phi.iter_mut().enumerate().take(d) {
        row[k] = T::splat(1.0);
    }
    for j in (1..=most_terms).rev() {
        let live = T::splat(f64::from(j)).le(terms);
        matmul_into(d, &y, &phi, &mut tmp);
        let by = T::splat(f64::from(j) + 1.0);
        for i in 0..d {
            for k in 0..d {
                let mut v = tmp[i][k] / by;
                if i == k {
                    v = v + T::splat(1.0);
                }
                phi[i][k] = T::select(live, v, phi[i][k]);
            }
        }
    }
    // C = Y φ1(Y); then φ1(2Y) = φ1(Y)(I + C/2), C(2Y) = 2C + C², for
    // each lane's own number of doublings.
    matmul_into(d, &y, &phi, change);
    for step in 0..most_steps {
        let live = T::splat(f64::from(step)).lt(steps);
        matmul_into(d, &phi, change, &mut tmp);
        for i in 0..d {
            for k in 0..d {
                phi[i][k] = T::select(live, phi[i][k] + tmp[i][k] * T::splat(0.5), phi[i][k]);
            }
        }
        matmul_into(d, change, change, &mut tmp);
        for i in 0..d {
            for k in 0..d {
                let c = change[i][k];
                change[i][k] = T::select(live, c * T::splat(2.0) + tmp[i][k], c);
            }
        }
    }
    for i in 0..d {
        for k in 0..d {
            integral[i][k] = phi[i][k] * tau;
        }
    }
}

/// The stroke of one point: `x` = Wτ (d × d, row-major, d ≤ 16) over
/// `tau`, into `change` (e^X − I) and `integral` (F); the scalar twin of
/// the shader, [`stroke_lanes`] on one lane.
pub fn stroke(d: usize, x: &[f64], tau: f64, change: &mut [f64], integral: &mut [f64]) {
    let mut m = [[0.0; 16]; 16];
    for i in 0..d {
        m[i][..d].copy_from_slice(&x[i * d..(i + 1) * d]);
    }
    let (mut c, mut f) = ([[0.0; 16]; 16], [[0.0; 16]; 16]);
    stroke_lanes::<f64, 16>(d, &m, tau, &mut c, &mut f);
    for i in 0..d {
        change[i * d..(i + 1) * d].copy_from_slice(&c[i][..d]);
        integral[i * d..(i + 1) * d].copy_from_slice(&f[i][..d]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A two-level generator's stroke in closed form: with rates u (up)
    /// and v (down), r = u + v, C = (1 − e^{−rτ})/r · W and F = τI +
    /// (e^{−rτ} − 1 + rτ)/r² · W.
    #[test]
    fn two_levels_match_the_closed_form() {
        for (u, v, tau) in [
            (0.3, 0.7, 0.01),
            (0.3, 0.7, 5.0),
            (1e-3, 2e-3, 150.0),
            (2.0, 3.0, 12.0),
        ] {
            let w = [-u, v, u, -v];
            let x: Vec<f64> = w.iter().map(|a| a * tau).collect();
            let (mut c, mut f) = ([0.0; 4], [0.0; 4]);
            stroke(2, &x, tau, &mut c, &mut f);
            let r: f64 = u + v;
            let a = -(-r * tau).exp_m1() / r;
            let b = ((-r * tau).exp_m1() + r * tau) / (r * r);
            for k in 0..4 {
                let id = if k == 0 || k == 3 { 1.0 } else { 0.0 };
                let (ce, fe) = (a * w[k], tau * id + b * w[k]);
                assert!(
                    (c[k] - ce).abs() <= 1e-14 * ce.abs().max(1e-300) + 1e-17,
                    "C {k}: {} vs {ce}",
                    c[k]
                );
                assert!(
                    (f[k] - fe).abs() <= 1e-13 * fe.abs().max(tau * 1e-3),
                    "F {k}: {} vs {fe}",
                    f[k]
                );
            }
        }
    }
}
