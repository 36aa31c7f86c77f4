//! Twin of `shaders/oss.wgsl`: one grid point's OSS and figures.

use super::extract::{work_between, Extraction, Model, StateSpace};
use super::linalg::{
    dot_vec, matmul, matvec, max_abs_diff, propagate, solve_steady, solve_trace, Mat, Propagator,
    Vec, CHECK_SOLVE, REFINEMENT_STEPS, TOLERANCE,
};
use super::params::{load_point, Point, SweepParams, MAX_LANES, N_OUTPUTS};
use super::real::{array, c, Mask, Real};
use crate::layout::{Status, PROTOCOL_OPTIMAL};
use crate::outputs::NO_SLOT;
use crate::trust::{
    coarse_floor, consistency, gate_conditioning, gate_mixing_noise, heat_noise, passive_certain,
    settle, work_noise, work_noise_factor, RawCycle,
};
use crate::Quantity;

/// Status codes and flags of `layout::STATUS` and `layout::FLAGS` (the
/// WGSL STATUS_* and FLAG_* are generated from the same lists; a test
/// checks these names against them).
pub const STATUS_CONVERGED: u32 = Status::Converged as u32;
pub const STATUS_NOT_CONVERGED: u32 = Status::NotConverged as u32;
pub const STATUS_INVALID: u32 = Status::Invalid as u32;
pub const STATUS_IMPRECISE: u32 = Status::Imprecise as u32;
/// The host writes NaN (efficiency, entropy production) or +inf (error
/// estimate) where these are set.
pub const FLAG_NO_EFFICIENCY: u32 = 0x100;
pub const FLAG_NO_ENTROPY: u32 = 0x200;
pub const FLAG_UNRESOLVED: u32 = 0x400;

#[cfg(test)]
mod layout_tests {
    use super::*;
    use crate::layout::{FLAGS, STATUS};

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

/// What a lane of invocations writes; cycles and status|flags as exact
/// small integers in `T`.
#[derive(Debug, Clone, Copy)]
pub struct LaneOutput<T> {
    pub real: [T; N_OUTPUTS],
    pub cycles: T,
    pub status: T,
}

impl<T: Real> LaneOutput<T> {
    /// Lane `l` as one point's output.
    #[inline(always)]
    pub fn point(&self, l: usize) -> PointOutput {
        self.points()[l]
    }

    /// Every lane as one point's output (the first `T::LANES`).
    #[inline(always)]
    pub fn points(&self) -> [PointOutput; MAX_LANES] {
        let mut p = [PointOutput::default(); MAX_LANES];
        let mut v = [0.0; MAX_LANES];
        for q in 0..N_OUTPUTS {
            self.real[q].store(&mut v);
            for l in 0..T::LANES {
                p[l].real[q] = v[l];
            }
        }
        self.cycles.store(&mut v);
        for l in 0..T::LANES {
            p[l].cycles = v[l] as u32;
        }
        self.status.store(&mut v);
        for l in 0..T::LANES {
            p[l].status = v[l] as u32;
        }
        p
    }
}

#[inline(always)]
fn extract<M: StateSpace<N>, T: Real, const N: usize>(
    params: &SweepParams,
    m: &Model<T, N>,
    x: &Vec<T, N>,
) -> Extraction<T, N> {
    if params.protocol == PROTOCOL_OPTIMAL {
        return M::extract_optimal(m, x);
    }
    let after = matvec(&m.gate, x);
    Extraction {
        map: m.gate,
        after,
        work: work_between(m.omega0, m.r, x, &after, <T::Mask as Mask>::splat(true)),
        keeps_n: <T::Mask as Mask>::splat(true),
    }
}

/// Twin of `solve_cycle`, with the same iterative refinement; the mask is
/// false where a solve was singular.
#[inline(always)]
fn solve_cycle<T: Real, const N: usize>(xm: &Mat<T, N>, d: &Mat<T, N>) -> (Vec<T, N>, T::Mask) {
    let mut m = matmul(xm, d);
    for i in 0..N {
        for j in 0..N {
            m[i][j] = m[i][j] + xm[i][j];
        }
        m[i][i] = m[i][i] - c(1.0);
    }
    let (mut x, mut ok) = solve_steady(&m);
    for _ in 0..REFINEMENT_STEPS {
        if !ok.any() {
            break;
        }
        let r = cycle_residual(xm, d, &x);
        let (corr, solved) = solve_trace(&m, &r);
        ok = ok & solved;
        for k in 0..N {
            x[k] = x[k] + corr[k];
        }
    }
    (x, ok)
}

/// Twin of `cycle_residual`.
#[inline(always)]
fn cycle_residual<T: Real, const N: usize>(
    xm: &Mat<T, N>,
    d: &Mat<T, N>,
    x: &Vec<T, N>,
) -> Vec<T, N> {
    let dx = matvec(d, x);
    let xdx = matvec(xm, &dx);
    let mut r = [c(0.0); N];
    for k in 0..N {
        let mut acc = xdx[k];
        for j in 0..N {
            let v = if k < 4 && j < 4 { x[j] - x[k] } else { x[j] };
            acc = xm[k][j].mul_add(v, acc);
        }
        if k >= 4 {
            acc = acc - x[k];
        }
        r[k] = -acc;
    }
    r[0] = c::<T>(1.0) - (x[0] + x[1] + x[2] + x[3]);
    r
}

/// Twin of `max_abs`: the trace row left out.
#[expect(
    clippy::needless_range_loop,
    reason = "a plain loop, see `real::array`"
)]
#[inline(always)]
fn max_abs<T: Real, const N: usize>(v: &Vec<T, N>) -> T {
    let mut m: T = c(0.0);
    for k in 1..N {
        m = m.max(v[k].abs());
    }
    m
}

