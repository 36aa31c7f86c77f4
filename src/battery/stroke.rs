//! The charging stroke of a d-level battery at the population level, in
//! f64: the propagator and its integral from one matrix exponential
//! (Van Loan), or from the NESS where the stroke is long.
//!
//! Stroke: q = e^{Wτ} p. With F = ∫_0^τ e^{Ws} ds, e^{Wτ} = I + W F, so
//! for short strokes q − p = W F p carries the O(τΓ) change without
//! cancellation, and the heat from bath k is Q_k = E · W_k F p exactly (no
//! quadrature). For long strokes (τ‖W‖ > [`LONG`]) the product W F would
//! cancel τ‖W‖-sized terms, so the stroke is formed from the NESS instead:
//! with Π = π 1ᵀ and the deviation matrix D = (Π − W)⁻¹ − Π (W D = Π − I),
//! F = τΠ + (I − e^{Wτ}) D exactly, and e^{Wτ} − I is taken as it is (no
//! longer small); where the stroke has relaxed to rounding, e^{Wτ} = Π.

use nalgebra::{DMatrix, DVector};
use nessbat_kernels::layout::{STROKE_REMAINDER, STROKE_TERMS, STROKE_THETA};

/// τ‖W‖ beyond which a stroke is formed from the NESS: W F would lose
/// log10 of it in digits, the NESS form loses none (but carries the
/// exponential's rounding through the deviation matrix: `integral_error`).
pub const LONG: f64 = 64.0;

/// Rounding of a d × d matrix exponential by scaling and squaring, in ε per
/// squaring: taken generously (the calibrated noise factor).
const EXP_ROUNDING: f64 = nessbat_kernels::trust::NOISE_FACTOR;

/// Roundings per doubling and per term of a row of Van Loan's change C,
/// in ε, entry by entry (with margin).
const CHANGE_ROUNDING: f64 = 8.0;

/// A stroke of length τ: e^{Wτ} − I and ∫_0^τ e^{Ws} ds.
pub struct Stroke {
    /// e^{Wτ} − I (the change of the state over the stroke).
    pub change: DMatrix<f64>,
    pub integral: DMatrix<f64>,
    /// A bound on |δF p| (any entry) for any distribution p, beyond the
    /// roundings of F p that the heats' noise counts anyway: 0 for Van
    /// Loan, whose F is accurate to ε of itself; for the NESS form, the
    /// exponential's error through the deviation matrix D (ε‖D‖, which
    /// a stiff generator makes large) and the NESS's through τΠ.
    pub integral_error: f64,
    /// Where the stroke is formed from the NESS, the part of F that is not
    /// the NESS's own, F − τΠ = (I − e^{Wτ}) D, with a bound on |δT p| as
    /// `integral_error` (without the NESS's term). A bath that carries no
    /// current at the NESS (E · W_k π = 0 by structure) exchanges its heat
    /// through this part alone; through F, τ times the rounding of its
    /// zero current would count (found: the maser flagged from Γτ = 1e6,
    /// its heats off by 9e-7 at Γτ = 1e9). None for Van Loan's strokes.
    /// A point's heats take this part on their state through the NESS's
    /// system instead (battery::flow), whose error follows each bath
    /// rather than ‖D‖; the matrix serves their sensitivities.
    pub transient: Option<(DMatrix<f64>, f64)>,
}

impl Stroke {
    /// The stroke of generator `w` (stationary state `ness`, with error
    /// `ness_error`) over `tau`.
    pub fn new(w: &DMatrix<f64>, ness: &DVector<f64>, ness_error: f64, tau: f64) -> Option<Stroke> {
        if Self::is_van_loan(w, tau) {
            return Some(match w.nrows() <= super::strokes::MAX_LEVELS {
                true => Self::twin(w, tau),
                false => Self::van_loan(w, tau),
            });
        }
        let norm = (0..w.nrows()).map(|i| w[(i, i)].abs()).fold(0.0, f64::max);
        let d = w.nrows();
        let pi = DMatrix::from_fn(d, d, |i, _| ness[i]);
        // Relaxed to rounding (the slowest mode decays by e^{-gap τ} <
        // e^{-40}): the exact limit, not 40-odd squarings of a matrix
        // exponential that would carry their rounding into it. (The gap is
        // at most 2‖W‖: shorter strokes need not look.)
        let relaxed = tau * norm >= 20.0 && relaxation_gap(w) * tau >= 40.0;
        // By LU with partial pivoting: nalgebra's try_inverse takes
        // cofactor formulas for d ≤ 4, unstable where Π − W is
        // ill-conditioned (found: the paper's system at λ = 1e-6, Γ = 2e-7,
        // whose relaxation gap of 5e-7 beside rates of 2e-6 set D 5 % off,
        // and the heats 5e-3 off at status ok).
        let dev = (&pi - w).lu().try_inverse()? - &pi;
        let dev_norm = (0..d)
            .map(|i| (0..d).map(|j| dev[(i, j)].abs()).sum::<f64>())
            .fold(0.0, f64::max);
        let squarings = if relaxed {
            0.0
        } else {
            (tau * norm).log2().max(0.0)
        };
        let transient_error = EXP_ROUNDING * f64::EPSILON * (1.0 + squarings) * dev_norm;
        let integral_error = transient_error + tau * ness_error.max(EXP_ROUNDING * f64::EPSILON);
        let e = if relaxed { pi.clone() } else { (w * tau).exp() };
        let id = DMatrix::<f64>::identity(d, d);
        let transient = (&id - &e) * dev;
        let integral = &pi * tau + &transient;
        let change = e - id;
        (change.iter().chain(integral.iter()).all(|v| v.is_finite())).then_some(Stroke {
            change,
            integral,
            integral_error,
            transient: Some((transient, transient_error)),
        })
    }

