//! [`Real`](super::real::Real) over SIMD registers: four f64 lanes with
//! AVX2 + FMA (`F64x4`), eight with AVX-512F (`F64x8`), written with
//! `std::arch`. The CPU backend runs the twins over these, one grid point
//! per lane, and picks the widest the CPU has at run time.
//!
//! Soundness: the intrinsics need their CPU features. The types are made
//! only by [`dispatch`]'s `#[target_feature]` functions, after
//! `is_x86_feature_detected!` said yes; every method is
//! `#[inline(always)]`, so the intrinsics compile into that function (as
//! pulp's x86 tokens do). Nothing outside this crate can make them.

/// `+ − × ÷` of a lane type from its intrinsics (every one exactly
/// rounded, as f64's).
#[cfg(target_arch = "x86_64")]
macro_rules! arithmetic {
    ($ty:ident: $($tr:ident $f:ident $op:ident),+) => {$(
        impl std::ops::$tr for $ty {
            type Output = Self;
            #[inline(always)]
            fn $f(self, o: Self) -> Self {
                // SAFETY: see the module note.
                Self(unsafe { $op(self.0, o.0) })
            }
        }
    )+};
}

/// The comparisons of [`Real`](super::real::Real) from a compare intrinsic:
/// ordered, quiet predicates, false where either is NaN as f64's `<` etc.;
/// `!=` unordered, true there.
#[cfg(target_arch = "x86_64")]
macro_rules! comparisons {
    ($mask:ident, $cmp:ident) => {
        comparisons!(@one $mask, $cmp, lt _CMP_LT_OQ, le _CMP_LE_OQ, gt _CMP_GT_OQ,
            ge _CMP_GE_OQ, eq _CMP_EQ_OQ, ne _CMP_NEQ_UQ);
    };
    (@one $mask:ident, $cmp:ident, $($f:ident $pred:ident),+) => {$(
        #[inline(always)]
        fn $f(self, o: Self) -> $mask {
            // SAFETY: see the module note.
            $mask(unsafe { $cmp::<$pred>(self.0, o.0) })
        }
    )+};
}

#[cfg(target_arch = "x86_64")]
mod f64x4;
#[cfg(target_arch = "x86_64")]
mod f64x8;

#[cfg(target_arch = "x86_64")]
use f64x4::F64x4;
#[cfg(target_arch = "x86_64")]
use f64x8::F64x8;

/// The run-time choice of width, and the only code that makes the lane
/// types.
pub mod dispatch;
pub use dispatch::{run_block, run_block_with, run_points, run_strokes, CpuLanes, LaneSink};

/// Double-double: one point at ~32 digits, for the rescue of flagged points.
pub mod dd;
pub use dd::Dd;
