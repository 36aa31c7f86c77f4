//! Double-double arithmetic as a [`Real`](crate::real::Real): one point at about 32 digits
//! (an unevaluated sum hi + lo of two f64, |lo| ≤ ulp(hi)/2), so that the
//! very same twin that runs on the f64 lanes recomputes a point whose f64
//! figures its own error estimate flags (the rescue: `backend::cpu::rescue`).
//!
//! The algorithms are the classical error-free transformations (Knuth's
//! two-sum, the FMA two-product) and Dekker/Bailey's double-double add,
//! multiply, divide and square root; each operation is accurate to a few
//! units of 2^-104 (`Dd::EPS`, the `Real` constant).

use std::ops::{Add, Div, Mul, Neg, Sub};

use crate::real::Real;

/// hi + lo, |lo| ≤ ulp(hi)/2.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Dd {
    pub hi: f64,
    pub lo: f64,
}

/// a + b = s + e exactly.
#[inline(always)]
fn two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    let bb = s - a;
    (s, (a - (s - bb)) + (b - bb))
}

/// a + b = s + e exactly, for |a| ≥ |b|.
#[inline(always)]
fn quick_two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    (s, b - (s - a))
}

/// a · b = p + e exactly (FMA).
#[inline(always)]
fn two_prod(a: f64, b: f64) -> (f64, f64) {
    let p = a * b;
    (p, a.mul_add(b, -p))
}

impl Dd {
    pub const ZERO: Dd = Dd { hi: 0.0, lo: 0.0 };

    #[inline(always)]
    fn renorm(hi: f64, lo: f64) -> Dd {
        // A non-finite hi carries itself (inf − inf would be NaN).
        if !hi.is_finite() {
            return Dd { hi, lo: 0.0 };
        }
        let (hi, lo) = quick_two_sum(hi, lo);
        Dd { hi, lo }
    }

    /// The nearest f64.
    #[inline(always)]
    pub fn to_f64(self) -> f64 {
        self.hi + self.lo
    }
}

impl Add for Dd {
    type Output = Dd;
    #[inline(always)]
    fn add(self, o: Dd) -> Dd {
        let (s, e) = two_sum(self.hi, o.hi);
        let (t, f) = two_sum(self.lo, o.lo);
        let (s, e) = quick_two_sum(s, e + t);
        if !s.is_finite() {
            return Dd { hi: s, lo: 0.0 };
        }
        Dd::renorm(s, e + f)
    }
}

impl Neg for Dd {
    type Output = Dd;
    #[inline(always)]
    fn neg(self) -> Dd {
        Dd {
            hi: -self.hi,
            lo: -self.lo,
        }
    }
}

impl Sub for Dd {
    type Output = Dd;
    #[inline(always)]
    fn sub(self, o: Dd) -> Dd {
        self + (-o)
    }
}

impl Mul for Dd {
    type Output = Dd;
    #[inline(always)]
    fn mul(self, o: Dd) -> Dd {
        let (p, e) = two_prod(self.hi, o.hi);
        if !p.is_finite() {
            return Dd { hi: p, lo: 0.0 };
        }
        Dd::renorm(p, e + (self.hi * o.lo + self.lo * o.hi))
    }
}

impl Div for Dd {
    type Output = Dd;
    #[inline(always)]
    fn div(self, o: Dd) -> Dd {
        let q1 = self.hi / o.hi;
        if !q1.is_finite() || q1 == 0.0 {
            return Dd { hi: q1, lo: 0.0 };
        }
        let r = self - o * Dd { hi: q1, lo: 0.0 };
        let q2 = r.hi / o.hi;
        let r = r - o * Dd { hi: q2, lo: 0.0 };
        let q3 = r.hi / o.hi;
        let (hi, lo) = quick_two_sum(q1, q2);
        Dd { hi, lo } + Dd { hi: q3, lo: 0.0 }
    }
}

/// ln 2 as hi + lo.
const LN2: Dd = Dd {
    hi: std::f64::consts::LN_2,
    lo: 2.319_046_813_846_299_6e-17,
};

/// The Bose factor 1/(e^y − 1) for y > 0, to about 32 digits: y = k ln 2 + f
/// with |f| ≤ ln 2 / 2, e^f − 1 by its Taylor series (no cancellation at
/// small y), then 1/(2^k (e^f − 1) + 2^k − 1). 0 beyond f64's range, as the
/// kernels' `bose_factor`.
pub fn bose(y: Dd) -> Dd {
    if y.hi > 709.0 {
        return Dd::ZERO;
    }
    let k = (y.hi / LN2.hi).round();
    let f = y - LN2 * Dd::splat(k);
    // e^f − 1 = f (1 + f/2 (1 + f/3 (…))), Horner from the top: |f| ≤ 0.35,
    // so 0.35^27/27! is below 1e-38.
    let mut t = Dd::splat(1.0);
    for j in (2..=27).rev() {
        t = f / Dd::splat(f64::from(j)) * t + Dd::splat(1.0);
    }
    let em = f * t;
    let p2 = Dd::splat(2f64.powi(k as i32));
    Dd::splat(1.0) / (p2 * em + (p2 - Dd::splat(1.0)))
}