/// Twin of `charge`.
#[inline(always)]
fn charge<T: Real, const N: usize>(x: &Vec<T, N>, d: &Mat<T, N>) -> Vec<T, N> {
    let dx = matvec(d, x);
    array(|i| x[i] + dx[i])
}

/// Every entry equal (`==` on the arrays).
#[inline(always)]
fn same_map<T: Real, const N: usize>(a: &Mat<T, N>, b: &Mat<T, N>) -> T::Mask {
    let mut same = <T::Mask as Mask>::splat(true);
    for i in 0..N {
        for j in 0..N {
            same = same & a[i][j].eq(b[i][j]);
        }
    }
    same
}

/// What `find_oss` returns: the start state, cycles, status, residual,
/// whether the last solve's map is the one its solution calls for, and the
/// max-norm of the last solve's refined residual.
#[derive(Clone, Copy)]
struct Oss<T: Real, const N: usize> {
    x: Vec<T, N>,
    cycles: T,
    status: T,
    residual: T,
    same_map: T::Mask,
    solve_residual: T,
}

impl<T: Real, const N: usize> Oss<T, N> {
    /// Keeps `found` in the lanes of `m`.
    #[inline(always)]
    fn settle(&mut self, m: T::Mask, found: &Self) {
        self.x = T::select_array(m, found.x, self.x);
        self.cycles = T::select(m, found.cycles, self.cycles);
        self.status = T::select(m, found.status, self.status);
        self.residual = T::select(m, found.residual, self.residual);
        self.same_map = (m & found.same_map) | (!m & self.same_map);
        self.solve_residual = T::select(m, found.solve_residual, self.solve_residual);
    }
}

