//! Twin of `shaders/common/extract.wgsl`.

use super::linalg::{Mat, Vec};

/// Twin of `Extraction`.
#[derive(Debug, Clone, Copy)]
pub struct Extraction<const N: usize> {
    pub map: Mat<N>,
    pub after: Vec<N>,
    pub work: f64,
    /// The unitary keeps the excitation number (see extract.wgsl).
    pub keeps_n: bool,
}

/// Twin of `Sorted`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sorted {
    pub v: [f64; 4],
    pub i: [usize; 4],
}

/// Twin of `exchange`: larger value first, lower index first on ties.
#[inline(always)]
fn exchange(a: (f64, usize), b: (f64, usize)) -> ((f64, usize), (f64, usize)) {
    let swap = b.0 > a.0 || (b.0 == a.0 && b.1 < a.1);
    if swap {
        (b, a)
    } else {
        (a, b)
    }
}

/// Twin of `sort_desc`: the same five-comparator network.
#[inline(always)]
pub fn sort_desc(x: [f64; 4]) -> Sorted {
    let (p0, p1) = exchange((x[0], 0), (x[1], 1));
    let (q0, q1) = exchange((x[2], 2), (x[3], 3));
    let (hi0, hi1) = exchange(p0, q0);
    let (lo0, lo1) = exchange(p1, q1);
    let (m0, m1) = exchange(hi1, lo0);
    Sorted {
        v: [hi0.0, m0.0, m1.0, lo1.0],
        i: [hi0.1, m0.1, m1.1, lo1.1],
    }
}

/// Twin of `level_n`.
#[inline(always)]
pub fn level_n(j: usize) -> u8 {
    match j {
        0 => 0,
        3 => 2,
        _ => 1,
    }
}

/// Twin of `complement_pair`: (w, 1 − w) summing to one exactly.
#[inline(always)]
pub fn complement_pair(w: f64) -> (f64, f64) {
    if w >= 0.5 {
        (w, 1.0 - w)
    } else {
        let u = 1.0 - w;
        (1.0 - u, u)
    }
}

/// Twin of `heat_functional`.
#[inline(always)]
pub fn heat_functional<const N: usize>(wc: &Mat<N>, e: [f64; 4]) -> Vec<N> {
    std::array::from_fn(|j| (0..4).fold(0.0, |acc, i| e[i].mul_add(wc[i][j], acc)))
}

/// Twin of `energy`.
#[inline(always)]
pub fn energy<const N: usize>(e: [f64; 4], x: &Vec<N>) -> f64 {
    (0..4).fold(0.0, |acc, i| e[i].mul_add(x[i], acc))
}

/// Twin of `Model`.
#[derive(Debug, Clone, Copy)]
pub struct Model<const N: usize> {
    pub g: Mat<N>,
    pub ha: Vec<N>,
    pub hs: Vec<N>,
    pub hd: Vec<N>,
    pub e: [f64; 4],
    pub gate: Mat<N>,
    pub valid: bool,
}

/// What each model file provides (`build_model`, `extract_optimal`).
pub trait KernelModel<const N: usize> {
    fn build_model(p: &super::params::Point) -> Model<N>;
    fn extract_optimal(m: &Model<N>, x: &Vec<N>) -> Extraction<N>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn network_sorts_every_order_with_ties() {
        // All 4^4 assignments of values from {0, 1, 2, 3}: the network must
        // agree with a stable sort by descending value.
        for code in 0..256usize {
            let x: [f64; 4] = std::array::from_fn(|k| ((code >> (2 * k)) & 3) as f64);
            let mut want = [0usize, 1, 2, 3];
            want.sort_by(|&a, &b| x[b].total_cmp(&x[a]).then(a.cmp(&b)));
            let s = sort_desc(x);
            assert_eq!(s.i, want, "{x:?}");
            assert_eq!(s.v, want.map(|i| x[i]));
        }
    }
}
