//! Random user-defined batteries (d = 3 … 8 levels, 1 to 3 baths, random
//! couplings, temperatures, rates and strokes) against an independent
//! reference written here in double-double arithmetic (about 32 digits):
//! its own rate matrix, its own matrix exponential (Taylor series with
//! scaling and squaring) of the Van Loan block matrix, its own Gaussian
//! elimination, and the OSS checked by its definition, p = sort(e^{Wτ} p).
//! Nothing is shared with the code under test but the convention.
//!
//! H is diagonal (the levels builder's form), so |⟨a|X_k|b⟩|² is the
//! square of the coupling entry, with no eigensolver in the reference.
//! Every status-ok figure must hold to the contract's 1e-6; the fraction
//! flagged is reported and held under 8 %.

// Index loops over matrices read as the maths does.
#![allow(clippy::needless_range_loop)]

mod common;

use common::dd::Dd;
use common::rng::Rng;
use std::collections::BTreeMap;

use nessbat::battery::spec::{BathSpec, Operator};
use nessbat::battery::{battery_point, BathPoint, Battery, BatterySpec, BatteryStatus, Spectrum};

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

struct Reference {
    ergotropy: f64,
    heats: Vec<f64>,
    entropy_production: f64,
    ness_ergotropy: f64,
    capacity: f64,
}

/// Ergotropy of `p`: Σ E_i (p_i − s_i), s the populations sorted
/// decreasing onto ascending energies.
fn ergotropy_of(e: &[f64], p: &[Dd]) -> Dd {
    let pi = order(p);
    (0..p.len()).fold(Dd::from(0.0), |s, i| s + Dd::from(e[i]) * (p[i] - p[pi[i]]))
}

