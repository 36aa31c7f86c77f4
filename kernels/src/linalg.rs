//! Twin of `shaders/common/linalg.wgsl`.

use super::real::{array, c, matrix, Mask, Real};

/// A vector and a matrix of `T` (f64, or f64 lanes).
pub type Vec<T, const N: usize> = [T; N];
pub type Mat<T, const N: usize> = [[T; N]; N];

/// The f64 constants of the kernel prelude, from their one source
/// (src/numerics.rs). `bose_factor`: e^y overflows past EXP_MAX; ln 2
/// split so that k·LN2_HI is exact for |k| < 2^11; Taylor degree of
/// e^f − 1 at |f| ≤ ln2/2 (first omitted term 0.35^14/14! < 5e-18
/// relative).
use super::numerics::F64;
pub const EPS: f64 = F64.eps;
pub const TAYLOR_DEGREE: u32 = F64.taylor_degree;
pub const NEWTON_TOLERANCE: f64 = F64.newton_tolerance;
pub const NEWTON_STALL: f64 = F64.newton_stall;
pub const REFINEMENT_STEPS: u32 = super::numerics::REFINEMENT_STEPS;
pub const ITERATION_TOLERANCE: f64 = F64.iteration_tolerance;
pub const EXP_MAX: f64 = F64.exp_max;
pub const LOG2E: f64 = std::f64::consts::LOG2_E;
pub const LN2_HI: f64 = F64.ln2_hi;
pub const LN2_LO: f64 = F64.ln2_lo;
pub const EXPM1_DEGREE: u32 = F64.expm1_degree;
pub const CHECK_SOLVE: bool = F64.check_solve;
pub const TOLERANCE: f64 = F64.tolerance;

#[inline(always)]
pub fn identity<T: Real, const N: usize>() -> Mat<T, N> {
    let mut m = [[c(0.0); N]; N];
    for (i, row) in m.iter_mut().enumerate() {
        row[i] = c(1.0);
    }
    m
}

#[inline(always)]
pub fn matmul<T: Real, const N: usize>(a: &Mat<T, N>, b: &Mat<T, N>) -> Mat<T, N> {
    let mut m = [[c(0.0); N]; N];
    for i in 0..N {
        for k in 0..N {
            let aik = a[i][k];
            for j in 0..N {
                m[i][j] = aik.mul_add(b[k][j], m[i][j]);
            }
        }
    }
    m
}

#[inline(always)]
pub fn matvec<T: Real, const N: usize>(a: &Mat<T, N>, x: &Vec<T, N>) -> Vec<T, N> {
    array(|i| dot_vec(&a[i], x))
}

#[inline(always)]
pub fn dot_vec<T: Real, const N: usize>(a: &Vec<T, N>, b: &Vec<T, N>) -> T {
    let mut acc = c(0.0);
    for i in 0..N {
        acc = a[i].mul_add(b[i], acc);
    }
    acc
}

#[inline(always)]
pub fn max_abs_diff<T: Real, const N: usize>(a: &Vec<T, N>, b: &Vec<T, N>) -> T {
    let mut m: T = c(0.0);
    for i in 0..N {
        m = m.max((a[i] - b[i]).abs());
    }
    m
}

/// Φ − I and ∫₀^τ e^{gs} ds (see `propagate` in linalg.wgsl for why the two
/// are kept apart).
#[derive(Debug, Clone, Copy)]
pub struct Propagator<T, const N: usize> {
    pub d: Mat<T, N>,
    pub integral: Mat<T, N>,
}

/// Twin of `propagate`: scaling and squaring on (Φ − I, ∫). The number of
/// squarings `s` differs per lane: every lane halves while its own norm
/// asks for it, and squares while its own count lasts.
#[expect(
    clippy::needless_range_loop,
    reason = "kept in the shape of linalg.wgsl"
)]
#[inline(always)]
pub fn propagate<T: Real, const N: usize>(g: &Mat<T, N>, tau: T) -> Propagator<T, N> {
    let mut norm: T = c(0.0);
    for i in 0..N {
        let mut row: T = c(0.0);
        for j in 0..N {
            row = row + g[i][j].abs();
        }
        norm = norm.max(row * tau);
    }
    let mut s: T = c(0.0);
    let mut h = tau;
    loop {
        // `while s < 200 { if norm <= 0.5 { break } … }`, per lane.
        let halve = s.lt(c(200.0)) & !norm.le(c(0.5));
        if !halve.any() {
            break;
        }
        norm = T::select(halve, norm * c(0.5), norm);
        h = T::select(halve, h * c(0.5), h);
        s = T::select(halve, s + c(1.0), s);
    }
    let a: Mat<T, N> = matrix(|i, j| g[i][j] * h);
    let mut jm = identity::<T, N>();
    for k in (1..=T::TAYLOR_DEGREE).rev() {
        let aj = matmul(&a, &jm);
        // 1/(k + 1) in T (for f64 the same bits as 1.0 / (k + 1)): a
        // coefficient rounded to f64 would cap a wider arithmetic at ε.
        let inv = c::<T>(1.0) / c::<T>(f64::from(k + 1));
        jm = identity::<T, N>();
        for i in 0..N {
            for j in 0..N {
                jm[i][j] = aj[i][j].mul_add(inv, jm[i][j]);
            }
        }
    }
    let mut p = Propagator {
        d: restore_trace(matmul(&a, &jm)),
        integral: matrix(|i, j| jm[i][j] * h),
    };
    let mut done: T = c(0.0);
    loop {
        let square = done.lt(s);
        if !square.any() {
            break;
        }
        let di = matmul(&p.d, &p.integral);
        let dd = matmul(&p.d, &p.d);
        let mut next = p;
        for i in 0..N {
            for j in 0..N {
                next.integral[i][j] = c::<T>(2.0) * p.integral[i][j] + di[i][j];
                next.d[i][j] = c::<T>(2.0) * p.d[i][j] + dd[i][j];
            }
        }
        next.d = restore_trace(next.d);
        for i in 0..N {
            p.integral[i] = T::select_array(square, next.integral[i], p.integral[i]);
            p.d[i] = T::select_array(square, next.d[i], p.d[i]);
        }
        done = done + c(1.0);
    }
    p
}

