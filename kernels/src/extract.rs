//! Twin of `shaders/common/extract.wgsl`.

use super::linalg::{Mat, Vec};
use super::real::{array, c, matrix, Real};

/// Twin of `Extraction`.
#[derive(Debug, Clone, Copy)]
pub struct Extraction<T: Real, const N: usize> {
    pub map: Mat<T, N>,
    pub after: Vec<T, N>,
    pub work: T,
    /// The unitary keeps the excitation number (see extract.wgsl).
    pub keeps_n: T::Mask,
}

impl<T: Real, const N: usize> Extraction<T, N> {
    /// `a` where `m` is set, `b` elsewhere, field by field.
    #[inline(always)]
    pub fn select(m: T::Mask, a: &Self, b: &Self) -> Self {
        Self {
            map: matrix(|i, j| T::select(m, a.map[i][j], b.map[i][j])),
            after: T::select_array(m, a.after, b.after),
            work: T::select(m, a.work, b.work),
            keeps_n: (m & a.keeps_n) | (!m & b.keeps_n),
        }
    }
}

/// Twin of `Sorted`; the level indices are held as values of `T` (exact
/// small integers) so that every lane carries its own order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sorted<T> {
    pub v: [T; 4],
    pub i: [T; 4],
}

/// Twin of `exchange`: larger value first, lower index first on ties.
#[inline(always)]
fn exchange<T: Real>(a: (T, T), b: (T, T)) -> ((T, T), (T, T)) {
    let swap = b.0.gt(a.0) | (b.0.eq(a.0) & b.1.lt(a.1));
    (
        (T::select(swap, b.0, a.0), T::select(swap, b.1, a.1)),
        (T::select(swap, a.0, b.0), T::select(swap, a.1, b.1)),
    )
}

/// Twin of `sort_desc`: the same five-comparator network.
#[inline(always)]
pub fn sort_desc<T: Real>(x: [T; 4]) -> Sorted<T> {
    let (p0, p1) = exchange((x[0], c(0.0)), (x[1], c(1.0)));
    let (q0, q1) = exchange((x[2], c(2.0)), (x[3], c(3.0)));
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
pub fn level_n(j: usize) -> f64 {
    match j {
        0 => 0.0,
        3 => 2.0,
        _ => 1.0,
    }
}

/// `level_n` of a level index held in `T`.
#[inline(always)]
pub fn level_n_of<T: Real>(j: T) -> T {
    T::select(
        j.eq(c(0.0)),
        c(0.0),
        T::select(j.eq(c(3.0)), c(2.0), c(1.0)),
    )
}

/// Twin of `complement_pair`: (w, 1 − w) summing to one exactly.
#[inline(always)]
pub fn complement_pair<T: Real>(w: T) -> (T, T) {
    let u = c::<T>(1.0) - w;
    (T::select(w.ge(c(0.5)), w, c::<T>(1.0) - u), u)
}

/// Twin of `heat_functional`: h_j = Σ_i (E_i − E_j) W_ij with every Bohr
/// frequency formed from the parameters, E = ω0 n + r (0, −1, 1, 0), never
/// as a difference of rounded energies (whose error ε·ω0 would swamp a
/// splitting r ≪ ω0). The columns of W sum to zero over the populations,
/// so Σ_i E_i W_ij = ω0 Σ_i n_i W_ij + r (W_Aj − W_Sj).
#[inline(always)]
pub fn heat_functional<T: Real, const N: usize>(wc: &Mat<T, N>, omega0: T, r: T) -> Vec<T, N> {
    array(|j| {
        let n_part = wc[1][j] + wc[2][j] + c::<T>(2.0) * wc[3][j];
        omega0.mul_add(n_part, r * (wc[2][j] - wc[1][j]))
    })
}

/// Twin of `energy`: Tr(H x) = ω0 (n·x) + r (x_A − x_S).
#[inline(always)]
pub fn energy<T: Real, const N: usize>(omega0: T, r: T, x: &Vec<T, N>) -> T {
    omega0.mul_add(x[1] + x[2] + c::<T>(2.0) * x[3], r * (x[2] - x[1]))
}

/// Twin of `work_between`: Tr(H x) − Tr(H after), without the ω0 part
/// (exactly 0) where the unitary keeps the excitation number.
#[inline(always)]
pub fn work_between<T: Real, const N: usize>(
    omega0: T,
    r: T,
    x: &Vec<T, N>,
    after: &Vec<T, N>,
    keeps_n: T::Mask,
) -> T {
    let doublet = r * ((x[2] - x[1]) - (after[2] - after[1]));
    T::select(
        keeps_n,
        doublet,
        energy(omega0, r, x) - energy(omega0, r, after),
    )
}

/// Twin of `Model`.
#[derive(Debug, Clone, Copy)]
pub struct Model<T: Real, const N: usize> {
    pub g: Mat<T, N>,
    pub ha: Vec<T, N>,
    pub hs: Vec<T, N>,
    pub hd: Vec<T, N>,
    pub e: [T; 4],
    /// ω0 and the doublet's half splitting r, from the parameters: every
    /// Bohr frequency is formed from these (E_A − E_S = 2r exactly).
    pub omega0: T,
    pub r: T,
    pub gate: Mat<T, N>,
    pub valid: T::Mask,
}

/// A model's state space of dimension N: what each model file provides
/// (`build_model`, `extract_optimal`), for one point or for a lane of
/// points.
pub trait StateSpace<const N: usize> {
    fn build_model<T: Real>(p: &super::params::Point<T>) -> Model<T, N>;
    fn extract_optimal<T: Real>(m: &Model<T, N>, x: &Vec<T, N>) -> Extraction<T, N>;
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
            assert_eq!(s.i, want.map(|i| i as f64), "{x:?}");
            assert_eq!(s.v, want.map(|i| x[i]));
        }
    }
}
