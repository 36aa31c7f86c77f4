//! The SIMD widths of the CPU backend and the run-time choice between
//! them: the twins over [`Real`](crate::real::Real) lanes, one grid point per lane. It lives
//! beside the lane types because their soundness rests on it: only these
//! `#[target_feature]` functions make them, after the CPU was asked.

use crate::extract::StateSpace;
use crate::oss::{run_lane, LaneOutput};
use crate::params::MAX_LANES;
use crate::real::Real;
use crate::{PointOutput, SweepParams};

/// Takes lanes of outputs.
pub trait LaneSink {
    /// Points `at`, …, `at + count − 1` of the block: lane l is `at + l`.
    fn put<T: Real>(&mut self, at: usize, o: &LaneOutput<T>, count: usize);
}

impl LaneSink for Vec<PointOutput> {
    #[inline(always)]
    fn put<T: Real>(&mut self, _at: usize, o: &LaneOutput<T>, count: usize) {
        let points = o.points();
        for p in &points[..count] {
            self.push(*p);
        }
    }
}

/// How many grid points the CPU backend computes per instruction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CpuLanes {
    /// One point at a time, baseline x86-64 (or any other target).
    Scalar,
    /// Four points per AVX2 register, with FMA.
    Avx2,
    /// Eight points per AVX-512F register.
    Avx512,
}

impl CpuLanes {
    /// Points per instruction.
    pub fn lanes(self) -> usize {
        match self {
            CpuLanes::Scalar => 1,
            CpuLanes::Avx2 => 4,
            CpuLanes::Avx512 => 8,
        }
    }

    /// A short name for tables.
    pub fn name(self) -> &'static str {
        match self {
            CpuLanes::Scalar => "f64x1",
            CpuLanes::Avx2 => "f64x4 AVX2",
            CpuLanes::Avx512 => "f64x8 AVX-512",
        }
    }

    /// Whether this CPU runs it.
    pub fn supported(self) -> bool {
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::is_x86_feature_detected as has;
            match self {
                CpuLanes::Scalar => true,
                CpuLanes::Avx2 => has!("avx2") && has!("fma"),
                CpuLanes::Avx512 => has!("avx512f") && has!("avx2") && has!("fma"),
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            self == CpuLanes::Scalar
        }
    }

    /// Every width this CPU runs, narrowest first.
    pub fn available() -> Vec<CpuLanes> {
        [CpuLanes::Scalar, CpuLanes::Avx2, CpuLanes::Avx512]
            .into_iter()
            .filter(|l| l.supported())
            .collect()
    }

    /// The widest width this CPU runs: what the backend uses.
    pub fn best() -> CpuLanes {
        static BEST: std::sync::OnceLock<CpuLanes> = std::sync::OnceLock::new();
        *BEST.get_or_init(|| *Self::available().last().expect("scalar is always there"))
    }
}

/// The outputs of the `n` points of one parameter block, on the widest
/// lanes this CPU has ([`CpuLanes::best`]).
pub fn run_block<M: StateSpace<N>, const N: usize>(
    params: &SweepParams,
    values: &[f64],
    n: u32,
) -> Vec<PointOutput> {
    run_block_with::<M, N>(CpuLanes::best(), params, values, n)
}

/// [`run_block`] on the given lanes; a width the CPU lacks runs as
/// [`CpuLanes::Scalar`] (tests take theirs from [`CpuLanes::available`]).
pub fn run_block_with<M: StateSpace<N>, const N: usize>(
    lanes: CpuLanes,
    params: &SweepParams,
    values: &[f64],
    n: u32,
) -> Vec<PointOutput> {
    let mut out = Vec::with_capacity(n as usize);
    run_points::<M, N, _>(lanes, params, values, n, |k| k, &mut out);
    out
}

/// The chunk points `point(0)`, …, `point(n − 1)` of `params` into `sink`
/// (as its points 0 to n − 1), on `lanes`.
///
/// Each width is its own build of the twins: the scalar one for the
/// baseline target, the others with `#[target_feature]`, chosen at run
/// time. The baseline must call libm's `fma` for every `mul_add` (callgrind
/// put 39 % of its instructions there); the lanes have fused multiply-adds
/// and run the same operations in the same order, so every lane is the
/// scalar twin bit for bit (`mul_add` is exactly rounded either way, and
/// without fast-math LLVM neither contracts `a * b + c` nor reorders sums;
/// tests/cpu_dispatch.rs checks it). The twins are `#[inline(always)]` so
/// that the whole point computation is compiled with the caller's features.
pub fn run_points<M: StateSpace<N>, const N: usize, S: LaneSink>(
    lanes: CpuLanes,
    params: &SweepParams,
    values: &[f64],
    n: u32,
    point: impl Fn(u32) -> u32,
    sink: &mut S,
) {
    #[cfg(target_arch = "x86_64")]
    if lanes.supported() {
        // SAFETY: the CPU has the features of each width, just checked.
        match lanes {
            CpuLanes::Avx512 => {
                return unsafe { points_avx512::<M, N, S>(params, values, n, point, sink) }
            }
            CpuLanes::Avx2 => {
                return unsafe { points_avx2::<M, N, S>(params, values, n, point, sink) }
            }
            CpuLanes::Scalar => {}
        }
    }
    points_lanes::<M, f64, N, S>(params, values, n, point, sink)
}

