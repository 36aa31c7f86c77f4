//! The rescue: a point whose f64 figures its own estimate flags is
//! recomputed by the same twin in double-double arithmetic
//! ([`Dd`], about 32 digits), from the user's parameters themselves: the
//! rates (Bose factors at β ω, with r = √(λ² + δ²)) are formed in
//! double-double too, so that nothing but the given f64 parameters enters
//! in f64. Where that resolves the point to the contract it replaces the
//! f64 figures; what stays flagged is beyond reach of the rounding.

use nessbat_kernels::layout::Status;
use rayon::prelude::*;

use crate::grid::Grid;
use crate::model::params::{Bath, Baths};
use crate::model::{ModelKind, RateKind, TransitionRates};
use crate::store::results::{store, FloatsFlat, SweepResults};
use nessbat_kernels::density_matrix::DensityMatrix;
use nessbat_kernels::extract::StateSpace;
use nessbat_kernels::lanes::dd::{bose, Dd};
use nessbat_kernels::oss::{run_lanes, PointOutput};
use nessbat_kernels::params::{Point, Rates4};
use nessbat_kernels::population::Population;
use nessbat_kernels::real::Real;

/// The double-double outputs of the points `flagged` (offsets from flat
/// index `first`) that it resolves to the contract, with their offsets.
fn resolved(grid: &Grid, first: u64, flagged: &[usize]) -> Vec<(usize, PointOutput)> {
    flagged
        .par_iter()
        .map(|&i| (i, rescue_point(grid, first + i as u64)))
        .filter(|(_, o)| o.status & 0xff == 0)
        .collect()
}

/// Writes one kernel output point into `res` at `at`, rounded to its
/// precision, as the store writes every point (flags into NaN).
pub fn store_output(res: &mut SweepResults, at: usize, o: &PointOutput) {
    match &mut res.real {
        FloatsFlat::F64(real) => store(
            real,
            &mut res.cycles,
            &mut res.status,
            at,
            o.real,
            o.cycles,
            o.status,
        ),
        FloatsFlat::F32(real) => store(
            real,
            &mut res.cycles,
            &mut res.status,
            at,
            o.real.map(|v| v as f32),
            o.cycles,
            o.status,
        ),
    }
}

/// Recomputes every point of `res` (flat indices from `first` on) flagged
/// imprecise (status 3) in double-double, and keeps the result wherever
/// that resolves it (status 0), rounded to the result's precision.
/// Returns how many points it rescued.
pub fn rescue_imprecise(grid: &Grid, first: u64, res: &mut SweepResults) -> u64 {
    let flagged: Vec<usize> = (0..res.len())
        .filter(|&i| Status::Imprecise.is(res.status[i]))
        .collect();
    let done = resolved(grid, first, &flagged);
    for (i, o) in &done {
        store_output(res, *i, o);
    }
    done.len() as u64
}

/// [`rescue_imprecise`] on a reduction chunk in the kernels' raw layout
/// (`real` is N_OUTPUTS rows of `words.len()` points, every quantity kept;
/// status words with their flags), before it is folded: a reduction sees
/// what the full arrays see. Returns how many points it rescued.
pub fn rescue_rows(
    grid: &Grid,
    first: u64,
    real: &mut [f64],
    cycles: &mut [u32],
    words: &mut [u32],
) -> u64 {
    let len = words.len();
    let flagged: Vec<usize> = (0..len)
        .filter(|&i| Status::Imprecise.in_word(words[i]))
        .collect();
    let done = resolved(grid, first, &flagged);
    for (i, o) in &done {
        for (q, v) in o.real.iter().enumerate() {
            real[q * len + i] = *v;
        }
        cycles[*i] = o.cycles;
        words[*i] = o.status;
    }
    done.len() as u64
}

/// One point (flat index `at`) through the f64 twin.
pub fn twin_point(grid: &Grid, at: u64) -> PointOutput {
    let params = grid.chunk_params(at, 1);
    match grid.model {
        ModelKind::Populations => {
            nessbat_kernels::run_point::<Population, 4>(&params, &grid.values, 0)
        }
        ModelKind::DensityMatrix => {
            nessbat_kernels::run_point::<DensityMatrix, 6>(&params, &grid.values, 0)
        }
    }
}