/// Twin of `restore_trace`.
#[expect(
    clippy::needless_range_loop,
    reason = "kept in the shape of linalg.wgsl"
)]
#[inline(always)]
pub fn restore_trace<T: Real, const N: usize>(mut d: Mat<T, N>) -> Mat<T, N> {
    for j in 0..N {
        d[0][j] = -(d[1][j] + d[2][j] + d[3][j]);
    }
    d
}

/// Twin of `solve_steady`: M x = 0 with Σ_{i<4} x_i = 1; the mask is false
/// where M is singular.
#[inline(always)]
pub fn solve_steady<T: Real, const N: usize>(m_in: &Mat<T, N>) -> (Vec<T, N>, T::Mask) {
    let mut b = [c(0.0); N];
    b[0] = c(1.0);
    solve_trace(m_in, &b)
}

/// Twin of `solve_trace`: M x = b with row 0 of M replaced by the trace;
/// the mask is false where M is singular (that lane's x is garbage). The
/// pivot row differs per lane: each lane swaps its own rows in (by
/// selects), and eliminates only where its factor is not zero, as the
/// shader's branches do.
#[expect(
    clippy::needless_range_loop,
    reason = "kept in the shape of linalg.wgsl"
)]
#[inline(always)]
pub fn solve_trace<T: Real, const N: usize>(
    m_in: &Mat<T, N>,
    b_in: &Vec<T, N>,
) -> (Vec<T, N>, T::Mask) {
    let mut m = *m_in;
    let mut b = *b_in;
    for j in 0..N {
        m[0][j] = c(if j < 4 { 1.0 } else { 0.0 });
    }
    // Row equilibration: the trace row is O(1) while the generator rows are
    // O(Γτ) at short τ; scaling every row to unit max-norm keeps partial
    // pivoting meaningful and the solve accurate to rounding.
    for r in 0..N {
        let mut s: T = c(0.0);
        for j in 0..N {
            s = s.max(m[r][j].abs());
        }
        let scaled = s.gt(c(0.0));
        for j in 0..N {
            m[r][j] = T::select(scaled, m[r][j] / s, m[r][j]);
        }
        b[r] = T::select(scaled, b[r] / s, b[r]);
    }
    let scale = 1.0;
    let mut ok = <T::Mask as Mask>::splat(true);
    for col in 0..N {
        let mut piv: T = c(col as f64);
        let mut pv = m[col][col].abs();
        for r in col + 1..N {
            let better = m[r][col].abs().gt(pv);
            piv = T::select(better, c(r as f64), piv);
            pv = T::select(better, m[r][col].abs(), pv);
        }
        // `>` rather than `<=` negated so that NaN counts as singular.
        ok = ok & pv.gt(c(scale * 64.0 * T::EPS * T::EPS));
        if !ok.any() {
            return (b, ok);
        }
        // Columns left of `col` are never read again: swap from `col` on.
        for r in col + 1..N {
            let swap = piv.eq(c(r as f64));
            for j in col..N {
                let (top, row) = (m[col][j], m[r][j]);
                m[col][j] = T::select(swap, row, top);
                m[r][j] = T::select(swap, top, row);
            }
            let (top, row) = (b[col], b[r]);
            b[col] = T::select(swap, row, top);
            b[r] = T::select(swap, top, row);
        }
        let inv = c::<T>(1.0) / m[col][col];
        for r in col + 1..N {
            let f = m[r][col] * inv;
            let eliminate = f.ne(c(0.0));
            for j in col..N {
                m[r][j] = T::select(eliminate, (-f).mul_add(m[col][j], m[r][j]), m[r][j]);
            }
            b[r] = T::select(eliminate, (-f).mul_add(b[col], b[r]), b[r]);
        }
    }
    let mut x = [c(0.0); N];
    for col in (0..N).rev() {
        let mut acc = b[col];
        for j in col + 1..N {
            acc = (-m[col][j]).mul_add(x[j], acc);
        }
        x[col] = acc / m[col][col];
    }
    (x, ok)
}
