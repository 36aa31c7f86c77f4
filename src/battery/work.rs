//! The work a cycle extracts, E · (q − P q), with its noise: summed over
//! the gaps the extraction bridges, floored at 0, and decided where the
//! extraction moves populations that f64 cannot tell apart.

use super::passive::cycle_lowest;
use super::scene::{Cycle, Scene, SNAP};
use super::spectrum::DEGENERATE;
use nessbat_kernels::trust::{NOISE_FACTOR, TOLERANCE_F64};

/// A work with its noise.
#[derive(Debug, Clone, Copy, Default)]
pub struct Work {
    pub value: f64,
    pub noise: f64,
}

/// The work as summed, with the size of the terms it is summed from and
/// what the rates' uncertainty adds (0 for each where nothing runs).
#[derive(Debug, Clone, Copy, Default)]
pub struct WorkSum {
    pub value: f64,
    pub terms: f64,
    pub blur: f64,
}

impl WorkSum {
    /// The work E · (q − P q) = Σ_i E_i (q_i − q_{o(i)}), with q = p + C p,
    /// summed as Σ_i (E_i − r_i) ((p_i − p_{o(i)}) + (C p)_i − (C p)_{o(i)}):
    /// the same number for any p (Σ (q_i − q_{o(i)}) vanishes over each
    /// cycle of the permutation, on which r_i, the cycle's lowest energy,
    /// is constant), but its terms are the stroke's O(τΓ) changes and the
    /// fixed point's residual, weighted by the gaps the extraction
    /// bridges, not O(1) populations weighted by energies up to e_max,
    /// whose roundings (ε·e_max) would swamp a short stroke's work (found:
    /// 22 of 300 random batteries at τΓ ≤ 0.1 flagged by that rounding
    /// alone, right to 1e-10 by a double-double reference) or a work over
    /// a small gap (the maser at ω_h − ω_c = 1e-9: flagged at 9e-4 where
    /// its efficiency was right to 5e-8).
    pub fn of(scene: &Scene, cycle: &Cycle) -> WorkSum {
        let (e, p, moved) = (&scene.e, cycle.p, &cycle.moved);
        let (change_relative, change_absolute) = cycle.change_error;
        let lowest = cycle_lowest(&cycle.oss.order, &scene.spectrum.energies);
        let (mut sum, mut terms, mut gaps) = (0.0, 0.0, 0.0);
        for (i, &o) in cycle.oss.order.iter().enumerate() {
            let gap = e[i] - lowest[i];
            gaps += gap;
            let apart = p[i] - p[o];
            sum += gap * (apart + (moved.change[i] - moved.change[o]));
            // Roundings of C p, of the residual and of the sum; and C's
            // own error.
            terms += gap
                * (apart.abs()
                    + moved.change[i].abs()
                    + moved.change[o].abs()
                    + (1.0 + change_relative) * (moved.size[i] + moved.size[o])
                    + 2.0 * change_absolute);
        }
        // The rates' uncertainty moves each q_i by up to ‖δC p‖₁.
        WorkSum {
            value: sum,
            terms,
            blur: 2.0 * cycle.drift * gaps,
        }
    }

    /// The work with its noise, the state's error as the work sees it
    /// (`sensitive`) and the roundings of its sums; and whether it is free
    /// (an exact 0). An order that moves populations only within
    /// degenerate levels (as the spectrum counts them) does no work,
    /// exactly: a 0 with no error, not a rounding of E · (q − s) over which
    /// the estimate divides (found: flagged with an estimate of inf);
    /// levels that close but distinct, with a work their populations
    /// resolve, keep it. Between levels of one energy the extraction moves
    /// nothing (`cycle::passive_order`).
    pub fn floored(
        self,
        scene: &Scene,
        cycle: &Cycle,
        identity: bool,
        sensitive: f64,
    ) -> (Work, bool) {
        let e = &scene.e;
        let degenerate = DEGENERATE * scene.e_max.max(1.0);
        let degenerate_only = cycle
            .oss
            .order
            .iter()
            .enumerate()
            .all(|(i, &o)| (e[o] - e[i]).abs() <= degenerate);
        let noise = sensitive + NOISE_FACTOR * f64::EPSILON * self.terms + self.blur;
        let free = !identity && degenerate_only && self.value.abs() <= noise;
        let value = if free { 0.0 } else { self.value };
        // An ergotropy is never negative: a sum below 0 shows an error of
        // at least its size, and is the 0 it cannot be told from, with
        // that noise (found: −1e-19 at τΓ = 1e-17 beside a modelled noise
        // of 7e-30, at a point flagged by its heats; −8e-18 and an
        // efficiency of −1.1 at a maser with Γ_h = 1e-20).
        let work = match value < 0.0 {
            true => Work {
                value: 0.0,
                noise: noise.max(-2.0 * value),
            },
            false => Work { value, noise },
        };
        (work, free)
    }
}

/// How a hidden cycle's work (regime::Regime) stands against f64.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hidden {
    /// Resolved, or no hidden cycle: the work as summed.
    Resolved,
    /// Unresolved, but within the contract as a 0.
    Negligible,
    /// Unresolved and not negligible: the point is flagged.
    Unresolved,
}

impl Hidden {
    /// A hidden cycle's work, where f64 does not resolve it, may be
    /// reported as 0 only where every figure formed from it is within the
    /// contract: the power (its bound over τ negligible against what the
    /// baths move, `exchange`, as a heat's snap) and the efficiency (below
    /// SNAP of a resolved heat_in; 1e-6 there read efficiencies of up to
    /// 1e-6 as 0). Otherwise flagged (found: the maser at τΓ ≤ 1e-14,
    /// power 0 at status ok where it is 1.7e-4, and at T_h = 0.03
    /// efficiency undefined where it is 0.6). A Dicke ladder's 1e-18 of
    /// work beside resolved heats stays an ok 0.
    ///
    /// Both unresolved cases report a 0 that carries the whole unseen work
    /// as its noise, into the first law's check and the entropy
    /// production's: an unresolved work cannot be told from 0 (as the
    /// built-in model reports it).
    pub fn judge(work: Work, hidden_cycle: bool, exchange: f64, heat_in: f64) -> (Hidden, Work) {
        let resolved = work.noise <= TOLERANCE_F64 * work.value.abs();
        if !hidden_cycle || resolved {
            return (Hidden::Resolved, work);
        }
        let unseen = work.value.abs() + work.noise;
        let negligible = unseen <= SNAP * exchange && heat_in > 0.0 && unseen <= SNAP * heat_in;
        let zero = Work {
            value: 0.0,
            noise: unseen,
        };
        match negligible {
            true => (Hidden::Negligible, zero),
            false => (Hidden::Unresolved, zero),
        }
    }
}