    /// The integral the heats are formed from, with its error: F, or for
    /// baths that carry no current at the NESS (`currentless`) its
    /// transient part where the stroke has one. The two give the same
    /// heats in exact arithmetic (E · W_k Π p = (Σ p) E · W_k π = 0).
    pub fn heat_integral(&self, currentless: bool) -> (&DMatrix<f64>, f64) {
        match (&self.transient, currentless) {
            (Some((t, error)), true) => (t, *error),
            _ => (&self.integral, self.integral_error),
        }
    }

    /// The error of the change C = e^{Wτ} − I, as (relative, absolute):
    /// |δC p| ≤ relative · |C| p + absolute, entry by entry, for the
    /// distribution p. Van Loan's blocks keep C to a few roundings of
    /// itself per doubling, entry by entry (Taylor terms and doublings of
    /// a generator's exponential whose off-diagonal entries are positive);
    /// the NESS form, e^{Wτ} − I from a full exponential, only normwise.
    ///
    /// Either way, plus what the computed C shows of its own error: its
    /// columns must sum to zero (probability is conserved), and their
    /// drift, taken four times over, stands for the error that squaring a
    /// stiff exponential accumulates, which grows as ε τ‖W‖ rather than
    /// with the number of squarings (found: a near-degenerate pair with
    /// rates of 1e6 whose charged state summed to 1 − 4e-10, beside a
    /// modelled error of 1e-12). Column j's drift witnesses the error of
    /// column j, which moves C p by its population p_j: weighted so, the
    /// witness still covers the charged state's own drift from Σ = 1
    /// (|Σ_j drift_j p_j|), while the rounding of an excited level's
    /// column no longer counts in full against a ground state that holds
    /// nearly everything (found: a cold chain at T_c = 0.005 flagged with
    /// an estimate 50× its true error of 4e-8, from the 4e-17 drift of a
    /// column holding 1e-16 of the population).
    pub fn change_error(&self, w: &DMatrix<f64>, tau: f64, p: &DVector<f64>) -> (f64, f64) {
        let d = w.nrows();
        let norm = (0..d).map(|i| w[(i, i)].abs()).fold(0.0, f64::max) * tau;
        let squarings = 1.0 + (2.0 * norm / STROKE_THETA).log2().max(0.0);
        let drift: f64 = (0..d)
            .map(|j| self.change.column(j).sum().abs() * p[j].abs())
            .sum();
        if Self::is_van_loan(w, tau) {
            let relative = CHANGE_ROUNDING * f64::EPSILON * (squarings + d as f64);
            return (relative, 4.0 * drift);
        }
        let size = (0..d)
            .map(|i| (0..d).map(|j| self.change[(i, j)].abs()).sum::<f64>())
            .fold(0.0, f64::max);
        (
            0.0,
            EXP_ROUNDING * f64::EPSILON * squarings * (size + 1.0) + 4.0 * drift,
        )
    }

    /// Whether the stroke of `w` over `tau` is short enough (τ‖W‖ ≤
    /// [`LONG`]) to be formed by Van Loan's blocks, as the GPU kernel
    /// forms it; longer ones are formed from the NESS.
    pub fn is_van_loan(w: &DMatrix<f64>, tau: f64) -> bool {
        let norm = (0..w.nrows()).map(|i| w[(i, i)].abs()).fold(0.0, f64::max);
        tau * norm <= LONG
    }