/// The cycle in double-double: W_k from the convention, E and F from one
/// exponential of [[Wτ, τI], [0, 0]], the OSS by trying the permutation of
/// the charged state until it reproduces itself.
fn reference(e: &[f64], x: &[Vec<Vec<f64>>], baths: &[BathPoint], tau: f64) -> Option<Reference> {
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
    // Start from the order of the NESS.
    let mut a = w.clone();
    a[d - 1] = vec![Dd::from(1.0); d];
    let mut rhs = vec![Dd::from(0.0); d];
    rhs[d - 1] = Dd::from(1.0);
    let ness = solve(a, rhs.clone());
    let mut pi = order(&ness);
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
        let entropy = heats
            .iter()
            .zip(baths)
            .fold(Dd::from(0.0), |s, (q, b)| s - *q / Dd::from(b.temperature));
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

#[test]
fn random_batteries_hold_the_contract_against_a_double_double_reference() {
    let mut rng = Rng(0xBA77_0000_0001);
    let (mut ok, mut flagged, mut compared, mut failures) = (0, 0, 0, Vec::new());
    let mut flagged_near = 0;
    let n: usize = std::env::var("NB_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    for case in 0..n {
        let d = 3 + (rng.next() * 6.0) as usize;
        // Distinct levels from 0 (gaps ≥ 0.05, so nothing is degenerate).
        let mut e = vec![0.0];
        for _ in 1..d {
            let last = *e.last().unwrap();
            e.push(last + 0.05 + rng.next());
        }
        let nb = 1 + (rng.next() * 3.0) as usize;
        let mut couplings = Vec::new();
        let mut baths = Vec::new();
        for _ in 0..nb {
            let mut x = vec![vec![0.0; d]; d];
            for i in 0..d {
                for j in i + 1..d {
                    if rng.next() < 0.6 {
                        let v = 2.0 * rng.next() - 1.0;
                        x[i][j] = v;
                        x[j][i] = v;
                    }
                }
            }
            couplings.push(x);
        }
        // Every level connected (by the first bath's chain, where the
        // random entries left a gap): a disconnected battery has no unique
        // steady state, and its own test.
        for i in 1..d {
            if couplings.iter().all(|x| (0..i).all(|j| x[i][j] == 0.0)) {
                let v = 0.2 + rng.next();
                couplings[0][i][i - 1] = v;
                couplings[0][i - 1][i] = v;
            }
        }
        // One case in four near equal temperatures (relative spread 1e-8
        // to 1e-2), where the heats and the entropy production cancel.
        let near = case % 4 == 3;
        let t0 = rng.log_uniform(0.05, 20.0);
        let spread = rng.log_uniform(1e-8, 1e-2);
        for _ in 0..nb {
            let temperature = match near {
                true => t0 * (1.0 + spread * (2.0 * rng.next() - 1.0)),
                false => rng.log_uniform(0.05, 20.0),
            };
            baths.push(BathPoint {
                temperature,
                gamma: rng.log_uniform(1e-4, 1e-1),
            });
        }
        let tau = rng.log_uniform(0.01, 1e4);
        let spec = BatterySpec {
            hamiltonian: Some(
                (0..d)
                    .map(|i| (0..d).map(|j| if i == j { e[i] } else { 0.0 }).collect())
                    .collect(),
            ),
            hamiltonian_im: None,
            chain: None,
            dicke: None,
            levels: None,
            baths: couplings
                .iter()
                .enumerate()
                .map(|(k, x)| BathSpec {
                    name: format!("b{k}"),
                    coupling: Some(Operator::Matrix(x.clone())),
                    rates: None,
                    coupling_im: None,
                    spectral_exponent: None,
                    omega_ref: None,
                })
                .collect(),
        };
        let battery = Battery::new(&spec, &BTreeMap::new()).unwrap();
        let names: Vec<String> = (0..nb).map(|k| format!("b{k}")).collect();
        let f = battery_point(&Spectrum::of(&battery), &names, &baths, tau);
        if f.status != BatteryStatus::Ok {
            flagged += 1;
            if near {
                flagged_near += 1;
            }
            eprintln!("flagged #{case} d {d} τ {tau:e}: {:?}", f.message);
            continue;
        }
        ok += 1;
        let Some(r) = reference(&e, &couplings, &baths, tau) else {
            continue;
        };
        compared += 1;
        // The size of what flows in a stroke: an exact zero is within the
        // contract where the true figure is below the noise at that scale
        // (one bath, equal temperatures, a bath whose level is a dead end).
        let scale = e[d - 1] * baths.iter().map(|b| b.gamma).sum::<f64>() * tau;
        // Below 1e-12 of its scale a figure is negligible and may read as
        // an exact 0; a heat where nothing is extracted must not (the
        // NESS's currents are reported or flagged): there only the
        // reference's own rounding of a true 0 is.
        let nothing_extracted = f.ergotropy == 0.0;
        let mut check = |what: &str, got: f64, want: f64, scale: f64, zero: f64| {
            // Relative to the figure, or exact zeros where nothing runs.
            if (got - want).abs() > 1e-6 * want.abs() && !(got == 0.0 && want.abs() <= zero * scale)
            {
                failures.push(format!(
                    "#{case} d {d} τ {tau:e} baths {baths:?}: {what} {got:e}, reference {want:e}"
                ));
            }
        };
        let heat_zero = if nothing_extracted { 1e-24 } else { 1e-12 };
        check("ergotropy", f.ergotropy, r.ergotropy, scale, 1e-12);
        for (k, h) in f.heats.iter().enumerate() {
            check(&h.name, h.heat, r.heats[k], scale, heat_zero);
        }
        let coldest = baths.iter().map(|b| b.temperature).fold(f64::MAX, f64::min);
        check(
            "entropy_production",
            f.entropy_production,
            r.entropy_production,
            scale / coldest,
            heat_zero,
        );
        // States' figures are at most the top energy.
        check(
            "ness_ergotropy",
            f.ness_ergotropy,
            r.ness_ergotropy,
            e[d - 1],
            1e-12,
        );
        check("capacity", f.capacity, r.capacity, e[d - 1], 1e-12);
    }
    let near_cases = n / 4;
    eprintln!(
        "random batteries: {ok} of {n} ok, {flagged} flagged ({flagged_near} of the {near_cases} near equal temperatures), {compared} compared, {} failures",
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        compared >= ok * 9 / 10,
        "the reference found only {compared} of {ok}"
    );
    // Flags must be rare where temperatures differ; near equal ones the
    // heats are differences of detailed-balance-sized flows below f64's
    // reach (relative spreads under about 1e-4), and flags are the answer.
    let generic = flagged - flagged_near;
    assert!(
        generic * 100 <= 5 * (n - near_cases),
        "{generic} of {} generic cases flagged",
        n - near_cases
    );
}
