//! The OSS by Newton's method with steps cut at the boundaries between
//! orders, where policy iteration cycles.
//!
//! The OSS is the zero of F(p) = P_σ(p) (I + C) p − p on Σ p = 1, σ(p) the
//! order the charged state q = p + C p sorts into. F is piecewise linear:
//! in the region where q keeps the order σ, F(p) = A_σ p, whose zero p*_σ
//! is that order's fixed point. Policy iteration jumps to p*_σ and takes
//! the order q*_σ sorts into; where the OSS's order is one of many close
//! ones (weak hopping, short strokes: populations tied in clusters at
//! O(τΓ)) those jumps can cycle among orders, none of them the OSS's.
//!
//! Here each step goes from p towards p*_σ only as far as the region's
//! boundary, the first α at which two neighbours of σ in q meet: along
//! the segment F is linear and vanishes at p*_σ, so F(p + α(p*_σ − p)) =
//! (1 − α) F(p), and the residual shrinks by 1 − α each step. At the
//! boundary the pairs that met are swapped, which is the order just
//! beyond it, and the step repeats; it ends where p*_σ lies in its own
//! region (the charged state sorts into σ: the OSS, from the same solve as
//! policy iteration's, so with the same error bounds).

use nalgebra::DVector;

use super::cycle::{passive_order, Oss, Step};

/// Steps that make no headway (α = 0: p already on the boundary, orders
/// only swapped) before the search gives up.
const STUCK: usize = 64;

/// The OSS from `start` (Σ = 1), each order's fixed point from `settled`
/// (as policy iteration's); None where it does not end within its steps.
pub fn newton(
    change: &nalgebra::DMatrix<f64>,
    start: &DVector<f64>,
    settled: &dyn Fn(Vec<usize>) -> Option<Step>,
    blocks: &[std::ops::Range<usize>],
) -> Option<Oss> {
    let d = start.len();
    let mut p = start.clone();
    let mut q = &p + change * &p;
    let mut order = passive_order(&q, blocks);
    let mut stuck = 0;
    for _ in 0..4 * d * d + 64 {
        let target = match settled(order.clone())? {
            Ok(oss) => return Some(oss),
            Err((_, target)) => target,
        };
        let aimed = &target + change * &target;
        // The first α where neighbours (a, b) of σ meet: q_a − q_b goes
        // from g0 ≥ 0 (rounding may leave it just below) to g1 < 0.
        let mut alpha = 1.0f64;
        let mut meet = Vec::new();
        for i in 0..d - 1 {
            let (a, b) = (order[i], order[i + 1]);
            let (g0, g1) = ((q[a] - q[b]).max(0.0), aimed[a] - aimed[b]);
            if g1 >= 0.0 {
                continue;
            }
            let at = g0 / (g0 - g1);
            if at < alpha {
                (alpha, meet) = (at, vec![i]);
            } else if at == alpha {
                meet.push(i);
            }
        }
        if meet.is_empty() {
            // p*_σ lies in σ's region, yet the solve's refined state did
            // not sort into σ: rounding at a boundary the tie tolerance
            // did not cover. Not resolved here.
            return None;
        }
        stuck = if alpha == 0.0 { stuck + 1 } else { 0 };
        if stuck > STUCK {
            return None;
        }
        p = &p + (&target - &p) * alpha;
        q = &p + change * &p;
        // The order just beyond the boundary.
        for i in meet {
            order.swap(i, i + 1);
        }
    }
    None
}
