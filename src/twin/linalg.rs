//! Twin of `shaders/common/linalg.wgsl`.

pub type Vec<const N: usize> = [f64; N];
pub type Mat<const N: usize> = [[f64; N]; N];

/// The f64 constants of the kernel prelude (src/backend/gpu/shader_source.rs).
pub const EPS: f64 = f64::EPSILON;
pub const TAYLOR_DEGREE: u32 = 12;
pub const NEWTON_TOLERANCE: f64 = 1e-13;
pub const NEWTON_STALL: f64 = 1e-8;
pub const REFINEMENT_STEPS: u32 = 2;
pub const ITERATION_TOLERANCE: f64 = 1e-11;
/// `bose_factor`: e^y overflows past EXP_MAX; ln 2 split so that k·LN2_HI
/// is exact for |k| < 2^11; Taylor degree of e^f − 1 at |f| ≤ ln2/2
/// (first omitted term 0.35^14/14! < 5e-18 relative).
pub const EXP_MAX: f64 = 709.0;
pub const LOG2E: f64 = std::f64::consts::LOG2_E;
pub const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
pub const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
pub const EXPM1_DEGREE: u32 = 13;
/// CHECK_SOLVE of the f64 prelude: off (see src/backend/gpu/shader_source.rs).
pub const CHECK_SOLVE: bool = false;
/// What status 0 guarantees in f64 (TOLERANCE of the f64 prelude).
pub const TOLERANCE: f64 = crate::model::trust::TOLERANCE_F64;

#[inline(always)]
pub fn identity<const N: usize>() -> Mat<N> {
    let mut m = [[0.0; N]; N];
    for (i, row) in m.iter_mut().enumerate() {
        row[i] = 1.0;
    }
    m
}

#[inline(always)]
pub fn matmul<const N: usize>(a: &Mat<N>, b: &Mat<N>) -> Mat<N> {
    let mut c = [[0.0; N]; N];
    for i in 0..N {
        for k in 0..N {
            let aik = a[i][k];
            for j in 0..N {
                c[i][j] = aik.mul_add(b[k][j], c[i][j]);
            }
        }
    }
    c
}

#[inline(always)]
pub fn matvec<const N: usize>(a: &Mat<N>, x: &Vec<N>) -> Vec<N> {
    std::array::from_fn(|i| (0..N).fold(0.0, |acc, j| a[i][j].mul_add(x[j], acc)))
}

#[inline(always)]
pub fn dot_vec<const N: usize>(a: &Vec<N>, b: &Vec<N>) -> f64 {
    (0..N).fold(0.0, |acc, i| a[i].mul_add(b[i], acc))
}

#[inline(always)]
pub fn max_abs_diff<const N: usize>(a: &Vec<N>, b: &Vec<N>) -> f64 {
    (0..N).fold(0.0, |m: f64, i| m.max((a[i] - b[i]).abs()))
}

/// Φ − I and ∫₀^τ e^{gs} ds (see `propagate` in linalg.wgsl for why the two
/// are kept apart).
#[derive(Debug, Clone, Copy)]
pub struct Propagator<const N: usize> {
    pub d: Mat<N>,
    pub integral: Mat<N>,
}

