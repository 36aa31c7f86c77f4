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

/// Twin of `descending_order`: stable insertion sort, ties keep the lower
/// index first.
pub fn descending_order(v: [f64; 4]) -> [usize; 4] {
    let mut o = [0, 1, 2, 3];
    for i in 1..4 {
        let mut j = i;
        while j > 0 && v[o[j - 1]] < v[o[j]] {
            o.swap(j - 1, j);
            j -= 1;
        }
    }
    o
}

/// Twin of `complement_pair`: (w, 1 − w) summing to one exactly.
pub fn complement_pair(w: f64) -> (f64, f64) {
    if w >= 0.5 {
        (w, 1.0 - w)
    } else {
        let u = 1.0 - w;
        (1.0 - u, u)
    }
}

/// Twin of `heat_functional`.
pub fn heat_functional<const N: usize>(wc: &Mat<N>, e: [f64; 4]) -> Vec<N> {
    std::array::from_fn(|j| (0..4).fold(0.0, |acc, i| e[i].mul_add(wc[i][j], acc)))
}

/// Twin of `energy`.
pub fn energy<const N: usize>(e: [f64; 4], x: &Vec<N>) -> f64 {
    (0..4).fold(0.0, |acc, i| e[i].mul_add(x[i], acc))
}

/// Twin of `Model`.
#[derive(Debug, Clone, Copy)]
pub struct Model<const N: usize> {
    pub g: Mat<N>,
    pub ha: Vec<N>,
    pub hs: Vec<N>,
    pub e: [f64; 4],
    pub gate: Mat<N>,
    pub valid: bool,
}

/// What each model file provides (`build_model`, `extract_optimal`).
pub trait KernelModel<const N: usize> {
    fn build_model(p: &super::params::Point) -> Model<N>;
    fn extract_optimal(m: &Model<N>, x: &Vec<N>) -> Extraction<N>;
}