/// Twin of `find_oss` for the lanes of `live`. Newton runs while any lane
/// still needs it; a lane that converges keeps its answer, and a lane whose
/// solve is singular or that runs out of Newton steps goes on to plain
/// iteration, which runs while any such lane has not converged.
#[inline(always)]
fn find_oss<M: StateSpace<N>, T: Real, const N: usize>(
    params: &SweepParams,
    m: &Model<T, N>,
    prop: &Propagator<T, N>,
    ness: &Vec<T, N>,
    live: T::Mask,
) -> Oss<T, N> {
    let no = <T::Mask as Mask>::splat(false);
    let mut out = Oss {
        x: *ness,
        cycles: c(f64::from(params.max_cycles)),
        status: c(f64::from(STATUS_NOT_CONVERGED)),
        residual: c(1e30),
        same_map: no,
        solve_residual: c(0.0),
    };
    let mut ex = extract::<M, T, N>(params, m, ness);
    let mut prev_residual = c::<T>(1e30);
    let mut newton = live;
    let mut done = !live;
    for _ in 0..params.max_newton {
        if !newton.any() {
            break;
        }
        let (x, solved) = solve_cycle(&ex.map, &prop.d);
        newton = newton & solved;
        let charged = charge(&x, &prop.d);
        let old_map = ex.map;
        ex = extract::<M, T, N>(params, m, &charged);
        let residual = max_abs_diff(&ex.after, &x);
        let stalled = residual.ge(c::<T>(0.5) * prev_residual) & residual.le(c(T::NEWTON_STALL));
        let same = same_map(&old_map, &ex.map);
        let converged = newton & (same | residual.le(c(T::NEWTON_TOLERANCE)) | stalled);
        if converged.any() {
            let found = Oss {
                x,
                cycles: c(0.0),
                status: c(f64::from(STATUS_CONVERGED)),
                residual,
                same_map: same,
                solve_residual: max_abs(&cycle_residual(&old_map, &prop.d, &x)),
            };
            out.settle(converged, &found);
            done = done | converged;
            newton = newton & !converged;
        }
        prev_residual = residual;
        if params.protocol != PROTOCOL_OPTIMAL {
            break;
        }
    }
    let mut iterate = !done;
    if !iterate.any() {
        return out;
    }
    let mut x = *ness;
    let mut prev = c::<T>(1e30);
    for n in 1..=params.max_cycles {
        let charged = charge(&x, &prop.d);
        ex = extract::<M, T, N>(params, m, &charged);
        let tr = ex.after[0] + ex.after[1] + ex.after[2] + ex.after[3];
        let after: Vec<T, N> = array(|k| ex.after[k] / tr);
        let delta = max_abs_diff(&after, &x);
        let q = delta / prev;
        x = after;
        let tail = T::select(q.lt(c(1.0)), delta * q / (c::<T>(1.0) - q), c(1e30));
        let converged = iterate
            & (delta.le(c(4.0 * T::EPS))
                | (<T::Mask as Mask>::splat(n >= 3) & tail.le(c(T::ITERATION_TOLERANCE))));
        if converged.any() {
            let found = Oss {
                x,
                cycles: c(f64::from(n)),
                status: c(f64::from(STATUS_CONVERGED)),
                residual: tail.min(delta),
                same_map: no,
                solve_residual: c(0.0),
            };
            out.settle(converged, &found);
            iterate = iterate & !converged;
            if !iterate.any() {
                return out;
            }
        }
        prev = delta;
    }
    // Not converged: the last iterate, with the defaults above.
    out.x = T::select_array(iterate, x, out.x);
    out
}