/// Twin of `propagate`: scaling and squaring on (Φ − I, ∫).
#[expect(
    clippy::needless_range_loop,
    reason = "kept in the shape of linalg.wgsl"
)]
#[inline(always)]
pub fn propagate<const N: usize>(g: &Mat<N>, tau: f64) -> Propagator<N> {
    let mut norm: f64 = 0.0;
    for i in 0..N {
        let row: f64 = g[i].iter().map(|v| v.abs()).sum();
        norm = norm.max(row * tau);
    }
    let mut s = 0u32;
    let mut h = tau;
    while s < 200 {
        if norm <= 0.5 {
            break;
        }
        norm *= 0.5;
        h *= 0.5;
        s += 1;
    }
    let a: Mat<N> = std::array::from_fn(|i| std::array::from_fn(|j| g[i][j] * h));
    let mut jm = identity::<N>();
    for k in (1..=TAYLOR_DEGREE).rev() {
        let aj = matmul(&a, &jm);
        let inv = 1.0 / f64::from(k + 1);
        jm = identity::<N>();
        for i in 0..N {
            for j in 0..N {
                jm[i][j] = aj[i][j].mul_add(inv, jm[i][j]);
            }
        }
    }
    let mut p = Propagator {
        d: restore_trace(matmul(&a, &jm)),
        integral: std::array::from_fn(|i| std::array::from_fn(|j| jm[i][j] * h)),
    };
    for _ in 0..s {
        let di = matmul(&p.d, &p.integral);
        let dd = matmul(&p.d, &p.d);
        for i in 0..N {
            for j in 0..N {
                p.integral[i][j] = 2.0 * p.integral[i][j] + di[i][j];
                p.d[i][j] = 2.0 * p.d[i][j] + dd[i][j];
            }
        }
        p.d = restore_trace(p.d);
    }
    p
}

/// Twin of `restore_trace`.
#[expect(
    clippy::needless_range_loop,
    reason = "kept in the shape of linalg.wgsl"
)]
#[inline(always)]
pub fn restore_trace<const N: usize>(mut d: Mat<N>) -> Mat<N> {
    for j in 0..N {
        d[0][j] = -(d[1][j] + d[2][j] + d[3][j]);
    }
    d
}

/// Twin of `solve_steady`: M x = 0 with Σ_{i<4} x_i = 1; None if singular.
#[inline(always)]
pub fn solve_steady<const N: usize>(m_in: &Mat<N>) -> Option<Vec<N>> {
    let mut b = [0.0; N];
    b[0] = 1.0;
    solve_trace(m_in, &b)
}

/// Twin of `solve_trace`: M x = b with row 0 of M replaced by the trace.
#[expect(
    clippy::needless_range_loop,
    reason = "kept in the shape of linalg.wgsl"
)]
#[inline(always)]
pub fn solve_trace<const N: usize>(m_in: &Mat<N>, b_in: &Vec<N>) -> Option<Vec<N>> {
    let mut m = *m_in;
    let mut b = *b_in;
    for j in 0..N {
        m[0][j] = if j < 4 { 1.0 } else { 0.0 };
    }
    // Row equilibration: the trace row is O(1) while the generator rows are
    // O(Γτ) at short τ; scaling every row to unit max-norm keeps partial
    // pivoting meaningful and the solve accurate to rounding.
    for r in 0..N {
        let s = m[r].iter().fold(0.0f64, |s, v| s.max(v.abs()));
        if s > 0.0 {
            for v in m[r].iter_mut() {
                *v /= s;
            }
            b[r] /= s;
        }
    }
    let scale = 1.0;
    for c in 0..N {
        let mut piv = c;
        for r in c + 1..N {
            if m[r][c].abs() > m[piv][c].abs() {
                piv = r;
            }
        }
        // `!(a > b)` rather than `a <= b` so that NaN counts as singular.
        if m[piv][c].abs().partial_cmp(&(scale * 64.0 * EPS * EPS))
            != Some(std::cmp::Ordering::Greater)
        {
            return None;
        }
        if piv != c {
            m.swap(c, piv);
            b.swap(c, piv);
        }
        let inv = 1.0 / m[c][c];
        for r in c + 1..N {
            let f = m[r][c] * inv;
            if f != 0.0 {
                for j in c..N {
                    m[r][j] = (-f).mul_add(m[c][j], m[r][j]);
                }
                b[r] = (-f).mul_add(b[c], b[r]);
            }
        }
    }
    let mut x = [0.0; N];
    for c in (0..N).rev() {
        let mut acc = b[c];
        for j in c + 1..N {
            acc = (-m[c][j]).mul_add(x[j], acc);
        }
        x[c] = acc / m[c][c];
    }
    Some(x)
}