/// The points `T::LANES` at a time: in a block, consecutive flat indices,
/// so neighbours along the last axis, whose loops tend to run alike.
#[inline(always)]
fn points_lanes<M: StateSpace<N>, T: Real, const N: usize, S: LaneSink>(
    params: &SweepParams,
    values: &[f64],
    n: u32,
    point: impl Fn(u32) -> u32,
    sink: &mut S,
) {
    // A plain loop, not an iterator chain: library iterator code is
    // compiled for the baseline target (see `real::array`).
    let mut idx = [0u32; MAX_LANES];
    let mut first = 0;
    while first < n {
        let count = (n - first).min(T::LANES as u32);
        for k in 0..count {
            idx[k as usize] = point(first + k);
        }
        let o = run_lane::<M, T, N>(params, values, &idx[..count as usize]);
        sink.put(first as usize, &o, count as usize);
        first += count;
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn points_avx2<M: StateSpace<N>, const N: usize, S: LaneSink>(
    params: &SweepParams,
    values: &[f64],
    n: u32,
    point: impl Fn(u32) -> u32,
    sink: &mut S,
) {
    points_lanes::<M, super::F64x4, N, S>(params, values, n, point, sink)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx2,fma")]
fn points_avx512<M: StateSpace<N>, const N: usize, S: LaneSink>(
    params: &SweepParams,
    values: &[f64],
    n: u32,
    point: impl Fn(u32) -> u32,
    sink: &mut S,
) {
    points_lanes::<M, super::F64x8, N, S>(params, values, n, point, sink)
}

/// The battery strokes of `count` points (crate::battery_stroke), d ≤ 16
/// levels, on `lanes`: `input` holds each point's X = Wτ (d × d,
/// row-major) then τ, as the GPU kernel reads it, and `out` gets each
/// point's e^X − I then F (2 d² values), as the GPU kernel writes it.
/// Every width gives the scalar twin's numbers bit for bit.
pub fn run_strokes(lanes: CpuLanes, d: usize, input: &[f64], count: usize, out: &mut [f64]) {
    match d {
        0..=4 => strokes_on::<4>(lanes, d, input, count, out),
        5..=8 => strokes_on::<8>(lanes, d, input, count, out),
        _ => strokes_on::<16>(lanes, d, input, count, out),
    }
}

fn strokes_on<const D: usize>(
    lanes: CpuLanes,
    d: usize,
    input: &[f64],
    count: usize,
    out: &mut [f64],
) {
    assert!(d <= D, "battery strokes hold up to 16 levels");
    #[cfg(target_arch = "x86_64")]
    if lanes.supported() {
        // SAFETY: the CPU has the features of each width, just checked.
        match lanes {
            CpuLanes::Avx512 => return unsafe { strokes_avx512::<D>(d, input, count, out) },
            CpuLanes::Avx2 => return unsafe { strokes_avx2::<D>(d, input, count, out) },
            CpuLanes::Scalar => {}
        }
    }
    strokes_lanes::<f64, D>(d, input, count, out)
}

/// The strokes `T::LANES` points at a time: gathered into lanes, formed,
/// scattered back. Unused lanes of the last group hold X = 0.
#[inline(always)]
fn strokes_lanes<T: Real, const D: usize>(d: usize, input: &[f64], count: usize, out: &mut [f64]) {
    let (dd, stride) = (d * d, d * d + 1);
    let zero = T::splat(0.0);
    let mut first = 0;
    while first < count {
        let n = (count - first).min(T::LANES);
        let mut x = [[zero; D]; D];
        let mut lane = [0.0; MAX_LANES];
        for i in 0..d {
            for j in 0..d {
                for l in 0..n {
                    lane[l] = input[(first + l) * stride + i * d + j];
                }
                x[i][j] = T::from_lanes(&lane);
            }
        }
        let mut taus = [0.0; MAX_LANES];
        for l in 0..n {
            taus[l] = input[(first + l) * stride + dd];
        }
        let (mut c, mut f) = ([[zero; D]; D], [[zero; D]; D]);
        crate::battery_stroke::stroke_lanes::<T, D>(d, &x, T::from_lanes(&taus), &mut c, &mut f);
        for (block, m) in [(0, &c), (dd, &f)] {
            for i in 0..d {
                for j in 0..d {
                    m[i][j].store(&mut lane);
                    for l in 0..n {
                        out[(first + l) * 2 * dd + block + i * d + j] = lane[l];
                    }
                }
            }
        }
        first += n;
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn strokes_avx2<const D: usize>(d: usize, input: &[f64], count: usize, out: &mut [f64]) {
    strokes_lanes::<super::F64x4, D>(d, input, count, out)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx2,fma")]
fn strokes_avx512<const D: usize>(d: usize, input: &[f64], count: usize, out: &mut [f64]) {
    strokes_lanes::<super::F64x8, D>(d, input, count, out)
}