    /// The Van Loan blocks as the GPU kernel and the CPU's SIMD lanes form
    /// them, by the scalar twin (nessbat_kernels::battery_stroke, d ≤ 16):
    /// so that one point and the same point in a sweep, on any lanes, are
    /// equal bit for bit. [`Stroke::van_loan`] is its nalgebra oracle.
    pub fn twin(w: &DMatrix<f64>, tau: f64) -> Stroke {
        let d = w.nrows();
        let x: Vec<f64> = (0..d * d).map(|k| w[(k / d, k % d)] * tau).collect();
        let (mut change, mut integral) = (vec![0.0; d * d], vec![0.0; d * d]);
        nessbat_kernels::battery_stroke::stroke(d, &x, tau, &mut change, &mut integral);
        Self::from_blocks(d, &change, &integral)
    }

    /// A Van Loan stroke from its two blocks, row-major, as the kernels
    /// (the twin, the GPU) form them.
    pub fn from_blocks(d: usize, change: &[f64], integral: &[f64]) -> Stroke {
        Stroke {
            change: DMatrix::from_row_slice(d, d, change),
            integral: DMatrix::from_row_slice(d, d, integral),
            integral_error: 0.0,
            transient: None,
        }
    }

    /// The two blocks of exp([[Wτ, τI], [0, 0]]) (Van Loan, 1978), e^{Wτ}
    /// and F = τ φ1(Wτ) with φ1(X) = Σ X^k/(k+1)!, on d × d matrices: φ1
    /// and C = e^X − I by Taylor at X/2^s (‖X/2^s‖₁ ≤ 1/2, the remainder
    /// far below ε), then s doublings, φ1(2Y) = φ1(Y)(I + C/2) and
    /// C(2Y) = 2C + C², which keep the small change C and F to ε of
    /// themselves (no I − e^X cancellation) at an eighth of the work per
    /// product of the 2d × 2d exponential.
    pub fn van_loan(w: &DMatrix<f64>, tau: f64) -> Stroke {
        let d = w.nrows();
        let x = w * tau;
        let norm = (0..d)
            .map(|j| (0..d).map(|i| x[(i, j)].abs()).sum::<f64>())
            .fold(0.0, f64::max);
        let s = if norm > STROKE_THETA {
            (norm / STROKE_THETA).log2().ceil() as i32
        } else {
            0
        };
        let y = x * 0.5f64.powi(s);
        let id = DMatrix::<f64>::identity(d, d);
        // Horner: φ1 = I + Y/2 (I + Y/3 (I + … (I + Y/(m+1)))), with m
        // the fewest terms whose remainder, about θ^(m+1)/(m+2)! at
        // θ = ‖Y‖₁ ≤ 1/2, is below 1e-19 (m = 16 at 1/2, fewer for short
        // strokes).
        let theta = norm * 0.5f64.powi(s);
        let mut terms = 1u32;
        let mut remainder = theta / 2.0;
        while remainder > STROKE_REMAINDER && terms < STROKE_TERMS {
            terms += 1;
            remainder *= theta / (f64::from(terms) + 1.0);
        }
        let mut phi = id.clone();
        for j in (1..=terms).rev() {
            phi = &id + (&y * &phi) / (f64::from(j) + 1.0);
        }
        let mut change = &y * &phi;
        for _ in 0..s {
            phi = &phi + &phi * &change * 0.5;
            change = &change * 2.0 + &change * &change;
        }
        Stroke {
            change,
            integral: phi * tau,
            integral_error: 0.0,
            transient: None,
        }
    }
}

/// Schur iterations allowed for W's eigenvalues (a d ≤ 64 generator
/// converges in a few hundred).
const SCHUR_ITERATIONS: usize = 20_000;

/// The slowest relaxation rate of W: the smallest |Re λ| of its
/// eigenvalues but the stationary one (the eigenvalue nearest 0).
fn relaxation_gap(w: &DMatrix<f64>) -> f64 {
    // With an iteration cap: nalgebra's Schur iteration without one never
    // returned for some generators (found: a 3-spin chain with λ = 1e-3 at
    // τ ≈ 3900, hanging `nessbat point` and every sweep holding it). Where
    // it does not converge, the gap is taken as 0: the stroke is then not
    // taken as relaxed and is formed by its exponential, exact, only
    // slower.
    let Some(schur) = nalgebra::linalg::Schur::try_new(w.clone(), f64::EPSILON, SCHUR_ITERATIONS)
    else {
        return 0.0;
    };
    let mut re: Vec<f64> = schur
        .complex_eigenvalues()
        .iter()
        .map(|l| l.re.abs())
        .collect();
    re.sort_by(f64::total_cmp);
    re.get(1).copied().unwrap_or(0.0)
}
