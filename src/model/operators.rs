//! Two-qubit operators in the product basis |q1 q2⟩, index 2·q1 + q2 with
//! g = 0, e = 1: (gg, ge, eg, ee). Built from σ± rather than typed in, so
//! that Eq. 6 and Eq. 8 read as in the paper.

use nalgebra::Matrix4;
use num_complex::Complex64;

use super::levels::doublet_half_angle;

pub type Op = Matrix4<Complex64>;

fn c(re: f64) -> Complex64 {
    Complex64::new(re, 0.0)
}

/// Single-qubit σ+ = |e⟩⟨g| in the (g, e) basis, and σz = diag(−1, +1).
fn single(which: &str) -> nalgebra::Matrix2<Complex64> {
    let z = c(0.0);
    match which {
        "plus" => nalgebra::Matrix2::new(z, z, c(1.0), z),
        "minus" => nalgebra::Matrix2::new(z, c(1.0), z, z),
        "z" => nalgebra::Matrix2::new(c(-1.0), z, z, c(1.0)),
        _ => nalgebra::Matrix2::identity(),
    }
}

fn on_qubit(op: &str, qubit: usize) -> Op {
    let id = nalgebra::Matrix2::<Complex64>::identity();
    let m = single(op);
    let k = if qubit == 1 {
        m.kronecker(&id)
    } else {
        id.kronecker(&m)
    };
    Op::from_fn(|i, j| k[(i, j)])
}

/// σ+ of qubit 1 or 2.
pub fn sigma_plus(qubit: usize) -> Op {
    on_qubit("plus", qubit)
}

/// σ− of qubit 1 or 2.
pub fn sigma_minus(qubit: usize) -> Op {
    on_qubit("minus", qubit)
}

/// σz of qubit 1 or 2 (+1 on |e⟩).
pub fn sigma_z(qubit: usize) -> Op {
    on_qubit("z", qubit)
}

/// Eq. 6 plus detuning: H = ω0(σ+σ−(1) + σ+σ−(2)) − λ(σ+(1)σ−(2) + h.c.)
/// + δ/2 (σz(1) − σz(2)).
pub fn hamiltonian(omega0: f64, lambda: f64, detuning: f64) -> Op {
    let n1 = sigma_plus(1) * sigma_minus(1);
    let n2 = sigma_plus(2) * sigma_minus(2);
    let hop = sigma_plus(1) * sigma_minus(2);
    (n1 + n2) * c(omega0) - (hop + hop.adjoint()) * c(lambda)
        + (sigma_z(1) - sigma_z(2)) * c(detuning / 2.0)
}

/// Collective lowering operator S = σ−(1) + σ−(2).
pub fn s_lower() -> Op {
    sigma_minus(1) + sigma_minus(2)
}

/// Antisymmetric lowering operator A = σ−(1) − σ−(2).
pub fn a_lower() -> Op {
    sigma_minus(1) - sigma_minus(2)
}

/// Columns: the energy eigenstates in level order (gg, S, A, ee) in the
/// product basis. At δ = 0, |S⟩ = (|ge⟩+|eg⟩)/√2 and |A⟩ = (|ge⟩−|eg⟩)/√2
/// (Eq. 7); with detuning the doublet is rotated by the half angle of
/// [`doublet_half_angle`]. The basis is fixed analytically, not by an
/// eigensolver, so it is deterministic on degenerate lines (λ = δ = 0).
pub fn eigenbasis(lambda: f64, detuning: f64) -> Op {
    let h = std::f64::consts::FRAC_1_SQRT_2;
    let theta = doublet_half_angle(lambda, detuning);
    let (s, co) = theta.sin_cos();
    // |S⟩ and |A⟩ of Eq. 7 in (ge, eg) components.
    let sym = [h, h];
    let anti = [h, -h];
    let lower = [co * sym[0] + s * anti[0], co * sym[1] + s * anti[1]];
    let upper = [-s * sym[0] + co * anti[0], -s * sym[1] + co * anti[1]];
    let mut v = Op::zeros();
    v[(0, 0)] = c(1.0);
    v[(1, 1)] = c(lower[0]);
    v[(2, 1)] = c(lower[1]);
    v[(1, 2)] = c(upper[0]);
    v[(2, 2)] = c(upper[1]);
    v[(3, 3)] = c(1.0);
    v
}

/// The global gate U_G = exp(−i(σz(1) − σz(2))π/4). Diagonal, so the
/// exponential is taken entrywise.
pub fn gate_global() -> Op {
    diag_exp(&(sigma_z(1) - sigma_z(2)), -std::f64::consts::FRAC_PI_4)
}

/// The local gate U_i = exp(−iσz(i)π/2) on qubit i.
pub fn gate_local(qubit: usize) -> Op {
    diag_exp(&sigma_z(qubit), -std::f64::consts::FRAC_PI_2)
}

/// exp(i·angle·D) for a real diagonal D.
fn diag_exp(d: &Op, angle: f64) -> Op {
    Op::from_fn(|i, j| {
        if i == j {
            Complex64::from_polar(1.0, angle * d[(i, i)].re)
        } else {
            c(0.0)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eigenbasis_diagonalises_h_with_eq7_energies() {
        for (lam, det) in [(0.01, 0.0), (0.2, 0.1), (0.0, 0.3), (0.0, 0.0)] {
            let v = eigenbasis(lam, det);
            let hd = v.adjoint() * hamiltonian(1.0, lam, det) * v;
            let e = crate::model::levels::energies(1.0, lam, det);
            for i in 0..4 {
                for j in 0..4 {
                    let want = if i == j { e[i] } else { 0.0 };
                    assert!((hd[(i, j)] - c(want)).norm() < 1e-14, "{lam} {det} {i}{j}");
                }
            }
        }
    }

    #[test]
    fn jump_operators_connect_levels_with_sqrt2() {
        // S|S⟩ = √2|gg⟩ and A|A⟩ = −√2|gg⟩; S|A⟩ = A|S⟩ = 0.
        let v = eigenbasis(0.01, 0.0);
        let s = v.adjoint() * s_lower() * v;
        let a = v.adjoint() * a_lower() * v;
        let r2 = std::f64::consts::SQRT_2;
        assert!((s[(0, 1)] - c(r2)).norm() < 1e-15);
        assert!((s[(1, 3)] - c(r2)).norm() < 1e-15);
        assert!(s[(0, 2)].norm() < 1e-15 && a[(0, 1)].norm() < 1e-15);
        assert!((a[(0, 2)].norm() - r2).abs() < 1e-15);
        assert!((a[(2, 3)].norm() - r2).abs() < 1e-15);
    }
}
