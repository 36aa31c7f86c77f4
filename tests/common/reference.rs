//! An independent reference for user-defined batteries, in double-double
//! arithmetic (about 32 digits): its own rate matrix from the convention,
//! its own matrix exponential (Taylor series with scaling and squaring) of
//! the Van Loan block matrix, its own Gaussian elimination, and the OSS
//! checked by its definition, p = sort(e^{Wτ} p). Nothing is shared with
//! the code under test but the convention. H is diagonal (the levels
//! builder's form), so |⟨a|X_k|b⟩|² is the square of the coupling entry,
//! with no eigensolver.

// Index loops over matrices read as the maths does.
#![allow(clippy::needless_range_loop)]

use super::dd::Dd;
use nessbat::battery::BathPoint;

type M = Vec<Vec<Dd>>;

fn zeros(n: usize) -> M {
    vec![vec![Dd::from(0.0); n]; n]
}

fn matmul(a: &M, b: &M) -> M {
    let n = a.len();
    let mut c = zeros(n);
    for i in 0..n {
        for k in 0..n {
            for j in 0..n {
                c[i][j] = c[i][j] + a[i][k] * b[k][j];
            }
        }
    }
    c
}

/// e^A by Taylor with scaling and squaring, in double-double.
fn expm(a: &M) -> M {
    let n = a.len();
    let norm = a
        .iter()
        .map(|r| r.iter().map(|v| v.abs().f64()).sum::<f64>())
        .fold(0.0, f64::max);
    let s = (norm / 0.25).log2().ceil().max(0.0) as i32;
    let scaled: M = a
        .iter()
        .map(|r| r.iter().map(|v| v.ldexp(-s)).collect())
        .collect();
    let mut sum = zeros(n);
    let mut term = zeros(n);
    for i in 0..n {
        sum[i][i] = Dd::from(1.0);
        term[i][i] = Dd::from(1.0);
    }
    for k in 1..40 {
        term = matmul(&term, &scaled);
        let inv = Dd::from(1.0) / Dd::from(k as f64);
        for row in term.iter_mut() {
            for v in row.iter_mut() {
                *v = *v * inv;
            }
        }
        for i in 0..n {
            for j in 0..n {
                sum[i][j] = sum[i][j] + term[i][j];
            }
        }
    }
    for _ in 0..s {
        sum = matmul(&sum, &sum);
    }
    sum
}

/// Solves A x = b by Gaussian elimination with partial pivoting.
fn solve(mut a: M, mut b: Vec<Dd>) -> Vec<Dd> {
    let n = b.len();
    for c in 0..n {
        let p = (c..n)
            .max_by(|&i, &j| a[i][c].abs().f64().total_cmp(&a[j][c].abs().f64()))
            .unwrap();
        a.swap(c, p);
        b.swap(c, p);
        let pivot = a[c].clone();
        for r in c + 1..n {
            let f = a[r][c] / pivot[c];
            for (x, p) in a[r][c..].iter_mut().zip(&pivot[c..]) {
                *x = *x - f * *p;
            }
            b[r] = b[r] - f * b[c];
        }
    }
    let mut x = vec![Dd::from(0.0); n];
    for r in (0..n).rev() {
        let mut s = b[r];
        for k in r + 1..n {
            s = s - a[r][k] * x[k];
        }
        x[r] = s / a[r][r];
    }
    x
}

fn apply(a: &M, x: &[Dd]) -> Vec<Dd> {
    a.iter()
        .map(|r| r.iter().zip(x).fold(Dd::from(0.0), |s, (m, v)| s + *m * *v))
        .collect()
}

/// Indices of `q` in decreasing order, ties to the lower level.
fn order(q: &[Dd]) -> Vec<usize> {
    let mut o: Vec<usize> = (0..q.len()).collect();
    o.sort_by(|&i, &j| (q[j] - q[i]).f64().total_cmp(&0.0).then(i.cmp(&j)));
    o
}

pub struct Reference {
    pub ergotropy: f64,
    pub heats: Vec<f64>,
    pub entropy_production: f64,
    pub ness_ergotropy: f64,
    pub capacity: f64,
}

/// Ergotropy of `p`: Σ E_i (p_i − s_i), s the populations sorted
/// decreasing onto ascending energies.
fn ergotropy_of(e: &[f64], p: &[Dd]) -> Dd {
    let pi = order(p);
    (0..p.len()).fold(Dd::from(0.0), |s, i| s + Dd::from(e[i]) * (p[i] - p[pi[i]]))
}

