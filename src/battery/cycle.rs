//! The two-stroke cycle of a d-level battery at the population level, in
//! f64: the stroke propagator and its integral from one matrix exponential
//! (Van Loan), and the operational steady state solved directly.
//!
//! Stroke: q = e^{Wτ} p. With F = ∫_0^τ e^{Ws} ds, e^{Wτ} = I + W F, so
//! for short strokes q − p = W F p carries the O(τΓ) change without
//! cancellation, and the heat from bath k is Q_k = E · W_k F p exactly (no
//! quadrature). For long strokes (τ‖W‖ > [`LONG`]) the product W F would
//! cancel τ‖W‖-sized terms, so the stroke is formed from the NESS instead:
//! with Π = π 1ᵀ and the deviation matrix D = (Π − W)⁻¹ − Π (W D = Π − I),
//! F = τΠ + (I − e^{Wτ}) D exactly, and e^{Wτ} − I is taken as it is (no
//! longer small); where the stroke has relaxed to rounding, e^{Wτ} = Π.
//!
//! Extraction: the ergotropy-optimal unitary of a diagonal state is a
//! permutation, populations sorted decreasing onto ascending energies. The
//! OSS is the fixed point p = P_π e^{Wτ} p of the cycle. For a fixed
//! permutation π that is a linear problem, (P_π W F + P_π − I) p = 0 with
//! Σ p = 1; π itself is found by policy iteration (solve, sort the charged
//! state, repeat), which stops at the π the OSS sorts itself into.

