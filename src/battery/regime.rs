//! What kind of cycle a point runs, decided before any figure is summed:
//! none at all (equal temperatures, or an extraction that moves nothing
//! at the NESS), a real one, or a real one hidden under rounding.

use nalgebra::DVector;

use super::cycle::{permute, Oss};
use super::passive::NessErgotropy;
use super::scene::Scene;
use super::structure::no_current_by_structure;
use nessbat_kernels::layout::OSS_TIE;

#[derive(Debug, Clone, Copy)]
pub struct Regime {
    /// Every bath with rates at one temperature: the Gibbs state is
    /// stationary bath by bath (detailed balance), passive, and the OSS;
    /// no heat flows and no work is done, exactly.
    pub equal: bool,
    /// The extraction is the identity (or swaps only populations equal to
    /// rounding) at a NESS that is the OSS: nothing runs.
    pub identity: bool,
    /// The order moves nothing, but the NESS is active under several
    /// baths: a real cycle whose work may be below f64's resolution.
    pub hidden_cycle: bool,
    /// No bath can carry a current by structure
    /// (structure::no_current_by_structure).
    pub no_flow: bool,
}

impl Regime {
    /// The regime of the point in `scene` with OSS `oss`, NESS `ness` and
    /// the NESS's ergotropy `ness_ergotropy` (as summed, with its noise
    /// and passive state) and `snapped` (its reported value).
    pub fn of(
        scene: &Scene,
        oss: &Oss,
        ness: &DVector<f64>,
        ness_ergotropy: &NessErgotropy,
        snapped: f64,
    ) -> Regime {
        let (parts, baths) = (scene.parts, scene.baths);
        // Only baths with rates count: one at Γ = 0 (or whose coupling
        // reaches no transition) moves nothing, whatever its temperature
        // (found: such a bath beside one live bath flagged the exact zeros
        // imprecise).
        let live: Vec<usize> = (0..parts.len())
            .filter(|&k| parts[k].iter().any(|x| *x != 0.0))
            .collect();
        let equal = live
            .iter()
            .all(|&k| baths[k].temperature == baths[live[0]].temperature);
        let eps = f64::EPSILON;
        // Exactly 0 where the extraction is the identity: nothing runs. So
        // too where the order only swaps populations equal to rounding,
        // which moves nothing (found: 1e-17 of "work", even negative, at
        // status ok, from a single bath whose upper levels' populations
        // tied).
        let charged = &oss.charged;
        let tie = OSS_TIE * eps * charged.amax();
        let moves_nothing = (permute(charged, &oss.order) - charged).amax() <= tie;
        // An order that moves nothing while the NESS is active (not
        // passive) under several baths: the true OSS runs a real cycle,
        // since the identity's fixed point would be that NESS, which the
        // extraction would then act on; its populations differ by less
        // than their rounding against the largest, a work that may be
        // below f64's resolution. Active: an inversion between populations
        // that differ by more than their own rounding (found: the maser at
        // T_h = 0.03, whose NESS ergotropy of 2e-15 is below its noise
        // while p_2 ≫ p_1). Such a cycle is solved as any other (its heats
        // are the cycle's, not the NESS's currents: found off by 1e-4 of a
        // small heat, taken from the NESS); whether its work is resolved,
        // negligible, or neither is decided once the heats are known
        // (battery::work). A passive NESS is the OSS of the identity, whose
        // work is an exact 0; so is a single bath's.
        let inverted = snapped > 0.0
            || (ness_ergotropy.raw > 0.0
                && ness
                    .iter()
                    .zip(ness_ergotropy.passive.iter())
                    .any(|(a, b)| (a - b).abs() > OSS_TIE * eps * a.abs().max(b.abs())));
        let hidden_cycle = moves_nothing && !equal && live.len() > 1 && inverted;
        Regime {
            equal,
            identity: equal || (moves_nothing && !hidden_cycle),
            hidden_cycle,
            no_flow: no_current_by_structure(parts, baths),
        }
    }

    /// No heat flows, exactly: equal temperatures, or a single bath (or
    /// baths that form no loop) at its own NESS, which exchanges no net
    /// heat (E · W p = 0 with W p = 0), whatever loops its rates make.
    /// Otherwise heats vanish only by structure, or are the NESS's
    /// currents, which are reported or flagged, never rounded to 0 (found:
    /// currents of 1e-9 near equal temperatures reported as 0 at status
    /// ok).
    pub fn no_current(&self) -> bool {
        self.equal || (self.identity && self.no_flow)
    }
}
