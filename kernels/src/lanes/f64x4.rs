//! Four f64 lanes: AVX2 + FMA (see the module note on soundness).

use std::arch::x86_64::*;
use std::ops::{BitAnd, BitOr, Neg, Not};

use crate::real::{Mask, Real};

// SAFETY (every `unsafe` block in this file): see the module note.

/// Four f64 in a 256-bit register.
#[derive(Clone, Copy)]
pub(crate) struct F64x4(__m256d);

/// Four lane masks: all bits set or clear per lane, as the comparisons give.
#[derive(Clone, Copy)]
pub(crate) struct M64x4(__m256d);

#[inline(always)]
fn ones() -> __m256d {
    // SAFETY (every block below): see the module note.
    unsafe { _mm256_castsi256_pd(_mm256_set1_epi64x(-1)) }
}

impl BitAnd for M64x4 {
    type Output = Self;
    #[inline(always)]
    fn bitand(self, o: Self) -> Self {
        Self(unsafe { _mm256_and_pd(self.0, o.0) })
    }
}

impl BitOr for M64x4 {
    type Output = Self;
    #[inline(always)]
    fn bitor(self, o: Self) -> Self {
        Self(unsafe { _mm256_or_pd(self.0, o.0) })
    }
}

impl Not for M64x4 {
    type Output = Self;
    #[inline(always)]
    fn not(self) -> Self {
        Self(unsafe { _mm256_xor_pd(self.0, ones()) })
    }
}

impl Mask for M64x4 {
    #[inline(always)]
    fn splat(b: bool) -> Self {
        Self(if b {
            ones()
        } else {
            unsafe { _mm256_setzero_pd() }
        })
    }
    #[inline(always)]
    fn any(self) -> bool {
        unsafe { _mm256_movemask_pd(self.0) != 0 }
    }
}

arithmetic!(F64x4: Add add _mm256_add_pd, Sub sub _mm256_sub_pd, Mul mul _mm256_mul_pd, Div div _mm256_div_pd);

impl Neg for F64x4 {
    type Output = Self;
    /// The sign bit flipped, as f64's `-`.
    #[inline(always)]
    fn neg(self) -> Self {
        Self(unsafe { _mm256_xor_pd(self.0, _mm256_set1_pd(-0.0)) })
    }
}

impl Real for F64x4 {
    type Mask = M64x4;
    const LANES: usize = 4;

    #[inline(always)]
    fn splat(v: f64) -> Self {
        Self(unsafe { _mm256_set1_pd(v) })
    }
    #[inline(always)]
    fn from_lanes(v: &[f64]) -> Self {
        assert!(v.len() >= 4);
        Self(unsafe { _mm256_loadu_pd(v.as_ptr()) })
    }
    #[inline(always)]
    fn store(self, out: &mut [f64]) {
        assert!(out.len() >= 4);
        unsafe { _mm256_storeu_pd(out.as_mut_ptr(), self.0) };
    }
    #[inline(always)]
    fn mul_add(self, a: Self, b: Self) -> Self {
        Self(unsafe { _mm256_fmadd_pd(self.0, a.0, b.0) })
    }
    #[inline(always)]
    fn abs(self) -> Self {
        Self(unsafe { _mm256_andnot_pd(_mm256_set1_pd(-0.0), self.0) })
    }
    #[inline(always)]
    fn sqrt(self) -> Self {
        Self(unsafe { _mm256_sqrt_pd(self.0) })
    }
    #[inline(always)]
    fn floor(self) -> Self {
        Self(unsafe { _mm256_floor_pd(self.0) })
    }
    comparisons!(M64x4, _mm256_cmp_pd);
    #[inline(always)]
    fn select(m: M64x4, a: Self, b: Self) -> Self {
        Self(unsafe { _mm256_blendv_pd(b.0, a.0, m.0) })
    }
}
