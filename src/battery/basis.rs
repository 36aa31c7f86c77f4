//! The basis inside degenerate levels. Any orthonormal basis of a
//! degenerate eigenspace diagonalises H, and the eigensolver returns one
//! of its own choosing; but whether the populations close (`spectrum`'s
//! closure check) depends on it: the population model holds where some
//! basis has each bath take each level outside the run to at most one
//! level inside it, and couple none inside it to another. That basis, where
//! it exists, is the one in which every such coupling is diagonal, so it is
//! found as the eigenbasis of a generic weighted sum of them (found: a
//! V-type battery whose degenerate pair was written in the (|1⟩ ± |2⟩)/√2
//! basis refused as not described by populations, while the same battery
//! in its own basis runs).

use std::ops::Range;

use nalgebra::{DMatrix, SymmetricEigen};
use num_complex::Complex64;

/// Generic weights: fractional parts of multiples of the golden ratio,
/// distinct for every (bath, level), so that the weighted sum's
/// eigenvalues are distinct wherever the couplings' common basis is
/// unique.
fn weight(n: usize) -> f64 {
    const PHI: f64 = 0.618_033_988_749_894_8;
    1.0 + (PHI * (n as f64 + 1.0)).fract()
}

/// Rotates the columns of `v` (eigenvectors in ascending energy) within
/// each run of degenerate levels in `runs` into the basis the baths'
/// couplings (`baths`, X_k in the given basis) select.
pub fn decouple(v: &mut DMatrix<Complex64>, runs: &[Range<usize>], baths: &[DMatrix<Complex64>]) {
    let d = v.nrows();
    for run in runs {
        let m = run.len();
        let block = v.columns(run.start, m).into_owned();
        // M = Σ_k Σ_{c ∉ run} w_kc y y† + Σ_k w_k Z_k, with y the run's
        // couplings to level c and Z_k the couplings within the run.
        let mut sum = DMatrix::<Complex64>::zeros(m, m);
        for (k, x) in baths.iter().enumerate() {
            let y = block.adjoint() * x * &*v;
            for c in (0..d).filter(|c| !run.contains(c)) {
                let col = y.column(c);
                sum += (col * col.adjoint()) * Complex64::new(weight(k * (d + 1) + c), 0.0);
            }
            let within = y.columns(run.start, m).into_owned();
            sum += within * Complex64::new(weight(k * (d + 1) + d), 0.0);
        }
        // Hermitian by construction; symmetrised against rounding.
        let sum = (&sum + sum.adjoint()) * Complex64::new(0.5, 0.0);
        let eig = SymmetricEigen::new(sum);
        // In the eigensolver's order as far as the new basis allows: each
        // vector at the old level it weighs most on (a basis that already
        // decouples comes back as it was, not relabelled), then by
        // eigenvalue.
        let heaviest = |c: usize| {
            (0..m).fold(0, |best, r| {
                match eig.eigenvectors[(r, c)].norm() > eig.eigenvectors[(best, c)].norm() {
                    true => r,
                    false => best,
                }
            })
        };
        let mut order: Vec<usize> = (0..m).collect();
        order.sort_by(|&i, &j| {
            heaviest(i)
                .cmp(&heaviest(j))
                .then(eig.eigenvalues[i].total_cmp(&eig.eigenvalues[j]))
                .then(i.cmp(&j))
        });
        let u = DMatrix::from_fn(m, m, |r, c| eig.eigenvectors[(r, order[c])]);
        v.columns_mut(run.start, m).copy_from(&(block * u));
    }
}
