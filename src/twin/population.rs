//! Twin of `shaders/population.wgsl`.

use super::extract::{energy, heat_functional, level_n, sort_desc, Extraction, KernelModel, Model};
use super::linalg::{Mat, Vec};
use super::params::{Point, Rates4};

/// The population model, N = 4.
pub struct Population;

/// Twin of `channel_rates`.
#[expect(
    clippy::needless_range_loop,
    reason = "kept in the shape of population.wgsl"
)]
#[inline(always)]
pub fn channel_rates(b: &Rates4, mid: usize) -> Mat<4> {
    let mut w = [[0.0; 4]; 4];
    let is_a = mid == 2;
    w[mid][0] = 2.0 * if is_a { b.up_hi } else { b.up_lo };
    w[0][mid] = 2.0 * if is_a { b.down_hi } else { b.down_lo };
    w[3][mid] = 2.0 * if is_a { b.up_lo } else { b.up_hi };
    w[mid][3] = 2.0 * if is_a { b.down_lo } else { b.down_hi };
    for j in 0..4 {
        let out: f64 = (0..4).map(|i| w[i][j]).sum();
        w[j][j] = -out;
    }
    w
}

impl KernelModel<4> for Population {
    #[inline(always)]
    fn build_model(p: &Point) -> Model<4> {
        let e = [
            0.0,
            p.omega0 - p.lambda,
            p.omega0 + p.lambda,
            2.0 * p.omega0,
        ];
        let wa = channel_rates(&p.a, 2);
        let ws = channel_rates(&p.s, 1);
        let mut gate = [[0.0; 4]; 4];
        gate[0][0] = 1.0;
        gate[1][2] = 1.0;
        gate[2][1] = 1.0;
        gate[3][3] = 1.0;
        Model {
            g: std::array::from_fn(|i| std::array::from_fn(|j| wa[i][j] + ws[i][j])),
            ha: heat_functional(&wa, e),
            hs: heat_functional(&ws, e),
            hd: [0.0; 4],
            e,
            gate,
            valid: p.lambda < p.omega0,
        }
    }

    #[inline(always)]
    fn extract_optimal(m: &Model<4>, x: &Vec<4>) -> Extraction<4> {
        let s = sort_desc(*x);
        let mut ex = Extraction {
            map: [[0.0; 4]; 4],
            after: [0.0; 4],
            work: 0.0,
            keeps_n: true,
        };
        for k in 0..4 {
            ex.map[k][s.i[k]] = 1.0;
            ex.after[k] = s.v[k];
            ex.keeps_n &= level_n(s.i[k]) == level_n(k);
        }
        ex.work = energy(m.e, x) - energy(m.e, &ex.after);
        ex
    }
}
