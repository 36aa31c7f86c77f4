//! LU factors of a small dense matrix (partial pivoting), with solves by A
//! and by Aᵀ: the NESS and OSS solves (battery::cycle) and the adjoints of
//! their figures (battery::sensitivity) from one factorisation.
//!
//! Why not nalgebra's LU: it has no transposed solve (its L and U must be
//! copied out for one), and its generic code over dynamic dimensions
//! spends more on bookkeeping than on the d³/3 flops of a d ≤ 64 matrix
//! (found: the adjoint's copies and solves cost more than the OSS solve
//! they bound).

use nalgebra::{DMatrix, DVector};

/// P A = L U, packed column-major as nalgebra's matrices: L (unit
/// diagonal) below, U on and above.
pub struct Lu {
    d: usize,
    lu: Vec<f64>,
    /// Row i of P A is row `perm[i]` of A.
    perm: Vec<usize>,
}

impl Lu {
    /// The factors of `a`; none where a pivot is 0 or not finite (A
    /// singular to f64).
    pub fn new(a: &DMatrix<f64>) -> Option<Lu> {
        let d = a.nrows();
        let mut lu = a.as_slice().to_vec();
        let mut perm: Vec<usize> = (0..d).collect();
        for c in 0..d {
            // The largest pivot, the first of equals (as LAPACK's).
            let column = &lu[c * d..(c + 1) * d];
            let mut best = c;
            for (r, v) in column.iter().enumerate().skip(c + 1) {
                if v.abs() > column[best].abs() {
                    best = r;
                }
            }
            let pivot = column[best];
            if pivot == 0.0 || !pivot.is_finite() {
                return None;
            }
            if best != c {
                for j in 0..d {
                    lu.swap(j * d + c, j * d + best);
                }
                perm.swap(c, best);
            }
            let (left, right) = lu.split_at_mut((c + 1) * d);
            let multipliers = &mut left[c * d + c + 1..];
            for m in multipliers.iter_mut() {
                *m /= pivot;
            }
            for column in right.chunks_exact_mut(d) {
                let u = column[c];
                for (x, m) in column[c + 1..].iter_mut().zip(multipliers.iter()) {
                    *x -= m * u;
                }
            }
        }
        Some(Lu { d, lu, perm })
    }

    fn column(&self, j: usize) -> &[f64] {
        &self.lu[j * self.d..(j + 1) * self.d]
    }

    /// x with A x = b: L U x = P b.
    pub fn solve(&self, b: &[f64]) -> DVector<f64> {
        let d = self.d;
        let mut x: Vec<f64> = self.perm.iter().map(|&i| b[i]).collect();
        for j in 0..d {
            let (done, rest) = x.split_at_mut(j + 1);
            let xj = done[j];
            for (v, l) in rest.iter_mut().zip(&self.column(j)[j + 1..]) {
                *v -= l * xj;
            }
        }
        for j in (0..d).rev() {
            let column = self.column(j);
            let (rest, done) = x.split_at_mut(j);
            done[0] /= column[j];
            let xj = done[0];
            for (v, u) in rest.iter_mut().zip(column) {
                *v -= u * xj;
            }
        }
        DVector::from_vec(x)
    }

    /// g with Aᵀ g = c: Aᵀ = Uᵀ Lᵀ P, so Uᵀ y = c, Lᵀ z = y, P g = z.
    pub fn solve_transposed(&self, c: &[f64]) -> DVector<f64> {
        let d = self.d;
        let mut y: Vec<f64> = c.to_vec();
        for i in 0..d {
            let column = self.column(i);
            let dot: f64 = column[..i].iter().zip(&y[..i]).map(|(u, v)| u * v).sum();
            y[i] = (y[i] - dot) / column[i];
        }
        for i in (0..d).rev() {
            let dot: f64 = self.column(i)[i + 1..]
                .iter()
                .zip(&y[i + 1..])
                .map(|(l, v)| l * v)
                .sum();
            y[i] -= dot;
        }
        let mut g = vec![0.0; d];
        for (i, &row) in self.perm.iter().enumerate() {
            g[row] = y[i];
        }
        DVector::from_vec(g)
    }
}