/// What the CPU makes of a point that a kernel flagged imprecise: in f64
/// (the twin) where the kernel was coarser, and in double-double where
/// f64 still flags it. None where nothing better than the kernel's own
/// figures comes of it.
pub fn resolve_point(grid: &Grid, at: u64, coarse: bool) -> Option<PointOutput> {
    let f64_twin = coarse.then(|| twin_point(grid, at));
    if let Some(o) = f64_twin {
        if o.status & 0xff != 3 {
            return Some(o);
        }
    }
    let dd = rescue_point(grid, at);
    if dd.status & 0xff == 0 {
        Some(dd)
    } else {
        f64_twin
    }
}

/// One point (flat index `at`) in double-double.
pub fn rescue_point(grid: &Grid, at: u64) -> PointOutput {
    let params = grid.chunk_params(at, 1);
    let point = point_dd(grid, at);
    match grid.model {
        ModelKind::Populations => run::<Population, 4>(&params, &point),
        ModelKind::DensityMatrix => run::<DensityMatrix, 6>(&params, &point),
    }
}

fn run<M: StateSpace<N>, const N: usize>(
    params: &nessbat_kernels::SweepParams,
    point: &Point<Dd>,
) -> PointOutput {
    run_lanes::<M, Dd, N>(params, point).point(0)
}

/// The kernel inputs of point `at`, formed in double-double from the
/// parameters as the user gave them (β itself where the config gives β).
fn point_dd(grid: &Grid, at: u64) -> Point<Dd> {
    let p = grid.point_params(at);
    let d = Dd::splat;
    let r = Real::sqrt(d(p.lambda) * d(p.lambda) + d(p.detuning) * d(p.detuning));
    let omega0 = d(p.omega0);
    let kms = p.rate_kind == RateKind::Kms;
    let beta = |b: &str, t: f64| match grid.value_at(at, &format!("beta_{b}")) {
        Some(beta) => d(beta),
        None => d(1.0) / d(t),
    };
    let thermal = |b: &str, t: f64, g: f64| {
        let (beta, g) = (beta(b, t), d(g));
        let rates = |n: Dd| (g * n, g * (n + d(1.0)));
        let (lo, hi) = if kms {
            (bose(beta * (omega0 - r)), bose(beta * (omega0 + r)))
        } else {
            let n = bose(beta * omega0);
            (n, n)
        };
        let ((up_lo, down_lo), (up_hi, down_hi)) = (rates(lo), rates(hi));
        (
            Rates4 {
                up_lo,
                down_lo,
                up_hi,
                down_hi,
            },
            beta,
        )
    };
    let given = |rates: crate::model::BathRates| Rates4 {
        up_lo: d(rates.up_lo),
        down_lo: d(rates.down_lo),
        up_hi: d(rates.up_hi),
        down_hi: d(rates.down_hi),
    };
    let transitions = TransitionRates::from_params(&p);
    let (a, s, betas) = match p.baths {
        Baths::Separate {
            a:
                Bath::Thermal {
                    temperature: ta,
                    gamma0: ga,
                },
            s:
                Bath::Thermal {
                    temperature: ts,
                    gamma0: gs,
                },
        } => {
            let (a, ba) = thermal("a", ta, ga);
            let (s, bs) = thermal("s", ts, gs);
            (a, s, Some((ba, bs)))
        }
        // Explicit (and pumped) rates are given as such.
        _ => (given(transitions.a), given(transitions.s), None),
    };
    let (beta_a, beta_s) = betas.unwrap_or((d(0.0), d(0.0)));
    Point {
        omega0,
        lambda: d(p.lambda),
        tau: d(p.tau),
        a,
        s,
        detuning: d(p.detuning),
        dephasing: d(p.dephasing),
        // Which bath is hot, as the f64 kernels decide it (n̄_S > n̄_A).
        hot_is_s: betas.is_some() && beta_s.lt(beta_a),
        thermal: betas.is_some(),
        kms,
        beta_a,
        beta_s,
    }
}