/// The cycle in double-double: W_k from the convention, E and F from one
/// exponential of [[Wτ, τI], [0, 0]], the OSS by trying the permutation of
/// the charged state until it reproduces itself, from the NESS's order or
/// from `start` (a guess only: an order is accepted by the definition).
pub fn reference(
    e: &[f64],
    x: &[Vec<Vec<f64>>],
    baths: &[BathPoint],
    tau: f64,
    start: Option<&[usize]>,
) -> Option<Reference> {
    let d = e.len();
    let mut parts = Vec::new();
    for (k, b) in baths.iter().enumerate() {
        let mut w = zeros(d);
        for hi in 0..d {
            for lo in 0..hi {
                let s = Dd::from(x[k][lo][hi]) * Dd::from(x[k][lo][hi]);
                if s.f64() == 0.0 {
                    continue;
                }
                let omega = Dd::from(e[hi]) - Dd::from(e[lo]);
                let n = Dd::from(1.0) / (omega / Dd::from(b.temperature)).expm1();
                let g = Dd::from(b.gamma);
                w[lo][hi] = w[lo][hi] + g * (n + Dd::from(1.0)) * s;
                w[hi][lo] = w[hi][lo] + g * n * s;
                w[hi][hi] = w[hi][hi] - g * (n + Dd::from(1.0)) * s;
                w[lo][lo] = w[lo][lo] - g * n * s;
            }
        }
        parts.push(w);
    }
    let mut w = zeros(d);
    for p in &parts {
        for i in 0..d {
            for j in 0..d {
                w[i][j] = w[i][j] + p[i][j];
            }
        }
    }
    let mut big = zeros(2 * d);
    for i in 0..d {
        for j in 0..d {
            big[i][j] = w[i][j] * Dd::from(tau);
        }
        big[i][d + i] = Dd::from(tau);
    }
    let x2 = expm(&big);
    let prop: M = (0..d).map(|i| x2[i][..d].to_vec()).collect();
    let integral: M = (0..d).map(|i| x2[i][d..].to_vec()).collect();
    // Start from the order of the NESS, or the guess.
    let mut a = w.clone();
    a[d - 1] = vec![Dd::from(1.0); d];
    let mut rhs = vec![Dd::from(0.0); d];
    rhs[d - 1] = Dd::from(1.0);
    let ness = solve(a, rhs.clone());
    let mut pi = start.map_or_else(|| order(&ness), |s| s.to_vec());
    for _ in 0..64 {
        // (P E − I) p = 0 with Σp = 1.
        let mut a = zeros(d);
        for (i, &src) in pi.iter().enumerate() {
            a[i] = prop[src].clone();
            a[i][i] = a[i][i] - Dd::from(1.0);
        }
        a[d - 1] = vec![Dd::from(1.0); d];
        let p = solve(a, rhs.clone());
        let q = apply(&prop, &p);
        let next = order(&q);
        if next != pi {
            pi = next;
            continue;
        }
        let ergotropy: Dd =
            (0..d).fold(Dd::from(0.0), |s, i| s + Dd::from(e[i]) * (q[i] - q[pi[i]]));
        let flow = apply(&integral, &p);
        let heats: Vec<Dd> = parts
            .iter()
            .map(|wk| {
                let dq = apply(wk, &flow);
                (0..d).fold(Dd::from(0.0), |s, i| s + Dd::from(e[i]) * dq[i])
            })
            .collect();
        // −Σ Q_k/T_k with the first law (Σ Q_k = E, exact at the OSS)
        // taken from the work: −E/T_0 − Σ (1/T_k − 1/T_0) Q_k. Summed
        // directly, Σ Q_k carries this reference's own rounding of the
        // heats (found: 1.4e-29 beside heats of 8e-19 after ten squarings
        // of the block exponential), which near equal temperatures is
        // 1e-5 of an entropy production of 2e-23.
        let beta0 = Dd::from(1.0) / Dd::from(baths[0].temperature);
        let entropy = heats
            .iter()
            .zip(baths)
            .fold(Dd::from(0.0) - ergotropy * beta0, |s, (q, b)| {
                s - (Dd::from(1.0) / Dd::from(b.temperature) - beta0) * *q
            });
        // Highest minus lowest energy over q's unitary orbit: q sorted
        // onto the levels both ways.
        let mut asc: Vec<Dd> = q.clone();
        asc.sort_by(|a, b| (*a - *b).f64().total_cmp(&0.0));
        let capacity = (0..d).fold(Dd::from(0.0), |s, i| {
            s + Dd::from(e[i]) * (asc[i] - asc[d - 1 - i])
        });
        return Some(Reference {
            ergotropy: ergotropy.f64(),
            heats: heats.iter().map(|h| h.f64()).collect(),
            entropy_production: entropy.f64(),
            ness_ergotropy: ergotropy_of(e, &ness).f64(),
            capacity: capacity.f64(),
        });
    }
    None
}
