//! The arithmetic the twins are written in: one f64 (the scalar twin, the
//! shape of the WGSL kernels), or one f64 per SIMD lane (the CPU backend's
//! lanes, `lanes`). The twins are generic over [`Real`], so the lanes
//! run the scalar twin's operations in the scalar twin's order and each lane
//! is the scalar twin bit for bit (tests/cpu_dispatch.rs).
//!
//! Every operation here is exactly rounded or exact (+ − × ÷ √, fused
//! multiply-add, floor, abs, comparisons, selects), so a lane cannot differ
//! from the scalar. `max` and `min` are defined by a comparison and a select
//! rather than taken from `f64::max` or the vector instructions, whose
//! answers for NaN and ±0 differ from each other.
//!
//! Branches on data become masks: both sides are computed and
//! [`Real::select`] keeps the lane's own; loops whose trip count differs per
//! point run while [`Mask::any`] lane is still active.

use std::ops::{Add, BitAnd, BitOr, Div, Mul, Neg, Not, Sub};

use crate::numerics::F64;

/// One bool per lane.
pub trait Mask: Copy + BitAnd<Output = Self> + BitOr<Output = Self> + Not<Output = Self> {
    fn splat(b: bool) -> Self;
    /// Some lane is set.
    fn any(self) -> bool;
}

/// One f64 per lane.
pub trait Real:
    Copy
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
{
    type Mask: Mask;
    /// Lanes per value.
    const LANES: usize;
    /// The unit roundoff and the solver's thresholds at this arithmetic's
    /// precision: f64's (the f64 prelude's, `numerics::F64`) unless a
    /// wider arithmetic says otherwise (`lanes::dd`).
    const EPS: f64 = F64.eps;
    const TAYLOR_DEGREE: u32 = F64.taylor_degree;
    const NEWTON_TOLERANCE: f64 = F64.newton_tolerance;
    const NEWTON_STALL: f64 = F64.newton_stall;
    const ITERATION_TOLERANCE: f64 = F64.iteration_tolerance;

    fn splat(v: f64) -> Self;
    /// `LANES` values, lane 0 first.
    fn from_lanes(v: &[f64]) -> Self;
    /// Writes the `LANES` values to `out[..LANES]`, lane 0 first.
    fn store(self, out: &mut [f64]);
    /// self · a + b, rounded once.
    fn mul_add(self, a: Self, b: Self) -> Self;
    fn abs(self) -> Self;
    fn sqrt(self) -> Self;
    fn floor(self) -> Self;
    fn lt(self, o: Self) -> Self::Mask;
    fn le(self, o: Self) -> Self::Mask;
    fn gt(self, o: Self) -> Self::Mask;
    fn ge(self, o: Self) -> Self::Mask;
    fn eq(self, o: Self) -> Self::Mask;
    /// True where either is NaN, as `!=`.
    fn ne(self, o: Self) -> Self::Mask;
    /// `a` where `m` is set, `b` elsewhere.
    fn select(m: Self::Mask, a: Self, b: Self) -> Self;

    /// The larger; the other where one is NaN (as `f64::max`); `o` on ties.
    #[inline(always)]
    fn max(self, o: Self) -> Self {
        Self::select(self.gt(o) | o.ne(o), self, o)
    }
    /// The smaller; the other where one is NaN (as `f64::min`); `o` on ties.
    #[inline(always)]
    fn min(self, o: Self) -> Self {
        Self::select(self.lt(o) | o.ne(o), self, o)
    }
    /// Neither infinite nor NaN: x − x is 0 exactly then, NaN otherwise.
    #[expect(clippy::eq_op, reason = "x − x is the test: 0 if finite, NaN if not")]
    #[inline(always)]
    fn is_finite(self) -> Self::Mask {
        (self - self).eq(Self::splat(0.0))
    }
    /// `select` over a whole array.
    #[inline(always)]
    fn select_array<const N: usize>(m: Self::Mask, a: [Self; N], b: [Self; N]) -> [Self; N] {
        array(|i| Self::select(m, a[i], b[i]))
    }
}

