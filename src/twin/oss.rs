//! Twin of `shaders/oss.wgsl`: one grid point's OSS and figures.

use super::extract::{energy, Extraction, KernelModel, Model};
use super::linalg::{
    dot_vec, matmul, matvec, max_abs_diff, propagate, solve_steady, solve_trace, Mat, Propagator,
    Vec, CHECK_SOLVE, EPS, ITERATION_TOLERANCE, NEWTON_STALL, NEWTON_TOLERANCE, REFINEMENT_STEPS,
    TOLERANCE,
};
use super::params::{load_point, SweepParams, N_OUTPUTS};
use crate::model::trust::{consistency, heat_noise, passive_certain, settle, work_noise, RawCycle};

/// Status codes and flags of `layout::STATUS` and `layout::FLAGS` (the
/// WGSL STATUS_* and FLAG_* are generated from the same lists; a test
/// checks these names against them).
pub const STATUS_CONVERGED: u32 = 0;
pub const STATUS_NOT_CONVERGED: u32 = 1;
pub const STATUS_INVALID: u32 = 2;
pub const STATUS_IMPRECISE: u32 = 3;
/// The host writes NaN (efficiency, entropy production) or +inf (error
/// estimate) where these are set.
pub const FLAG_NO_EFFICIENCY: u32 = 0x100;
pub const FLAG_NO_ENTROPY: u32 = 0x200;
pub const FLAG_UNRESOLVED: u32 = 0x400;

#[cfg(test)]
mod layout_tests {
    use super::*;
    use crate::twin::layout::{FLAGS, STATUS};

    #[test]
    fn status_and_flags_match_the_layout() {
        let code = |n: &str| STATUS.iter().find(|(k, _)| *k == n).map(|(_, c)| *c);
        let flag = |n: &str| FLAGS.iter().find(|(k, _)| *k == n).map(|(_, c)| *c);
        assert_eq!(code("converged"), Some(STATUS_CONVERGED));
        assert_eq!(code("not_converged"), Some(STATUS_NOT_CONVERGED));
        assert_eq!(code("invalid"), Some(STATUS_INVALID));
        assert_eq!(code("imprecise"), Some(STATUS_IMPRECISE));
        assert_eq!(flag("no_efficiency"), Some(FLAG_NO_EFFICIENCY));
        assert_eq!(flag("no_entropy"), Some(FLAG_NO_ENTROPY));
        assert_eq!(flag("unresolved"), Some(FLAG_UNRESOLVED));
    }
}

/// What one invocation writes: the OUTPUT_NAMES, cycles, status|flags.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PointOutput {
    pub real: [f64; N_OUTPUTS],
    pub cycles: u32,
    pub status: u32,
}

#[inline(always)]
fn extract<M: KernelModel<N>, const N: usize>(
    params: &SweepParams,
    m: &Model<N>,
    x: &Vec<N>,
) -> Extraction<N> {
    if params.protocol == 0 {
        return M::extract_optimal(m, x);
    }
    let after = matvec(&m.gate, x);
    Extraction {
        map: m.gate,
        after,
        work: energy(m.e, x) - energy(m.e, &after),
        keeps_n: true,
    }
}

/// Twin of `solve_cycle`, with the same iterative refinement.
#[inline(always)]
fn solve_cycle<const N: usize>(xm: &Mat<N>, d: &Mat<N>) -> Option<Vec<N>> {
    let mut m = matmul(xm, d);
    for i in 0..N {
        for j in 0..N {
            m[i][j] += xm[i][j];
        }
        m[i][i] -= 1.0;
    }
    let mut x = solve_steady(&m)?;
    for _ in 0..REFINEMENT_STEPS {
        let r = cycle_residual(xm, d, &x);
        let corr = solve_trace(&m, &r)?;
        for k in 0..N {
            x[k] += corr[k];
        }
    }
    Some(x)
}

/// Twin of `cycle_residual`.
#[inline(always)]
fn cycle_residual<const N: usize>(xm: &Mat<N>, d: &Mat<N>, x: &Vec<N>) -> Vec<N> {
    let dx = matvec(d, x);
    let xdx = matvec(xm, &dx);
    let mut r = [0.0; N];
    for k in 0..N {
        let mut acc = xdx[k];
        for j in 0..N {
            let v = if k < 4 && j < 4 { x[j] - x[k] } else { x[j] };
            acc = xm[k][j].mul_add(v, acc);
        }
        if k >= 4 {
            acc -= x[k];
        }
        r[k] = -acc;
    }
    r[0] = 1.0 - (x[0] + x[1] + x[2] + x[3]);
    r
}

/// Twin of `max_abs`: the trace row left out.
#[inline(always)]
fn max_abs<const N: usize>(v: &Vec<N>) -> f64 {
    v[1..].iter().fold(0.0, |m: f64, x| m.max(x.abs()))
}

/// Twin of `charge`.
#[inline(always)]
fn charge<const N: usize>(x: &Vec<N>, d: &Mat<N>) -> Vec<N> {
    let dx = matvec(d, x);
    std::array::from_fn(|i| x[i] + dx[i])
}

