//! What the stages of a point (battery::point) share once its states are
//! solved: the battery's levels, the point's baths and rates and stroke
//! length ([`Scene`]), and the cycle it runs ([`Cycle`]).

use nalgebra::{DMatrix, DVector};

use super::cycle::Oss;
use super::generator::{blurred_flow, BathPoint};
use super::sensitivity::Moved;
use super::spectrum::Spectrum;
use super::stroke::Stroke;

/// A figure below its noise is an exact 0 only where that noise is below
/// SNAP of the sizes it is formed from (flows for a heat, the top energy
/// for a state's figure): the contract's negligible.
pub const SNAP: f64 = 1e-12;

/// A point's battery, baths and rates.
pub struct Scene<'a> {
    pub spectrum: &'a Spectrum,
    pub baths: &'a [BathPoint],
    /// Each bath's generator W_k, and their sum W.
    pub parts: &'a [DMatrix<f64>],
    pub w: &'a DMatrix<f64>,
    pub tau: f64,
    /// The levels' energies from the ground level, ascending.
    pub e: DVector<f64>,
    pub e_max: f64,
}

impl<'a> Scene<'a> {
    pub fn new(
        spectrum: &'a Spectrum,
        baths: &'a [BathPoint],
        parts: &'a [DMatrix<f64>],
        w: &'a DMatrix<f64>,
        tau: f64,
    ) -> Scene<'a> {
        Scene {
            spectrum,
            baths,
            parts,
            w,
            tau,
            e: DVector::from_column_slice(&spectrum.energies),
            e_max: spectrum.energies[spectrum.levels() - 1],
        }
    }

    pub fn levels(&self) -> usize {
        self.e.len()
    }

    /// The rates' error through the strengths' uncertainty (battery::
    /// spectrum), |δW x| row by row (generator::blurred_flow): added to
    /// the residuals the figures' bounds are formed from, and to the terms
    /// formed from W_k or C directly.
    pub fn blur(&self, x: &DVector<f64>) -> DVector<f64> {
        blurred_flow(self.spectrum, self.baths, x).unwrap_or_else(|| DVector::zeros(self.levels()))
    }

    /// A state's figure `v` with its `noise`: an exact 0 below that noise
    /// where the noise is negligible against the top energy (the charged
    /// state's capacity, 0 only for the maximally mixed state; the NESS's
    /// ergotropy, 0 where it is passive to within its error).
    pub fn snap(&self, v: f64, noise: f64) -> f64 {
        if v.abs() <= noise && noise <= SNAP * self.e_max {
            0.0
        } else {
            v
        }
    }

    /// What the baths could move in a stroke: the top energy times each
    /// bath's fastest rate, over τ.
    pub fn exchange(&self) -> f64 {
        self.e_max * self.tau * self.parts.iter().map(fastest_rate).sum::<f64>()
    }
}

/// A generator's fastest rate, max_i |W_ii|.
pub fn fastest_rate(wk: &DMatrix<f64>) -> f64 {
    (0..wk.nrows())
        .map(|i| wk[(i, i)].abs())
        .fold(0.0, f64::max)
}

/// The cycle a point runs: its stroke and OSS, the states it is judged on
/// (after extraction `p`, charged `q`; both the NESS where the extraction
/// is the identity) with their solve's error per population, and what the
/// stroke moves from `p`.
pub struct Cycle<'a> {
    pub stroke: &'a Stroke,
    pub oss: &'a Oss,
    pub p: &'a DVector<f64>,
    pub q: &'a DVector<f64>,
    pub error: f64,
    /// C p, and |C| |p| row by row.
    pub moved: Moved,
    /// C p's own error, relative to `moved.size` and absolute
    /// (Stroke::change_error).
    pub change_error: (f64, f64),
    /// What δW moves over the stroke, ‖δC p‖₁ ≈ ‖δW F p‖₁ to first order
    /// (e^{W(τ−s)} is stochastic and keeps its L1 size): per pair of
    /// levels its current over the stroke, which for a near-degenerate
    /// pair relaxing at Γ T/ω is the populations it moves, not τ times
    /// its rate (τ · max_s |δW x(s)| flagged every near-degenerate pair
    /// split by 1e-10 … 1e-7, right to 1e-7 by a 40-digit reference).
    pub drift: f64,
}

impl<'a> Cycle<'a> {
    pub fn new(
        scene: &Scene,
        stroke: &'a Stroke,
        oss: &'a Oss,
        (p, q, error): (&'a DVector<f64>, &'a DVector<f64>, f64),
    ) -> Cycle<'a> {
        let drift = match scene.spectrum.uncertain.is_empty() {
            true => 0.0,
            false => scene.blur(&(&stroke.integral * p)).sum(),
        };
        Cycle {
            stroke,
            oss,
            p,
            q,
            error,
            moved: Moved::of(stroke, p),
            change_error: stroke.change_error(scene.w, scene.tau, p),
            drift,
        }
    }
}
