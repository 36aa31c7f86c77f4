//! The kernels' numerical constants per precision, one source for the CPU
//! twins (src/linalg.rs takes the f64 set) and the WGSL prelude
//! (src/prelude.rs writes either set as `const`s), so
//! that no constant is kept in step by hand.
//!
//! This file is compiled twice (by the crate and by build.rs), so it has no
//! imports.

/// One precision's constants.
#[derive(Debug, Clone, Copy)]
pub struct Numerics {
    /// The WGSL type: "f64" or "f32".
    pub real: &'static str,
    /// Unit roundoff (machine epsilon) of the type.
    pub eps: f64,
    /// Degree of the Taylor series of the propagator's integral: with
    /// ‖A‖ ≤ 1/2 the first omitted term of Σ A^k/(k+1)! is below
    /// 2^-(K+1)/(K+2)!: 1.4e-15 for K = 12 (f64), 1.1e-8 for K = 7 (f32).
    pub taylor_degree: u32,
    /// Newton's stopping rule for the OSS (0: until the unitary stops
    /// changing) and the stall below which its quadratic descent ends.
    pub newton_tolerance: f64,
    pub newton_stall: f64,
    /// Relative step at which iteration counts as converged.
    pub iteration_tolerance: f64,
    /// `bose_factor`: e^y overflows past `exp_max`; ln 2 split so that
    /// k·ln2_hi is exact for the k the type reaches; the Taylor degree of
    /// e^f − 1 at |f| ≤ ln2/2.
    pub exp_max: f64,
    pub ln2_hi: f64,
    pub ln2_lo: f64,
    pub expm1_degree: u32,
    /// Whether the kernel flags points whose refined solve residual is not
    /// small against the stroke's change: f32's refinement cannot resolve
    /// the O(τΣΓ) structure of the OSS below τΣΓ ~ 1e-6 (a double-double
    /// property test found f32 points off by 1000× at status 0); in f64 the
    /// refinement converges over the whole tested range and the residual's
    /// own rounding would only flag good points.
    pub check_solve: bool,
    /// The relative tolerance that status 0 guarantees.
    pub tolerance: f64,
}

/// The f64 kernels and the CPU twins.
pub const F64: Numerics = Numerics {
    real: "f64",
    eps: f64::EPSILON,
    taylor_degree: 12,
    newton_tolerance: 1e-13,
    newton_stall: 1e-8,
    iteration_tolerance: 1e-11,
    exp_max: 709.0,
    ln2_hi: f64::from_bits(0x3fe6_2e42_fee0_0000),
    ln2_lo: f64::from_bits(0x3dea_39ef_3579_3c76),
    expm1_degree: 13,
    check_solve: false,
    tolerance: super::calibration::TOLERANCE_F64,
};

/// The f32 kernels: in f32 k < 2^8, so ln2_hi keeps 15 bits.
pub const F32: Numerics = Numerics {
    real: "f32",
    eps: f32::EPSILON as f64,
    taylor_degree: 7,
    newton_tolerance: 0.0,
    newton_stall: 1e-3,
    iteration_tolerance: 1e-5,
    exp_max: 88.0,
    ln2_hi: 6.93145751953125e-1,
    ln2_lo: 1.428606765330187e-6,
    expm1_degree: 7,
    check_solve: true,
    tolerance: super::calibration::TOLERANCE_F32,
};

/// Steps of iterative refinement of every linear solve.
pub const REFINEMENT_STEPS: u32 = 2;

impl Numerics {
    /// A float literal WGSL parses back to exactly this constant in the
    /// set's type: the shortest decimal that round-trips (an f32 set's
    /// constants are f32 values).
    fn literal(&self, v: f64) -> String {
        if self.real == "f32" {
            format!("{:?}", v as f32)
        } else {
            format!("{v:?}")
        }
    }

    /// The set as WGSL `const` declarations (with `alias real`).
    pub fn wgsl(&self) -> String {
        let f = |v: f64| self.literal(v);
        format!(
            "alias real = {};\n\
             const EPS: real = {};\n\
             const TAYLOR_DEGREE: u32 = {}u;\n\
             const NEWTON_TOLERANCE: real = {};\n\
             const NEWTON_STALL: real = {};\n\
             const ITERATION_TOLERANCE: real = {};\n\
             const REFINEMENT_STEPS: u32 = {REFINEMENT_STEPS}u;\n\
             const TOLERANCE: real = {};\n\
             const EXP_MAX: real = {};\n\
             const LOG2E: real = {};\n\
             const LN2_HI: real = {};\n\
             const LN2_LO: real = {};\n\
             const EXPM1_DEGREE: u32 = {}u;\n\
             const CHECK_SOLVE: bool = {};\n\
             const COARSE: bool = {};\n",
            self.real,
            f(self.eps),
            self.taylor_degree,
            f(self.newton_tolerance),
            f(self.newton_stall),
            f(self.iteration_tolerance),
            f(self.tolerance),
            f(self.exp_max),
            f(std::f64::consts::LOG2_E),
            f(self.ln2_hi),
            f(self.ln2_lo),
            self.expm1_degree,
            self.check_solve,
            // Coarser than f64: "nothing runs" by snapping is recomputed in
            // f64 (src/trust.rs `settle`), and other coarse rules.
            self.eps > f64::EPSILON,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_parse_back_to_the_constants() {
        for set in [F64, F32] {
            assert!(set.wgsl().contains(set.real));
            for v in [
                set.eps,
                set.ln2_hi,
                set.ln2_lo,
                set.tolerance,
                set.newton_stall,
            ] {
                let lit = set.literal(v);
                if set.real == "f32" {
                    assert_eq!(lit.parse::<f32>().unwrap(), v as f32, "{lit}");
                } else {
                    assert_eq!(lit.parse::<f64>().unwrap(), v, "{lit}");
                }
            }
        }
        // The f32 set's split of ln 2 is exact in f32.
        assert_eq!(F32.ln2_hi as f32 as f64, F32.ln2_hi);
    }
}
