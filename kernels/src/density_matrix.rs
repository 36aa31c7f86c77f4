//! Twin of `shaders/density_matrix.wgsl`: the six-dimensional sector
//! (ρ_gg, ρ_S'S', ρ_A'A', ρ_ee, Re ρ_S'A', Im ρ_S'A') of the density matrix.

use super::extract::{
    complement_pair, heat_functional, level_n, level_n_of, sort_desc, work_between, Extraction,
    Model, StateSpace,
};
use super::linalg::{Mat, Vec};
use super::params::{Point, Rates4};
use super::real::{c, matrix, Mask, Real};

/// The density-matrix model, N = 6.
pub struct DensityMatrix;

/// Twin of `bath`.
#[inline(always)]
pub fn bath<T: Real>(b: &Rates4<T>, q1: T, q2: T, k: T) -> Mat<T, 6> {
    let mut w = [[c(0.0); 6]; 6];
    let (two, four, m_two) = (c::<T>(2.0), c::<T>(4.0), c::<T>(-2.0));
    let ud = b.up_lo + b.down_lo;
    w[0][0] = m_two * (q1 * b.up_lo + q2 * b.up_hi);
    w[0][1] = two * b.down_lo * q1;
    w[0][2] = two * b.down_hi * q2;
    w[0][4] = four * b.down_lo * k;
    w[1][0] = two * b.up_lo * q1;
    w[1][1] = m_two * (b.down_lo + b.up_hi) * q1;
    w[1][3] = two * b.down_hi * q1;
    w[1][4] = m_two * ud * k;
    w[2][0] = two * b.up_hi * q2;
    w[2][2] = m_two * (b.down_hi + b.up_lo) * q2;
    w[2][3] = two * b.down_lo * q2;
    w[2][4] = m_two * ud * k;
    w[3][1] = two * b.up_hi * q1;
    w[3][2] = two * b.up_lo * q2;
    w[3][3] = m_two * (q1 * b.down_hi + q2 * b.down_lo);
    w[3][4] = four * b.up_lo * k;
    w[4][0] = two * b.up_lo * k;
    w[4][1] = -ud * k;
    w[4][2] = -ud * k;
    w[4][3] = two * b.down_lo * k;
    w[4][4] = -(q1 * (b.down_lo + b.up_hi) + q2 * (b.down_hi + b.up_lo));
    w[5][5] = w[4][4];
    w
}

impl StateSpace<6> for DensityMatrix {
    #[inline(always)]
    fn build_model<T: Real>(p: &Point<T>) -> Model<T, 6> {
        let (one, two, half) = (c::<T>(1.0), c::<T>(2.0), c::<T>(0.5));
        let r = p.lambda.mul_add(p.lambda, p.detuning * p.detuning).sqrt();
        let split = r.gt(c(0.0));
        let cc = T::select(split, p.lambda / r, one);
        let sn = T::select(split, p.detuning / r, c(0.0));
        let e = [c(0.0), p.omega0 - r, p.omega0 + r, two * p.omega0];
        let c2 = half * (one + cc);
        let s2 = half * (one - cc);
        let kk = if p.kms { c(0.0) } else { half * sn };
        let wa = bath(&p.a, s2, c2, kk);
        let ws = bath(&p.s, c2, s2, -kk);
        let g = p.dephasing;
        let mut wd = [[c(0.0); 6]; 6];
        wd[1][1] = -g * cc * cc;
        wd[1][2] = g * cc * cc;
        wd[1][4] = two * g * sn * cc;
        wd[2][1] = g * cc * cc;
        wd[2][2] = -g * cc * cc;
        wd[2][4] = c::<T>(-2.0) * g * sn * cc;
        wd[4][1] = g * sn * cc;
        wd[4][2] = -g * sn * cc;
        wd[4][4] = c::<T>(-2.0) * g * sn * sn;
        wd[5][5] = c::<T>(-2.0) * g;
        let mut m: Mat<T, 6> = matrix(|i, j| wa[i][j] + ws[i][j] + wd[i][j]);
        m[4][5] = m[4][5] - two * r;
        m[5][4] = m[5][4] + two * r;
        let mut gate = [[c(0.0); 6]; 6];
        let w = complement_pair(cc * cc);
        gate[0][0] = one;
        gate[3][3] = one;
        gate[1][1] = w.1;
        gate[1][2] = w.0;
        gate[1][4] = two * sn * cc;
        gate[2][1] = w.0;
        gate[2][2] = w.1;
        gate[2][4] = c::<T>(-2.0) * sn * cc;
        gate[4][1] = sn * cc;
        gate[4][2] = -sn * cc;
        gate[4][4] = cc * cc - sn * sn;
        gate[5][5] = c(-1.0);
        Model {
            g: m,
            ha: heat_functional(&wa, p.omega0, r),
            hs: heat_functional(&ws, p.omega0, r),
            hd: heat_functional(&wd, p.omega0, r),
            e,
            omega0: p.omega0,
            r,
            gate,
            valid: r.lt(p.omega0),
        }
    }

    #[inline(always)]
    fn extract_optimal<T: Real>(m: &Model<T, 6>, x: &Vec<T, 6>) -> Extraction<T, 6> {
        let (one, half) = (c::<T>(1.0), c::<T>(0.5));
        let mid = half * (x[1] + x[2]);
        let a = half * (x[1] - x[2]);
        let (zr, zi) = (x[4], x[5]);
        let big = (a * a + zr * zr + zi * zi).sqrt();
        let rotate = big.gt(c(0.0));
        let ca = T::select(rotate, a / big, one);
        let cr = T::select(rotate, zr / big, c(0.0));
        let ci = T::select(rotate, zi / big, c(0.0));
        let mut rows = [[c(0.0); 6]; 4];
        let w = complement_pair(half * (one + ca));
        rows[0][0] = one;
        rows[1][1] = w.0;
        rows[1][2] = w.1;
        rows[1][4] = cr;
        rows[1][5] = ci;
        rows[2][1] = w.1;
        rows[2][2] = w.0;
        rows[2][4] = -cr;
        rows[2][5] = -ci;
        rows[3][3] = one;
        let vals = [x[0], mid + big, mid - big, x[3]];
        let s = sort_desc(vals);
        let mut ex = Extraction {
            map: [[c(0.0); 6]; 6],
            after: [c(0.0); 6],
            work: c(0.0),
            keeps_n: <T::Mask as Mask>::splat(true),
        };
        for k in 0..4 {
            // rows[s.i[k]], lane by lane.
            ex.map[k] = rows[3];
            for r in (0..3).rev() {
                ex.map[k] = T::select_array(s.i[k].eq(c(r as f64)), rows[r], ex.map[k]);
            }
            ex.after[k] = s.v[k];
            ex.keeps_n = ex.keeps_n & level_n_of(s.i[k]).eq(c(level_n(k)));
        }
        ex.work = work_between(m.omega0, m.r, x, &ex.after, ex.keeps_n);
        ex
    }
}