impl Mask for bool {
    #[inline(always)]
    fn splat(b: bool) -> Self {
        b
    }
    #[inline(always)]
    fn any(self) -> bool {
        self
    }
}

impl Real for f64 {
    type Mask = bool;
    const LANES: usize = 1;

    #[inline(always)]
    fn splat(v: f64) -> Self {
        v
    }
    #[inline(always)]
    fn from_lanes(v: &[f64]) -> Self {
        v[0]
    }
    #[inline(always)]
    fn store(self, out: &mut [f64]) {
        out[0] = self;
    }
    #[inline(always)]
    fn mul_add(self, a: Self, b: Self) -> Self {
        f64::mul_add(self, a, b)
    }
    #[inline(always)]
    fn abs(self) -> Self {
        f64::abs(self)
    }
    #[inline(always)]
    fn sqrt(self) -> Self {
        f64::sqrt(self)
    }
    #[inline(always)]
    fn floor(self) -> Self {
        f64::floor(self)
    }
    #[inline(always)]
    fn lt(self, o: Self) -> bool {
        self < o
    }
    #[inline(always)]
    fn le(self, o: Self) -> bool {
        self <= o
    }
    #[inline(always)]
    fn gt(self, o: Self) -> bool {
        self > o
    }
    #[inline(always)]
    fn ge(self, o: Self) -> bool {
        self >= o
    }
    #[inline(always)]
    fn eq(self, o: Self) -> bool {
        self == o
    }
    #[inline(always)]
    fn ne(self, o: Self) -> bool {
        self != o
    }
    #[inline(always)]
    fn select(m: bool, a: Self, b: Self) -> Self {
        if m {
            a
        } else {
            b
        }
    }
}

/// `v` in every lane of a `T`.
#[inline(always)]
pub fn c<T: Real>(v: f64) -> T {
    T::splat(v)
}

/// `[f(0), f(1), …]`. The twins build arrays with this and with plain
/// loops, never with `std::array::from_fn`, `map` or iterator folds: those
/// are library functions that LLVM may leave out of line, compiled for the
/// baseline target, where the SIMD lanes' intrinsics become calls.
#[expect(clippy::needless_range_loop, reason = "a plain loop, see above")]
#[inline(always)]
pub fn array<T: Real, const N: usize>(mut f: impl FnMut(usize) -> T) -> [T; N] {
    let mut a = [T::splat(0.0); N];
    for i in 0..N {
        a[i] = f(i);
    }
    a
}

/// `[[f(0, 0), f(0, 1), …], …]`, as [`array()`].
#[expect(clippy::needless_range_loop, reason = "a plain loop, see `array`")]
#[inline(always)]
pub fn matrix<T: Real, const N: usize>(mut f: impl FnMut(usize, usize) -> T) -> [[T; N]; N] {
    let mut m = [[T::splat(0.0); N]; N];
    for i in 0..N {
        for j in 0..N {
            m[i][j] = f(i, j);
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_and_min_follow_f64_on_nan_and_keep_order() {
        let nan = f64::NAN;
        assert_eq!(Real::max(1.0, nan), 1.0);
        assert_eq!(Real::max(nan, 1.0), 1.0);
        assert!(Real::max(nan, nan).is_nan());
        assert_eq!(Real::min(1.0, nan), 1.0);
        assert_eq!(Real::min(nan, 1.0), 1.0);
        assert_eq!(Real::max(2.0, 1.0), 2.0);
        assert_eq!(Real::min(2.0, 1.0), 1.0);
        // Ties give the second operand: +0 for max(−0, +0).
        assert_eq!(Real::max(-0.0f64, 0.0).to_bits(), 0.0f64.to_bits());
        assert!(!Real::is_finite(f64::INFINITY));
        assert!(!Real::is_finite(nan));
        assert!(Real::is_finite(-3.0f64));
    }
}
