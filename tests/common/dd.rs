//! Double-double arithmetic (about 32 significant digits) for the
//! independent reference of tests/property.rs: error-free transformations
//! (Knuth's two-sum, FMA two-product), nothing shared with the code under
//! test.

use std::ops::{Add, Div, Mul, Neg, Sub};

#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default)]
pub struct Dd {
    pub hi: f64,
    pub lo: f64,
}

fn two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    let bb = s - a;
    (s, (a - (s - bb)) + (b - bb))
}

fn quick(a: f64, b: f64) -> Dd {
    let s = a + b;
    Dd {
        hi: s,
        lo: b - (s - a),
    }
}

impl Dd {
    pub const ZERO: Dd = Dd { hi: 0.0, lo: 0.0 };
    pub const ONE: Dd = Dd { hi: 1.0, lo: 0.0 };

    pub fn from(x: f64) -> Dd {
        Dd { hi: x, lo: 0.0 }
    }

    pub fn f64(self) -> f64 {
        self.hi + self.lo
    }

    pub fn abs(self) -> Dd {
        if self.hi < 0.0 {
            -self
        } else {
            self
        }
    }

    /// Multiplication by 2^k, exact.
    pub fn ldexp(self, k: i32) -> Dd {
        let f = 2f64.powi(k);
        Dd {
            hi: self.hi * f,
            lo: self.lo * f,
        }
    }

    /// e^x − 1: the Taylor series at |x| ≤ 1/2 (no cancellation), else
    /// e^x − 1 with e^x = 2^k e^r, |r| ≤ ln2/2, r scaled by 2^-10 and
    /// squared back.
    pub fn expm1(self) -> Dd {
        if self.hi.abs() <= 0.5 {
            let mut term = self;
            let mut sum = self;
            for n in 2..40 {
                term = term * self / Dd::from(n as f64);
                sum = sum + term;
            }
            return sum;
        }
        self.exp() - Dd::ONE
    }

    pub fn exp(self) -> Dd {
        if self.hi > 709.0 {
            return Dd::from(f64::INFINITY);
        }
        if self.hi < -745.0 {
            return Dd::ZERO;
        }
        let ln2 = Dd {
            hi: std::f64::consts::LN_2,
            lo: 2.319_046_813_846_299_6e-17,
        };
        let k = (self.hi / ln2.hi).round();
        let r = (self - ln2 * Dd::from(k)).ldexp(-10);
        let mut term = Dd::ONE;
        let mut sum = Dd::ONE;
        for n in 1..25 {
            term = term * r / Dd::from(n as f64);
            sum = sum + term;
        }
        for _ in 0..10 {
            sum = sum * sum;
        }
        // 2^k in two steps, so that k near ±1074 neither overflows nor
        // underflows the intermediate power.
        let k = k as i32;
        sum.ldexp(k / 2).ldexp(k - k / 2)
    }
}

impl Add for Dd {
    type Output = Dd;
    fn add(self, o: Dd) -> Dd {
        let (s, e) = two_sum(self.hi, o.hi);
        let (t, f) = two_sum(self.lo, o.lo);
        let r = quick(s, e + t);
        quick(r.hi, r.lo + f)
    }
}

impl Neg for Dd {
    type Output = Dd;
    fn neg(self) -> Dd {
        Dd {
            hi: -self.hi,
            lo: -self.lo,
        }
    }
}

impl Sub for Dd {
    type Output = Dd;
    fn sub(self, o: Dd) -> Dd {
        self + (-o)
    }
}

impl Mul for Dd {
    type Output = Dd;
    fn mul(self, o: Dd) -> Dd {
        let p = self.hi * o.hi;
        let e = self.hi.mul_add(o.hi, -p);
        quick(p, e + (self.hi * o.lo + self.lo * o.hi))
    }
}

impl Div for Dd {
    type Output = Dd;
    fn div(self, o: Dd) -> Dd {
        let q1 = self.hi / o.hi;
        let r = self - o * Dd::from(q1);
        let q2 = r.hi / o.hi;
        let r = r - o * Dd::from(q2);
        let q3 = r.hi / o.hi;
        quick(q1, q2) + Dd::from(q3)
    }
}
