//! Twin of `shaders/population.wgsl`.

use super::extract::{
    heat_functional, level_n, level_n_of, sort_desc, work_between, Extraction, Model, StateSpace,
};
use super::linalg::{Mat, Vec};
use super::params::{Point, Rates4};
use super::real::{c, matrix, Mask, Real};

/// The population model, N = 4.
pub struct Population;

/// Twin of `channel_rates`.
#[expect(
    clippy::needless_range_loop,
    reason = "kept in the shape of population.wgsl"
)]
#[inline(always)]
pub fn channel_rates<T: Real>(b: &Rates4<T>, mid: usize) -> Mat<T, 4> {
    let mut w = [[c(0.0); 4]; 4];
    let is_a = mid == 2;
    let two = c::<T>(2.0);
    w[mid][0] = two * if is_a { b.up_hi } else { b.up_lo };
    w[0][mid] = two * if is_a { b.down_hi } else { b.down_lo };
    w[3][mid] = two * if is_a { b.up_lo } else { b.up_hi };
    w[mid][3] = two * if is_a { b.down_lo } else { b.down_hi };
    for j in 0..4 {
        // From −0, as `f64::sum`.
        let mut out = c::<T>(-0.0);
        for i in 0..4 {
            out = out + w[i][j];
        }
        w[j][j] = -out;
    }
    w
}

impl StateSpace<4> for Population {
    #[inline(always)]
    fn build_model<T: Real>(p: &Point<T>) -> Model<T, 4> {
        let e = [
            c(0.0),
            p.omega0 - p.lambda,
            p.omega0 + p.lambda,
            c::<T>(2.0) * p.omega0,
        ];
        let wa = channel_rates(&p.a, 2);
        let ws = channel_rates(&p.s, 1);
        let mut gate = [[c(0.0); 4]; 4];
        gate[0][0] = c(1.0);
        gate[1][2] = c(1.0);
        gate[2][1] = c(1.0);
        gate[3][3] = c(1.0);
        Model {
            g: matrix(|i, j| wa[i][j] + ws[i][j]),
            ha: heat_functional(&wa, p.omega0, p.lambda),
            hs: heat_functional(&ws, p.omega0, p.lambda),
            hd: [c(0.0); 4],
            e,
            omega0: p.omega0,
            r: p.lambda,
            gate,
            valid: p.lambda.lt(p.omega0),
        }
    }

    #[inline(always)]
    fn extract_optimal<T: Real>(m: &Model<T, 4>, x: &Vec<T, 4>) -> Extraction<T, 4> {
        let s = sort_desc(*x);
        let mut ex = Extraction {
            map: [[c(0.0); 4]; 4],
            after: [c(0.0); 4],
            work: c(0.0),
            keeps_n: <T::Mask as Mask>::splat(true),
        };
        for k in 0..4 {
            for j in 0..4 {
                ex.map[k][j] = T::select(s.i[k].eq(c(j as f64)), c(1.0), c(0.0));
            }
            ex.after[k] = s.v[k];
            ex.keeps_n = ex.keeps_n & level_n_of(s.i[k]).eq(c(level_n(k)));
        }
        ex.work = work_between(m.omega0, m.r, x, &ex.after, ex.keeps_n);
        ex
    }
}
