//! Twin of `shaders/density_matrix.wgsl`: the six-dimensional sector
//! (ρ_gg, ρ_S'S', ρ_A'A', ρ_ee, Re ρ_S'A', Im ρ_S'A') of the density matrix.

use super::extract::{
    complement_pair, energy, heat_functional, level_n, sort_desc, Extraction, KernelModel, Model,
};
use super::linalg::{Mat, Vec};
use super::params::{Point, Rates4};

/// The density-matrix model, N = 6.
pub struct DensityMatrix;

/// Twin of `bath`.
#[inline(always)]
pub fn bath(b: &Rates4, q1: f64, q2: f64, k: f64) -> Mat<6> {
    let mut w = [[0.0; 6]; 6];
    let ud = b.up_lo + b.down_lo;
    w[0][0] = -2.0 * (q1 * b.up_lo + q2 * b.up_hi);
    w[0][1] = 2.0 * b.down_lo * q1;
    w[0][2] = 2.0 * b.down_hi * q2;
    w[0][4] = 4.0 * b.down_lo * k;
    w[1][0] = 2.0 * b.up_lo * q1;
    w[1][1] = -2.0 * (b.down_lo + b.up_hi) * q1;
    w[1][3] = 2.0 * b.down_hi * q1;
    w[1][4] = -2.0 * ud * k;
    w[2][0] = 2.0 * b.up_hi * q2;
    w[2][2] = -2.0 * (b.down_hi + b.up_lo) * q2;
    w[2][3] = 2.0 * b.down_lo * q2;
    w[2][4] = -2.0 * ud * k;
    w[3][1] = 2.0 * b.up_hi * q1;
    w[3][2] = 2.0 * b.up_lo * q2;
    w[3][3] = -2.0 * (q1 * b.down_hi + q2 * b.down_lo);
    w[3][4] = 4.0 * b.up_lo * k;
    w[4][0] = 2.0 * b.up_lo * k;
    w[4][1] = -ud * k;
    w[4][2] = -ud * k;
    w[4][3] = 2.0 * b.down_lo * k;
    w[4][4] = -(q1 * (b.down_lo + b.up_hi) + q2 * (b.down_hi + b.up_lo));
    w[5][5] = w[4][4];
    w
}

impl KernelModel<6> for DensityMatrix {
    #[inline(always)]
    fn build_model(p: &Point) -> Model<6> {
        let r = p.lambda.mul_add(p.lambda, p.detuning * p.detuning).sqrt();
        let (cc, sn) = if r > 0.0 {
            (p.lambda / r, p.detuning / r)
        } else {
            (1.0, 0.0)
        };
        let e = [0.0, p.omega0 - r, p.omega0 + r, 2.0 * p.omega0];
        let c2 = 0.5 * (1.0 + cc);
        let s2 = 0.5 * (1.0 - cc);
        let kk = if p.kms { 0.0 } else { 0.5 * sn };
        let wa = bath(&p.a, s2, c2, kk);
        let ws = bath(&p.s, c2, s2, -kk);
        let g = p.dephasing;
        let mut wd = [[0.0; 6]; 6];
        wd[1][1] = -g * cc * cc;
        wd[1][2] = g * cc * cc;
        wd[1][4] = 2.0 * g * sn * cc;
        wd[2][1] = g * cc * cc;
        wd[2][2] = -g * cc * cc;
        wd[2][4] = -2.0 * g * sn * cc;
        wd[4][1] = g * sn * cc;
        wd[4][2] = -g * sn * cc;
        wd[4][4] = -2.0 * g * sn * sn;
        wd[5][5] = -2.0 * g;
        let mut m: Mat<6> =
            std::array::from_fn(|i| std::array::from_fn(|j| wa[i][j] + ws[i][j] + wd[i][j]));
        m[4][5] -= 2.0 * r;
        m[5][4] += 2.0 * r;
        let mut gate = [[0.0; 6]; 6];
        let w = complement_pair(cc * cc);
        gate[0][0] = 1.0;
        gate[3][3] = 1.0;
        gate[1][1] = w.1;
        gate[1][2] = w.0;
        gate[1][4] = 2.0 * sn * cc;
        gate[2][1] = w.0;
        gate[2][2] = w.1;
        gate[2][4] = -2.0 * sn * cc;
        gate[4][1] = sn * cc;
        gate[4][2] = -sn * cc;
        gate[4][4] = cc * cc - sn * sn;
        gate[5][5] = -1.0;
        Model {
            g: m,
            ha: heat_functional(&wa, e),
            hs: heat_functional(&ws, e),
            hd: heat_functional(&wd, e),
            e,
            gate,
            valid: r < p.omega0,
        }
    }

    #[inline(always)]
    fn extract_optimal(m: &Model<6>, x: &Vec<6>) -> Extraction<6> {
        let mid = 0.5 * (x[1] + x[2]);
        let a = 0.5 * (x[1] - x[2]);
        let (zr, zi) = (x[4], x[5]);
        let big = (a * a + zr * zr + zi * zi).sqrt();
        let (ca, cr, ci) = if big > 0.0 {
            (a / big, zr / big, zi / big)
        } else {
            (1.0, 0.0, 0.0)
        };
        let mut rows = [[0.0; 6]; 4];
        let w = complement_pair(0.5 * (1.0 + ca));
        rows[0][0] = 1.0;
        rows[1][1] = w.0;
        rows[1][2] = w.1;
        rows[1][4] = cr;
        rows[1][5] = ci;
        rows[2][1] = w.1;
        rows[2][2] = w.0;
        rows[2][4] = -cr;
        rows[2][5] = -ci;
        rows[3][3] = 1.0;
        let vals = [x[0], mid + big, mid - big, x[3]];
        let s = sort_desc(vals);
        let mut ex = Extraction {
            map: [[0.0; 6]; 6],
            after: [0.0; 6],
            work: 0.0,
            keeps_n: true,
        };
        for k in 0..4 {
            ex.map[k] = rows[s.i[k]];
            ex.after[k] = s.v[k];
            ex.keeps_n &= level_n(s.i[k]) == level_n(k);
        }
        ex.work = energy(m.e, x) - energy(m.e, &ex.after);
        ex
    }
}
