//! CPU twin of shaders/battery_stroke.wgsl: the charging stroke of a
//! user-defined battery, C = e^X − I and F = τ φ1(X) for X = W τ, with the
//! shader's names and steps (Taylor of φ1 at X/2^s, then s doublings), on
//! row-major d × d slices. The main crate's f64 oracle
//! (battery::cycle::Stroke) forms the same blocks with nalgebra; tests
//! check the three against one another.

use crate::layout::{STROKE_REMAINDER, STROKE_TERMS, STROKE_THETA};

/// c = a b on d × d row-major matrices.
fn matmul_into(d: usize, a: &[f64], b: &[f64], c: &mut [f64]) {
    for i in 0..d {
        for j in 0..d {
            let mut s = 0.0;
            for k in 0..d {
                s += a[i * d + k] * b[k * d + j];
            }
            c[i * d + j] = s;
        }
    }
}

/// The largest absolute column sum (‖·‖₁).
fn norm1(d: usize, x: &[f64]) -> f64 {
    (0..d)
        .map(|j| (0..d).map(|i| x[i * d + j].abs()).sum::<f64>())
        .fold(0.0, f64::max)
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

/// The stroke of one point: `x` = Wτ (d × d, row-major) over `tau`, into
/// `change` (e^X − I) and `integral` (F).
pub fn stroke(d: usize, x: &[f64], tau: f64, change: &mut [f64], integral: &mut [f64]) {
    let dd = d * d;
    let mut y = x[..dd].to_vec();
    let sc = scaling(norm1(d, &y));
    for v in y.iter_mut() {
        *v *= sc.scale;
    }
    // Horner: φ1 = I + Y/2 (I + Y/3 (I + … (I + Y/(m+1)))).
    let mut phi = vec![0.0; dd];
    let mut tmp = vec![0.0; dd];
    for k in 0..d {
        phi[k * d + k] = 1.0;
    }
    for j in (1..=sc.terms).rev() {
        matmul_into(d, &y, &phi, &mut tmp);
        for k in 0..dd {
            phi[k] = tmp[k] / (f64::from(j) + 1.0);
        }
        for k in 0..d {
            phi[k * d + k] += 1.0;
        }
    }
    // C = Y φ1(Y); then φ1(2Y) = φ1(Y)(I + C/2), C(2Y) = 2C + C².
    let c = &mut change[..dd];
    matmul_into(d, &y, &phi, c);
    for _ in 0..sc.s {
        matmul_into(d, &phi, c, &mut tmp);
        for k in 0..dd {
            phi[k] += tmp[k] * 0.5;
        }
        matmul_into(d, c, c, &mut tmp);
        for k in 0..dd {
            c[k] = c[k] * 2.0 + tmp[k];
        }
    }
    for k in 0..dd {
        integral[k] = phi[k] * tau;
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
