//! Random population generators and a matrix comparison, for the stroke
//! tests (the GPU kernel, the SIMD lanes, the twin and the oracle).

use super::rng::Rng;
use nalgebra::DMatrix;
use nessbat::battery::stroke::{Stroke, LONG};

/// A random generator of d levels: rates log-uniform over three decades,
/// a quarter of them absent, columns summing to zero.
pub fn generator(rng: &mut Rng, d: usize) -> DMatrix<f64> {
    let mut w = DMatrix::<f64>::zeros(d, d);
    for a in 0..d {
        for b in 0..d {
            if a != b && rng.next() > 0.25 {
                w[(a, b)] = rng.log_uniform(1e-3, 1.0);
            }
        }
    }
    for c in 0..d {
        let out: f64 = (0..d).filter(|&r| r != c).map(|r| w[(r, c)]).sum();
        w[(c, c)] = -out;
    }
    w
}

/// |a − b| per entry against `rel` of b's largest entry.
#[track_caller]
pub fn near(what: &str, a: &[f64], b: &DMatrix<f64>, rel: f64) {
    let d = b.nrows();
    let scale = b.amax();
    for r in 0..d {
        for c in 0..d {
            let (x, y) = (a[r * d + c], b[(r, c)]);
            assert!(
                (x - y).abs() <= rel * scale,
                "{what} ({r}, {c}): {x:e} vs {y:e} (scale {scale:e})"
            );
        }
    }
}

/// `n` random short strokes of d levels, packed as the kernels read them
/// (X = Wτ row-major, then τ), with their generators and τ. Neighbours get
/// unrelated lengths (τ‖W‖ from 1e-4 to 64): different scalings and
/// numbers of terms per SIMD lane.
pub fn strokes(rng: &mut Rng, d: usize, n: usize) -> (Vec<f64>, Vec<(DMatrix<f64>, f64)>) {
    let (mut input, mut cases) = (Vec::new(), Vec::new());
    while cases.len() < n {
        let w = generator(rng, d);
        let fastest = (0..d).map(|i| w[(i, i)].abs()).fold(0.0, f64::max);
        if fastest == 0.0 {
            continue;
        }
        let tau = rng.log_uniform(1e-4, 0.99 * LONG) / fastest;
        assert!(Stroke::is_van_loan(&w, tau));
        for r in 0..d {
            input.extend((0..d).map(|c| w[(r, c)] * tau));
        }
        input.push(tau);
        cases.push((w, tau));
    }
    (input, cases)
}
