//! Superoperators on vec(ρ), column-major: vec(AXB) = (Bᵀ ⊗ A) vec(X).

use crate::model::operators::Op;
use crate::oracle::{CMat, C64};

fn dyn_op(a: &Op) -> CMat {
    CMat::from_fn(4, 4, |i, j| a[(i, j)])
}

/// vec(A X).
pub fn left(a: &Op) -> CMat {
    CMat::identity(4, 4).kronecker(&dyn_op(a))
}

/// vec(X B).
pub fn right(b: &Op) -> CMat {
    dyn_op(&b.transpose()).kronecker(&CMat::identity(4, 4))
}

/// −i[H, ·].
pub fn commutator(h: &Op) -> CMat {
    (left(h) - right(h)) * C64::new(0.0, -1.0)
}

/// γ (J·J† − ½{J†J, ·}), the Lindblad dissipator of one jump operator.
pub fn dissipator(j: &Op, rate: f64) -> CMat {
    let jdj = j.adjoint() * j;
    let jump = dyn_op(&j.conjugate()).kronecker(&dyn_op(j));
    (jump - (left(&jdj) + right(&jdj)) * C64::new(0.5, 0.0)) * C64::new(rate, 0.0)
}

/// U · U†.
pub fn conjugation(u: &Op) -> CMat {
    dyn_op(&u.conjugate()).kronecker(&dyn_op(u))
}

/// vec(ρ) → ρ.
pub fn unvec(x: &crate::oracle::CVec) -> Op {
    Op::from_fn(|i, j| x[i + 4 * j])
}

/// ρ → vec(ρ).
pub fn vec(rho: &Op) -> crate::oracle::CVec {
    crate::oracle::CVec::from_fn(16, |k, _| rho[(k % 4, k / 4)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::operators::{a_lower, sigma_z};

    #[test]
    fn superoperators_match_matrix_products() {
        let a = a_lower() + sigma_z(1) * C64::new(0.3, 0.2);
        let rho = Op::from_fn(|i, j| C64::new((i + 2 * j) as f64, (i as f64) - (j as f64)));
        let lhs = unvec(&(dissipator(&a, 0.7) * vec(&rho)));
        let ad = a.adjoint();
        let rhs = (a * rho * ad - (ad * a * rho + rho * ad * a) * C64::new(0.5, 0.0))
            * C64::new(0.7, 0.0);
        assert!((lhs - rhs).norm() < 1e-13);
        let u = crate::model::operators::gate_global();
        assert!((unvec(&(conjugation(&u) * vec(&rho))) - u * rho * u.adjoint()).norm() < 1e-13);
    }
}
