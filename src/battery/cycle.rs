//! The two-stroke cycle of a d-level battery at the population level, in
//! f64: the operational steady state solved directly, for a stroke of
//! battery::stroke.
//!
//! Extraction: the ergotropy-optimal unitary of a diagonal state is a
//! permutation, populations sorted decreasing onto ascending energies. The
//! OSS is the fixed point p = P_π e^{Wτ} p of the cycle. For a fixed
//! permutation π that is a linear problem, (P_π W F + P_π − I) p = 0 with
//! Σ p = 1; π itself is found by policy iteration (solve, sort the charged
//! state, repeat), which stops at the π the OSS sorts itself into.

use super::lu::Lu;
use super::sensitivity::normalised;
use super::stroke::Stroke;
use nalgebra::{DMatrix, DVector};
use nessbat_kernels::layout::OSS_TIE;
use std::ops::Range;

/// The extraction's order for `q`: it sends population `q[order[i]]` to
/// level i. Populations sorted decreasing onto ascending levels (ties to
/// the lower level), except within each run of degenerate levels
/// (`blocks`, `Spectrum::blocks`): a population the sort keeps in the run
/// stays on its own level, and those arriving from outside take the run's
/// other levels in ascending order. No unitary among degenerate levels
/// changes the energy, so the optimal extraction need not move population
/// among them, and with this it does not: the cycle is then the same
/// however those levels are labelled (found: a V-type battery, two
/// degenerate levels each on its own bath, at status ok with heats of 0
/// or ±0.023 by which level was called 1, the sort's swap between them
/// pumping heat from hot to cold with no work).
pub fn passive_order(q: &DVector<f64>, blocks: &[Range<usize>]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..q.len()).collect();
    order.sort_by(|&i, &j| q[j].total_cmp(&q[i]).then(i.cmp(&j)));
    for run in blocks {
        let sources = order[run.clone()].to_vec();
        let mut arriving = sources.iter().filter(|s| !run.contains(s));
        for i in run.clone() {
            order[i] = match sources.contains(&i) {
                true => i,
                // As many arrive as leave the run.
                false => *arriving.next().expect("one per level vacated"),
            };
        }
    }
    order
}

/// The first run of degenerate levels into which `order` brings two or
/// more populations from outside: which goes where is then a choice of
/// labels, which shapes the next stroke.
pub fn ambiguous_arrivals(order: &[usize], blocks: &[Range<usize>]) -> Option<Range<usize>> {
    blocks
        .iter()
        .find(|&run| run.clone().filter(|&i| !run.contains(&order[i])).count() >= 2)
        .cloned()
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
pub fn solve(stroke: &Stroke, start: &DVector<f64>, blocks: &[Range<usize>]) -> Option<Oss> {
    let d = start.len();
    let settled = |order: Vec<usize>| -> Option<Step> {
        // Unrefined first: an order the charged state does not sort into
        // is left at once; the one it settles on is refined.
        let mut solve = NullSolve::new(cycle_matrix(stroke, &order))?;
        let sorts = |p: &DVector<f64>| {
            let q = p + &stroke.change * p;
            let next = passive_order(&q, blocks);
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
    let mut order = passive_order(start, blocks);
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
    if let Some(oss) = super::boundary::newton(&stroke.change, start, &settled, blocks) {
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
        let order = passive_order(&q, blocks);
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
