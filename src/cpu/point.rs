//! All figures of one engine point at its operational steady state.

use serde::Serialize;

use super::engine::{Channel, Engine};
use super::extract::ergotropy;
use super::oss::{solve, OssOptions};
use super::propagate::Propagator;
use super::steady::ness;
use super::CVec;
use crate::error::Result;
use crate::model::closed_form;
use crate::model::rates::HotBath;
use crate::model::{EngineParams, ModelKind, Protocol};

/// Figures of the NESS (τ → ∞).
#[derive(Debug, Clone, Serialize)]
pub struct NessFigures {
    pub populations: [f64; 4],
    pub ergotropy: f64,
    /// Heat flux from bath A, Eq. 10 with ṙ = 0.
    pub heat_flux_a: f64,
}

/// The paper's short-cycle closed forms, Eqs. 14–16.
#[derive(Debug, Clone, Serialize)]
pub struct ShortCycleLimit {
    pub power: f64,
    #[serde(serialize_with = "crate::cpu::point::nan_as_null")]
    pub efficiency: f64,
}

/// Everything `nessbat point` reports.
#[derive(Debug, Clone, Serialize)]
pub struct PointFigures {
    /// Work extracted per cycle at the OSS (the ergotropy of ρ_OSS(τ) for
    /// the optimal protocol).
    pub ergotropy: f64,
    pub power: f64,
    /// η = ergotropy / heat_hot where heat_hot > 0, NaN otherwise.
    #[serde(serialize_with = "crate::cpu::point::nan_as_null")]
    pub efficiency: f64,
    pub heat_hot: f64,
    pub heat_a: f64,
    pub heat_s: f64,
    pub populations_passive: [f64; 4],
    pub populations_charged: [f64; 4],
    pub cycles: u64,
    pub ness: NessFigures,
    pub short_cycle_limit: ShortCycleLimit,
    /// Heat from pure dephasing per cycle (0 without dephasing).
    #[serde(skip)]
    pub heat_dephasing: f64,
    /// False when iteration hit its cycle limit.
    #[serde(skip)]
    pub converged: bool,
}

/// Serialises NaN as JSON null.
pub fn nan_as_null<S: serde::Serializer>(v: &f64, s: S) -> std::result::Result<S::Ok, S::Error> {
    if v.is_finite() {
        s.serialize_f64(*v)
    } else {
        s.serialize_none()
    }
}

/// Heat absorbed from `channel` over a stroke that starts in `start`.
fn stroke_heat(engine: &Engine, prop: &Propagator, start: &CVec, channel: Channel) -> f64 {
    engine
        .heat_functional(channel)
        .map_or(0.0, |h| Engine::observe(h, &(&prop.integral * start)))
}

/// Computes one point.
pub fn compute_point(
    params: &EngineParams,
    kind: ModelKind,
    protocol: Protocol,
    opts: &OssOptions,
) -> Result<PointFigures> {
    let engine = Engine::new(params, kind)?;
    let prop = Propagator::new(&engine.generator, params.tau);
    let oss = solve(&engine, &prop, protocol, opts)?;

    // Work per cycle = energy gained in the stroke, Tr[H(ρ(τ) − ρ(0))], from
    // the cancellation-free Φ − I: at short τ the two energies agree to
    // O(Γτ) and their difference would lose that many digits.
    let work = Engine::observe(&engine.energy, &(&prop.phi_minus_identity * &oss.start));
    let heat_a = stroke_heat(&engine, &prop, &oss.start, Channel::A);
    let heat_s = stroke_heat(&engine, &prop, &oss.start, Channel::S);
    let heat_dephasing = stroke_heat(&engine, &prop, &oss.start, Channel::Dephasing);
    let heat_hot = match engine.hot {
        HotBath::A => heat_a,
        HotBath::S => heat_s,
    };
    let efficiency = if heat_hot > 0.0 {
        work / heat_hot
    } else {
        f64::NAN
    };

    let rho_ness = ness(&engine)?;
    let ness_pops = engine.populations(&rho_ness);
    let ness_figures = NessFigures {
        populations: ness_pops,
        ergotropy: ergotropy(&engine, &rho_ness),
        heat_flux_a: engine
            .heat_functional(Channel::A)
            .map_or(0.0, |h| Engine::observe(h, &rho_ness)),
    };
    let r = &engine.rates;
    let short = ShortCycleLimit {
        power: closed_form::eq14_power(params.lambda, r),
        efficiency: closed_form::eq16_efficiency(params.omega0, params.lambda, r),
    };
    Ok(PointFigures {
        ergotropy: work,
        power: work / params.tau,
        efficiency,
        heat_hot,
        heat_a,
        heat_s,
        populations_passive: engine.populations(&oss.start),
        populations_charged: engine.populations(&oss.charged),
        cycles: oss.cycles,
        ness: ness_figures,
        short_cycle_limit: short,
        heat_dephasing,
        converged: oss.converged,
    })
}