/// Twin of `find_oss`: (start state, cycles, status, residual, whether the
/// last solve's map is the one its solution calls for, the max-norm of the
/// last solve's refined residual).
#[inline(always)]
fn find_oss<M: KernelModel<N>, const N: usize>(
    params: &SweepParams,
    m: &Model<N>,
    prop: &Propagator<N>,
    ness: &Vec<N>,
) -> (Vec<N>, u32, u32, f64, bool, f64) {
    let mut ex = extract::<M, N>(params, m, ness);
    let mut prev_residual = 1e30;
    for _ in 0..params.max_newton {
        let Some(x) = solve_cycle(&ex.map, &prop.d) else {
            break;
        };
        let charged = charge(&x, &prop.d);
        let old_map = ex.map;
        ex = extract::<M, N>(params, m, &charged);
        let residual = max_abs_diff(&ex.after, &x);
        let stalled = residual >= 0.5 * prev_residual && residual <= NEWTON_STALL;
        if old_map == ex.map || residual <= NEWTON_TOLERANCE || stalled {
            let solve_residual = max_abs(&cycle_residual(&old_map, &prop.d, &x));
            return (
                x,
                0,
                STATUS_CONVERGED,
                residual,
                old_map == ex.map,
                solve_residual,
            );
        }
        prev_residual = residual;
        if params.protocol != 0 {
            break;
        }
    }
    let mut x = *ness;
    let mut prev = 1e30;
    for n in 1..=params.max_cycles {
        let charged = charge(&x, &prop.d);
        ex = extract::<M, N>(params, m, &charged);
        let tr = ex.after[0] + ex.after[1] + ex.after[2] + ex.after[3];
        for v in ex.after.iter_mut() {
            *v /= tr;
        }
        let delta = max_abs_diff(&ex.after, &x);
        let q = delta / prev;
        x = ex.after;
        let tail = if q < 1.0 { delta * q / (1.0 - q) } else { 1e30 };
        if delta <= 4.0 * EPS || (n >= 3 && tail <= ITERATION_TOLERANCE) {
            return (x, n, STATUS_CONVERGED, tail.min(delta), false, 0.0);
        }
        prev = delta;
    }
    (x, params.max_cycles, STATUS_NOT_CONVERGED, 1e30, false, 0.0)
}

const INVALID: PointOutput = PointOutput {
    real: [0.0; N_OUTPUTS],
    cycles: 0,
    status: STATUS_INVALID,
};

/// Twin of `main` for chunk point `i`.
#[inline(always)]
pub fn run_point<M: KernelModel<N>, const N: usize>(
    params: &SweepParams,
    values: &[f64],
    i: u32,
) -> PointOutput {
    let p = load_point(params, values, i);
    let m = M::build_model(&p);
    if !m.valid {
        return INVALID;
    }
    let prop = propagate(&m.g, p.tau);
    let Some(ness) = solve_steady(&m.g) else {
        return INVALID;
    };
    let ness_ex = M::extract_optimal(&m, &ness);
    let (start, cycles, status, residual, same_map, solve_residual) =
        find_oss::<M, N>(params, &m, &prop, &ness);
    // Twin of the split e = ω0 n + r (0, −1, 1, 0) and of the ledger in
    // oss.wgsl.
    let final_ex = extract::<M, N>(params, &m, &charge(&start, &prop.d));
    let mut passive = params.protocol == 0;
    for k in 0..4 {
        for j in 0..N {
            passive &= final_ex.map[k][j] == if k == j { 1.0 } else { 0.0 };
        }
    }
    let after = [
        final_ex.after[0],
        final_ex.after[1],
        final_ex.after[2],
        final_ex.after[3],
    ];
    passive &= passive_certain(&after, &m.e, EPS);
    let dx = matvec(&prop.d, &start);
    let (omega0, r) = (0.5 * m.e[3], 0.5 * (m.e[2] - m.e[1]));
    let n_delta = if final_ex.keeps_n {
        0.0
    } else {
        dx[1] + dx[2] + 2.0 * dx[3]
    };
    let work = omega0.mul_add(n_delta, r * (dx[2] - dx[1]));
    let rate_tau = (p.a.total() + p.s.total() + p.dephasing) * p.tau;
    let w_noise = work_noise(
        EPS,
        omega0,
        r,
        rate_tau,
        &[dx[0], dx[1], dx[2], dx[3]],
        final_ex.keeps_n,
    );
    let start = if passive { ness } else { start };
    let ix = matvec(&prop.integral, &start);
    let l = settle(&RawCycle {
        work,
        heat_a: dot_vec(&m.ha, &ix),
        heat_s: dot_vec(&m.hs, &ix),
        heat_dephasing: dot_vec(&m.hd, &ix),
        work_noise: w_noise,
        heat_noise: heat_noise(EPS, omega0, rate_tau),
        passive,
        optimal: params.protocol == 0,
        consistency: consistency(same_map, residual, &dx[..4]).max(if CHECK_SOLVE {
            consistency(false, solve_residual, &dx[..4])
        } else {
            0.0
        }),
        betas: p.thermal.then_some((p.beta_a, p.beta_s)),
    });
    let heat_hot = if p.hot_is_s { l.heat_s } else { l.heat_a };
    let mut flags = 0;
    let undefined = |v: f64, flag: u32, flags: &mut u32| {
        if v.is_finite() {
            v
        } else {
            *flags |= flag;
            0.0
        }
    };
    let efficiency = undefined(l.efficiency, FLAG_NO_EFFICIENCY, &mut flags);
    let entropy_production = undefined(l.entropy_production, FLAG_NO_ENTROPY, &mut flags);
    let error_estimate = undefined(l.error_estimate, FLAG_UNRESOLVED, &mut flags);
    let status = if status == STATUS_CONVERGED
        && (flags & FLAG_UNRESOLVED != 0 || error_estimate > TOLERANCE)
    {
        STATUS_IMPRECISE
    } else {
        status
    };
    PointOutput {
        real: [
            l.work,
            l.work / p.tau,
            efficiency,
            heat_hot,
            l.heat_a,
            l.heat_s,
            ness_ex.work.max(0.0),
            l.heat_dephasing,
            l.heat_in,
            entropy_production,
            error_estimate,
        ],
        cycles,
        status: status | flags,
    }
}