/// Twin of `main` for a lane of points `p` (one point where `T` is f64).
#[inline(always)]
pub fn run_lanes<M: StateSpace<N>, T: Real, const N: usize>(
    params: &SweepParams,
    p: &Point<T>,
) -> LaneOutput<T> {
    let zero = c::<T>(0.0);
    let invalid = LaneOutput {
        real: [zero; N_OUTPUTS],
        cycles: zero,
        status: c(f64::from(STATUS_INVALID)),
    };
    let m = M::build_model(p);
    if !m.valid.any() {
        return invalid;
    }
    let prop = propagate(&m.g, p.tau);
    let (ness, solved) = solve_steady(&m.g);
    let live = m.valid & solved;
    if !live.any() {
        return invalid;
    }
    // The NESS's ergotropy only where the sweep keeps it.
    let ness_work = if params.out_slot[Quantity::NessErgotropy as usize] != NO_SLOT {
        // An ergotropy within the rounding noise of the populations it is
        // a difference of is 0 (the trust contract's exact zeros).
        let ex = M::extract_optimal(&m, &ness);
        let noise = work_noise(
            T::EPS,
            m.omega0,
            m.r,
            zero,
            &[ness[0], ness[1], ness[2], ness[3]],
            ex.keeps_n,
            work_noise_factor(T::EPS, N > 4),
        );
        T::select(ex.work.le(noise), zero, ex.work)
    } else {
        zero
    };
    // Twin of `ness_error` in oss.wgsl: a coarse precision's status carries
    // the NESS ergotropy's error too (0 in f64 and double-double).
    let ness_error = zero;
    let oss = find_oss::<M, T, N>(params, &m, &prop, &ness, live);
    // Twin of the split e = ω0 n + r (0, −1, 1, 0) and of the ledger in
    // oss.wgsl.
    let final_ex = extract::<M, T, N>(params, &m, &charge(&oss.x, &prop.d));
    let mut passive = <T::Mask as Mask>::splat(params.protocol == PROTOCOL_OPTIMAL);
    for k in 0..4 {
        for j in 0..N {
            passive = passive & final_ex.map[k][j].eq(c(if k == j { 1.0 } else { 0.0 }));
        }
    }
    let after = [
        final_ex.after[0],
        final_ex.after[1],
        final_ex.after[2],
        final_ex.after[3],
    ];
    passive = passive & passive_certain(&after, &m.e, T::EPS);
    let dx = matvec(&prop.d, &oss.x);
    let (omega0, r) = (m.omega0, m.r);
    let n_delta = T::select(final_ex.keeps_n, zero, dx[1] + dx[2] + c::<T>(2.0) * dx[3]);
    let work = omega0.mul_add(n_delta, r * (dx[2] - dx[1]));
    let rate_tau = (p.a.total() + p.s.total() + p.dephasing) * p.tau;
    let w_noise = work_noise(
        T::EPS,
        omega0,
        r,
        rate_tau,
        &[dx[0], dx[1], dx[2], dx[3]],
        final_ex.keeps_n,
        work_noise_factor(T::EPS, N > 4),
    ) + gate_mixing_noise(T::EPS, params.protocol != PROTOCOL_OPTIMAL, p.detuning, r);
    let start = T::select_array(passive, ness, oss.x);
    let ix = matvec(&prop.integral, &start);
    let l = settle(&RawCycle {
        work,
        heat_a: dot_vec(&m.ha, &ix),
        heat_s: dot_vec(&m.hs, &ix),
        heat_dephasing: dot_vec(&m.hd, &ix),
        work_noise: w_noise,
        heat_noise: [
            heat_noise(T::EPS, omega0, p.a.total() * p.tau),
            heat_noise(T::EPS, omega0, p.s.total() * p.tau),
            heat_noise(T::EPS, omega0, p.dephasing * p.tau),
        ],
        passive,
        optimal: params.protocol == PROTOCOL_OPTIMAL,
        coherent: N > 4,
        consistency: consistency(oss.same_map, oss.residual, &dx[..4])
            .max(if CHECK_SOLVE {
                consistency(
                    <T::Mask as Mask>::splat(false),
                    oss.solve_residual,
                    &dx[..4],
                )
            } else {
                zero
            })
            .max(gate_conditioning(
                T::EPS,
                params.protocol != PROTOCOL_OPTIMAL,
                N > 4,
                rate_tau,
            )),
        floor: coarse_floor(
            T::EPS,
            omega0,
            r,
            rate_tau,
            if p.thermal {
                (c::<T>(1.0) / p.beta_a).max(c::<T>(1.0) / p.beta_s)
            } else {
                zero
            },
        ),
        betas: p.thermal.then_some((p.beta_a, p.beta_s)),
        eps: T::EPS,
    });
    let heat_hot = T::select(p.hot_is_s, l.heat_s, l.heat_a);
    // The flags are distinct bits: adding them is or-ing them.
    let mut flags = zero;
    let mut defined = |v: T, flag: u32| {
        let finite = v.is_finite();
        flags = flags + T::select(finite, zero, c(f64::from(flag)));
        (T::select(finite, v, zero), finite)
    };
    let (efficiency, _) = defined(l.efficiency, FLAG_NO_EFFICIENCY);
    let (entropy_production, _) = defined(l.entropy_production, FLAG_NO_ENTROPY);
    let (error_estimate, resolved) = defined(l.error_estimate.max(ness_error), FLAG_UNRESOLVED);
    let imprecise = oss.status.eq(c(f64::from(STATUS_CONVERGED)))
        & (!resolved | error_estimate.gt(c(TOLERANCE)));
    let status = T::select(imprecise, c(f64::from(STATUS_IMPRECISE)), oss.status);
    let real = [
        l.work,
        l.work / p.tau,
        efficiency,
        heat_hot,
        l.heat_a,
        l.heat_s,
        ness_work,
        l.heat_dephasing,
        l.heat_in,
        entropy_production,
        error_estimate,
    ];
    LaneOutput {
        real: T::select_array(live, real, invalid.real),
        cycles: T::select(live, oss.cycles, invalid.cycles),
        status: T::select(live, status + flags, invalid.status),
    }
}

/// Twin of `main` for chunk point `i`.
#[inline(always)]
pub fn run_point<M: StateSpace<N>, const N: usize>(
    params: &SweepParams,
    values: &[f64],
    i: u32,
) -> PointOutput {
    let p = load_point(params, values, i);
    run_lanes::<M, f64, N>(params, &p).point(0)
}

/// Twin of `main` for the chunk points `idx` (1 to `T::LANES` of them),
/// one per lane. Lanes past `idx.len()` repeat the last point; their
/// outputs are to be dropped.
#[inline(always)]
pub fn run_lane<M: StateSpace<N>, T: Real, const N: usize>(
    params: &SweepParams,
    values: &[f64],
    idx: &[u32],
) -> LaneOutput<T> {
    let mut points = [Point::default(); MAX_LANES];
    for (k, p) in points.iter_mut().enumerate().take(T::LANES) {
        *p = load_point(params, values, idx[k.min(idx.len() - 1)]);
    }
    run_lanes::<M, T, N>(params, &Point::gather(&points[..T::LANES]))
}
