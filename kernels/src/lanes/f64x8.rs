//! Eight f64 lanes: AVX-512F (see the module note on soundness).

use std::arch::x86_64::*;
use std::ops::{BitAnd, BitOr, Neg, Not};

use crate::real::{Mask, Real};

// SAFETY (every `unsafe` block in this file): see the module note.

/// Eight f64 in a 512-bit register.
#[derive(Clone, Copy)]
pub(crate) struct F64x8(__m512d);

/// Eight lane masks in a mask register's bits.
#[derive(Clone, Copy)]
pub(crate) struct M64x8(__mmask8);

impl BitAnd for M64x8 {
    type Output = Self;
    #[inline(always)]
    fn bitand(self, o: Self) -> Self {
        Self(self.0 & o.0)
    }
}

impl BitOr for M64x8 {
    type Output = Self;
    #[inline(always)]
    fn bitor(self, o: Self) -> Self {
        Self(self.0 | o.0)
    }
}

impl Not for M64x8 {
    type Output = Self;
    #[inline(always)]
    fn not(self) -> Self {
        Self(!self.0)
    }
}

impl Mask for M64x8 {
    #[inline(always)]
    fn splat(b: bool) -> Self {
        Self(if b { 0xff } else { 0 })
    }
    #[inline(always)]
    fn any(self) -> bool {
        self.0 != 0
    }
}

arithmetic!(F64x8: Add add _mm512_add_pd, Sub sub _mm512_sub_pd, Mul mul _mm512_mul_pd, Div div _mm512_div_pd);

impl Neg for F64x8 {
    type Output = Self;
    /// The sign bit flipped, as f64's `-` (integer xor: the pd xor is
    /// AVX-512DQ).
    #[inline(always)]
    fn neg(self) -> Self {
        Self(unsafe {
            _mm512_castsi512_pd(_mm512_xor_si512(
                _mm512_castpd_si512(self.0),
                _mm512_set1_epi64(i64::MIN),
            ))
        })
    }
}

impl Real for F64x8 {
    type Mask = M64x8;
    const LANES: usize = 8;

    #[inline(always)]
    fn splat(v: f64) -> Self {
        Self(unsafe { _mm512_set1_pd(v) })
    }
    #[inline(always)]
    fn from_lanes(v: &[f64]) -> Self {
        assert!(v.len() >= 8);
        Self(unsafe { _mm512_loadu_pd(v.as_ptr()) })
    }
    #[inline(always)]
    fn store(self, out: &mut [f64]) {
        assert!(out.len() >= 8);
        unsafe { _mm512_storeu_pd(out.as_mut_ptr(), self.0) };
    }
    #[inline(always)]
    fn mul_add(self, a: Self, b: Self) -> Self {
        Self(unsafe { _mm512_fmadd_pd(self.0, a.0, b.0) })
    }
    #[inline(always)]
    fn abs(self) -> Self {
        Self(unsafe { _mm512_abs_pd(self.0) })
    }
    #[inline(always)]
    fn sqrt(self) -> Self {
        Self(unsafe { _mm512_sqrt_pd(self.0) })
    }
    #[inline(always)]
    fn floor(self) -> Self {
        Self(unsafe {
            _mm512_roundscale_pd::<{ _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC }>(self.0)
        })
    }
    comparisons!(M64x8, _mm512_cmp_pd_mask);
    #[inline(always)]
    fn select(m: M64x8, a: Self, b: Self) -> Self {
        Self(unsafe { _mm512_mask_blend_pd(m.0, b.0, a.0) })
    }
}