use super::lu::Lu;
use super::sensitivity::normalised;
use nalgebra::{DMatrix, DVector};
use nessbat_kernels::layout::{OSS_TIE, STROKE_REMAINDER, STROKE_TERMS, STROKE_THETA};

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
        let dev = (&pi - w).try_inverse()? - &pi;
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
    /// |δC p| ≤ relative · |C| p + absolute, entry by entry, for a
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
    /// modelled error of 1e-12).
    pub fn change_error(&self, w: &DMatrix<f64>, tau: f64) -> (f64, f64) {
        let d = w.nrows();
        let norm = (0..d).map(|i| w[(i, i)].abs()).fold(0.0, f64::max) * tau;
        let squarings = 1.0 + (2.0 * norm / STROKE_THETA).log2().max(0.0);
        let drift = (0..d)
            .map(|j| self.change.column(j).sum().abs())
            .fold(0.0, f64::max);
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

/// The order that sorts `q` decreasing, ties to the lower level: the
/// extraction sends population `q[order[i]]` to level i.
pub fn passive_order(q: &DVector<f64>) -> Vec<usize> {
    let mut order: Vec<usize> = (0..q.len()).collect();
    order.sort_by(|&i, &j| q[j].total_cmp(&q[i]).then(i.cmp(&j)));
    order
}

/// The passive state of `q` under `order`.
pub fn permute(q: &DVector<f64>, order: &[usize]) -> DVector<f64> {
    DVector::from_iterator(q.len(), order.iter().map(|&i| q[i]))
}

/// The OSS found: its state after extraction `p`, the charged state `q`,
/// the permutation, and the size of the refinement step (the solve's
/// error, roughly).
pub struct Oss {
    pub passive: DVector<f64>,
    pub charged: DVector<f64>,
    pub order: Vec<usize>,
    pub correction: f64,
    /// Found by iterating the cycle map, not by a linear solve: its error
    /// is the iterate's (`correction`), not its residual's.
    pub iterated: bool,
    /// The factors of the order's normalised system, where solved here.
    pub factors: Option<Factors>,
}

/// P C + P − I for permutation `order` (C = e^{Wτ} − I): the matrix whose
/// null vector is that order's fixed point.
pub fn cycle_matrix(stroke: &Stroke, order: &[usize]) -> DMatrix<f64> {
    let change = &stroke.change;
    let d = change.nrows();
    let mut a = DMatrix::<f64>::zeros(d, d);
    for (i, &src) in order.iter().enumerate() {
        for j in 0..d {
            a[(i, j)] = change[(src, j)];
        }
        a[(i, src)] += 1.0;
        a[(i, i)] -= 1.0;
    }
    a
}

/// The vector p with A p = 0 and Σ p = 1, for a singular A whose columns
/// sum to zero (a generator, or a stochastic cycle map minus I), so that
/// its rows are dependent: the last row is replaced by the normalisation,
/// then two steps of iterative refinement; with the size of the second, a
/// measure of the solve's error. (The first step's size measures the error
/// of the unrefined solve, which the refinement removes; the second is the
/// size at which f64's residual stops improving it.)
pub fn normalised_null_vector(a: DMatrix<f64>) -> Option<(DVector<f64>, f64)> {
    normalised_null_solve(a).map(|(p, correction, _)| (p, correction))
}

/// [`normalised_null_vector`] with the factors of its normalised system,
/// for the figures' error bounds (battery::sensitivity).
pub fn normalised_null_solve(a: DMatrix<f64>) -> Option<(DVector<f64>, f64, Factors)> {
    let mut solve = NullSolve::new(a)?;
    let correction = solve.refine()?;
    Some((solve.p, correction, solve.lu))
}

/// The LU factors of a normalised system (battery::sensitivity::normalised).
pub type Factors = Lu;

/// A normalised null vector solved once, refined on demand: the policy
/// iteration refines only the order it settles on.
pub struct NullSolve {
    a: DMatrix<f64>,
    lu: Factors,
    rhs: DVector<f64>,
    pub p: DVector<f64>,
}

impl NullSolve {
    pub fn new(a: DMatrix<f64>) -> Option<NullSolve> {
        let d = a.nrows();
        let a = normalised(a);
        let mut rhs = DVector::<f64>::zeros(d);
        rhs[d - 1] = 1.0;
        let lu = Lu::new(&a)?;
        let p = lu.solve(rhs.as_slice());
        p.iter()
            .all(|v| v.is_finite())
            .then_some(NullSolve { a, lu, rhs, p })
    }

    /// Two steps of iterative refinement; the size of the second.
    pub fn refine(&mut self) -> Option<f64> {
        let mut correction = 0.0;
        for _ in 0..2 {
            let r = &self.rhs - &self.a * &self.p;
            let delta = self.lu.solve(r.as_slice());
            self.p += &delta;
            correction = delta.amax();
        }
        self.p.iter().all(|v| v.is_finite()).then_some(correction)
    }
}

/// One policy step: the OSS, or the order its charged state sorts into
/// and the fixed point that gave it.
pub type Step = Result<Oss, (Vec<usize>, DVector<f64>)>;

/// Cycles the fallback iterates before it gives up.
const MAX_CYCLES: usize = 200_000;

/// Cycles per window over which the fallback's smallest step must halve.
const STALL_WINDOW: usize = 1000;

/// The largest step taken as rounding's floor where it stops shrinking.
const STALL_FLOOR: f64 = 1e-12;

/// Cycles an iterate's order must hold before the fallback tries that
/// order's fixed point.
const HOLD: usize = 16;

/// The most levels whose orders are tried one by one when the policy
/// iteration cycles (5! = 120 solves at most).
const MAX_TIED: usize = 5;

/// The OSS under some order that agrees with every order of `cycle`
/// wherever they agree, and places the rest in any way: the first in
/// lexicographic order of those placements that `settled` accepts.
fn among(cycle: &[Vec<usize>], settled: &dyn Fn(Vec<usize>) -> Option<Step>) -> Option<Oss> {
    let base = &cycle[0];
    let open: Vec<usize> = (0..base.len())
        .filter(|&i| cycle.iter().any(|o| o[i] != base[i]))
        .collect();
    if open.len() > MAX_TIED {
        return None;
    }
    let mut levels: Vec<usize> = open.iter().map(|&i| base[i]).collect();
    levels.sort_unstable();
    loop {
        let mut order = base.clone();
        for (&i, &l) in open.iter().zip(&levels) {
            order[i] = l;
        }
        if !cycle.contains(&order) {
            if let Some(Ok(oss)) = settled(order) {
                return Some(oss);
            }
        }
        if !next_permutation(&mut levels) {
            return None;
        }
    }
}

/// Steps `v` to its next permutation in lexicographic order; false after
/// the last.
fn next_permutation(v: &mut [usize]) -> bool {
    let Some(i) = (1..v.len()).rev().find(|&i| v[i - 1] < v[i]) else {
        return false;
    };
    let j = (i..v.len())
        .rev()
        .find(|&j| v[j] > v[i - 1])
        .expect("v[i] is one");
    v.swap(i - 1, j);
    v[i..].reverse();
    true
}

/// The OSS of the cycle with stroke `stroke`, starting the policy
/// iteration from the order of `start` (the NESS). Where the policy
/// iteration cycles between permutations, the cycle itself is iterated
/// from where it stopped until its permutation settles, and that one is
/// solved for.
pub fn solve(stroke: &Stroke, start: &DVector<f64>) -> Option<Oss> {
    let d = start.len();
    let settled = |order: Vec<usize>| -> Option<Step> {
        // Unrefined first: an order the charged state does not sort into
        // is left at once; the one it settles on is refined.
        let mut solve = NullSolve::new(cycle_matrix(stroke, &order))?;
        let sorts = |p: &DVector<f64>| {
            let q = p + &stroke.change * p;
            let next = passive_order(&q);
            // Orders that differ only by swapping populations equal to
            // rounding sort q alike: the OSS sits on their boundary, and
            // either is it.
            let tie = OSS_TIE * f64::EPSILON * q.amax();
            let alike = (permute(&q, &order) - permute(&q, &next)).amax() <= tie;
            (q, next, alike)
        };
        let (_, next, alike) = sorts(&solve.p);
        if !(next == order || alike) {
            return Some(Err((next, solve.p)));
        }
        let correction = solve.refine()?;
        let NullSolve { p, lu, .. } = solve;
        let (q, next, alike) = sorts(&p);
        Some(match next == order || alike {
            true => Ok(Oss {
                passive: p,
                charged: q,
                order,
                correction,
                iterated: false,
                factors: Some(lu),
            }),
            false => Err((next, p)),
        })
    };
    let mut order = passive_order(start);
    let mut seen: Vec<Vec<usize>> = Vec::new();
    let mut last = start.clone();
    for _ in 0..(4 * d + 16) {
        // A singular fixed point (a permutation the OSS cannot sort into)
        // ends the policy iteration too.
        let Some(step) = settled(order.clone()) else {
            break;
        };

        match step {
            Ok(oss) => return Some(oss),
            Err((next, p)) => {
                last = p;
                if let Some(first) = seen.iter().position(|o| *o == next) {
                    // A cycle of orders: the OSS sits where they meet,
                    // its charged populations tied among the levels the
                    // cycle's orders place differently, under an order
                    // the cycle may never visit (found: a 4-spin chain at
                    // τΓ = 5e-6 flipping between two orders of 4 levels
                    // whose OSS is a third). Every order of those levels
                    // is tried, in lexicographic order, where they are
                    // few; else the cycle map below.
                    let mut cycle: Vec<Vec<usize>> = seen[first..].to_vec();
                    cycle.push(order.clone());
                    if let Some(oss) = among(&cycle, &settled) {
                        return Some(oss);
                    }
                    break;
                }
                seen.push(std::mem::replace(&mut order, next));
            }
        }
    }
    // Newton's method with steps cut at the orders' boundaries, whose
    // residual shrinks at every step where policy iteration's full steps
    // cycled (battery::boundary).
    if let Some(oss) = super::boundary::newton(&stroke.change, start, &settled) {
        return Some(oss);
    }
    // The cycle map itself, p ← sort(e^{Wτ} p), from a valid state: the
    // last solve's, clipped into the simplex.
    let mut p = last.map(|v| v.max(0.0));
    let total = p.sum();
    if total > 0.0 {
        p /= total;
    } else {
        p = start.clone();
    }
    // Until the state stops changing: where the OSS sits on a boundary
    // between orders (several populations tied by the extraction), no
    // single order's linear fixed point is it, and the iterate is.
    // The smallest step of each window of cycles: a step that stops
    // shrinking at rounding's level has converged as far as f64 goes
    // (found: steps of 2.5e-14 for 180 000 cycles, the iterate chattering
    // in its last bits at Γτ = 3e-5, reported as not converged).
    let (mut floor, mut last_floor) = (f64::INFINITY, f64::INFINITY);
    // The iterate's order, how many cycles it has held, and the orders
    // whose fixed points were tried.
    let (mut held_order, mut held) = (Vec::new(), 0);
    let mut tried: Vec<Vec<usize>> = Vec::new();
    for cycle in 0..MAX_CYCLES {
        let q = &p + &stroke.change * &p;
        let order = passive_order(&q);
        let next = permute(&q, &order);
        let step = (&next - &p).amax();
        p = next;
        // The iterate settles on the OSS's order long before it converges
        // where the map contracts slowly (weak hopping, short strokes:
        // found a 4-spin chain at λ = 0.003, τΓ = 1e-3 not converged
        // after 200 000 cycles, its order held from early on): an order
        // held for HOLD cycles has its fixed point tried, once, and taken
        // where the charged state sorts into it.
        if order == held_order {
            held += 1;
        } else {
            (held_order, held) = (order.clone(), 0);
        }
        if held == HOLD && !tried.contains(&order) && tried.len() < 4 * d + 16 {
            tried.push(order.clone());
            if let Some(Ok(oss)) = settled(order.clone()) {
                return Some(oss);
            }
        }
        floor = floor.min(step);
        let mut stalled = false;
        if (cycle + 1) % STALL_WINDOW == 0 {
            stalled = floor <= STALL_FLOOR && floor >= 0.5 * last_floor;
            last_floor = floor;
            floor = f64::INFINITY;
        }
        if step <= 4.0 * f64::EPSILON || stalled {
            if let Some(Ok(oss)) = settled(order.clone()) {
                return Some(oss);
            }
            let q = &p + &stroke.change * &p;
            let size = if stalled { last_floor } else { step };
            return Some(Oss {
                passive: p,
                charged: q,
                order,
                // The iterate's own error: its last steps, at a
                // contraction that may be slow; taken generously.
                correction: 1e3 * size.max(f64::EPSILON),
                iterated: true,
                factors: None,
            });
        }
    }
    None
}