impl Real for Dd {
    type Mask = bool;
    const LANES: usize = 1;
    const EPS: f64 = 4.930380657631324e-32;
    const TAYLOR_DEGREE: u32 = 25;
    const NEWTON_TOLERANCE: f64 = 1e-29;
    const NEWTON_STALL: f64 = 1e-20;
    const ITERATION_TOLERANCE: f64 = 1e-27;

    #[inline(always)]
    fn splat(v: f64) -> Self {
        Dd { hi: v, lo: 0.0 }
    }
    #[inline(always)]
    fn from_lanes(v: &[f64]) -> Self {
        Dd::splat(v[0])
    }
    #[inline(always)]
    fn store(self, out: &mut [f64]) {
        out[0] = self.to_f64();
    }
    #[inline(always)]
    fn mul_add(self, a: Self, b: Self) -> Self {
        self * a + b
    }
    #[inline(always)]
    fn abs(self) -> Self {
        if self.hi < 0.0 || (self.hi == 0.0 && self.lo < 0.0) {
            -self
        } else {
            self
        }
    }
    #[inline(always)]
    fn sqrt(self) -> Self {
        if self.hi <= 0.0 || !self.hi.is_finite() {
            return Dd::splat(self.hi.sqrt());
        }
        // One Newton step from the f64 root doubles its digits.
        let s = Dd::splat(self.hi.sqrt());
        s + (self - s * s) / (Dd::splat(2.0) * s)
    }
    #[inline(always)]
    fn floor(self) -> Self {
        let hi = self.hi.floor();
        if hi != self.hi {
            return Dd::splat(hi);
        }
        Dd::renorm(hi, self.lo.floor())
    }
    #[inline(always)]
    fn lt(self, o: Self) -> bool {
        self.hi < o.hi || (self.hi == o.hi && self.lo < o.lo)
    }
    #[inline(always)]
    fn le(self, o: Self) -> bool {
        self.hi < o.hi || (self.hi == o.hi && self.lo <= o.lo)
    }
    #[inline(always)]
    fn gt(self, o: Self) -> bool {
        o.lt(self)
    }
    #[inline(always)]
    fn ge(self, o: Self) -> bool {
        o.le(self)
    }
    #[inline(always)]
    fn eq(self, o: Self) -> bool {
        self.hi == o.hi && self.lo == o.lo
    }
    #[inline(always)]
    fn ne(self, o: Self) -> bool {
        !self.eq(o)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn dd(v: f64) -> Dd {
        Dd::splat(v)
    }

    #[test]
    fn a_third_times_three_is_one_to_32_digits() {
        let third = dd(1.0) / dd(3.0);
        let back = third * dd(3.0) - dd(1.0);
        assert!(back.to_f64().abs() < 1e-31, "{back:?}");
        // 1/3 is not an f64: the low word carries the next 53 bits.
        assert!(third.lo != 0.0);
    }

    #[test]
    fn sums_keep_what_f64_drops() {
        // (1 + 1e-20) − 1 is 0 in f64 and 1e-20 here.
        let d = (dd(1.0) + dd(1e-20)) - dd(1.0);
        assert!((d.to_f64() - 1e-20).abs() < 1e-35);
        let r = Real::sqrt(dd(2.0));
        assert!(((r * r) - dd(2.0)).to_f64().abs() < 1e-31);
    }

    #[test]
    fn bose_factors_to_32_digits() {
        // n(y) (e^y − 1) = 1, and n(ln 2) = 1 exactly.
        for y in [1e-9, 0.01, 0.7, 1.0, 5.0, 42.0, 300.0] {
            let n = bose(dd(y));
            // e^y − 1 from the same reduction's inverse: 1/n.
            let back = (dd(1.0) / n + dd(1.0)).to_f64();
            assert!(
                (back.ln() - y).abs() <= 4.0 * f64::EPSILON * y.max(1.0),
                "{y}"
            );
        }
        let one = bose(LN2) - dd(1.0);
        assert!(one.to_f64().abs() < 1e-30, "{one:?}");
        // Against the series 1/y − 1/2 + y/12 at small y (next term y³/720).
        let y = 1e-6;
        let want = dd(1.0) / dd(y) - dd(0.5) + dd(y) / dd(12.0);
        assert!((bose(dd(y)) - want).to_f64().abs() < 1e-18 * 1e6);
        assert_eq!(bose(dd(800.0)), Dd::ZERO);
    }

    #[test]
    fn order_and_non_finite_values() {
        let a = dd(1.0) + dd(1e-20);
        assert!(a.gt(dd(1.0)) && dd(1.0).lt(a) && !a.eq(dd(1.0)));
        assert!(!Real::is_finite(dd(f64::INFINITY)));
        assert!(!Real::is_finite(dd(f64::NAN)));
        assert!((dd(f64::MAX) * dd(2.0)).hi.is_infinite());
        assert_eq!(Real::floor(dd(2.0) - dd(1e-20)).to_f64(), 1.0);
        assert_eq!(Real::abs(dd(0.0) - a).to_f64(), a.to_f64());
    }
}
