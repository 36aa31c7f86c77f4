//! All figures of one engine point at its operational steady state.

use serde::Serialize;

use crate::error::Result;
use crate::model::closed_form;
use crate::model::rates::{bath_temperatures, HotBath};
use crate::model::{EngineParams, ModelKind, Protocol, RateKind, Rates};
use crate::oracle::engine::{diag_index, Channel, Engine};
use crate::oracle::extract::{descending_order, ergotropy, extract};
use crate::oracle::oss::{solve, OssOptions};
use crate::oracle::propagate::Propagator;
use crate::oracle::steady::ness;
use crate::oracle::{CVec, C64};
use nessbat_kernels::trust::{self, settle, PointStatus, RawCycle};

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
    #[serde(serialize_with = "crate::oracle::point::nan_as_null")]
    pub efficiency: f64,
}

/// Everything `nessbat point` reports.
#[derive(Debug, Clone, Serialize)]
pub struct PointFigures {
    /// Work extracted per cycle at the OSS (the ergotropy of ρ_OSS(τ) for
    /// the optimal protocol; for a fixed gate the work it extracts, negative
    /// where the gate costs work).
    pub ergotropy: f64,
    pub power: f64,
    /// η = ergotropy / heat_in where heat_in > 0, NaN otherwise.
    #[serde(serialize_with = "crate::oracle::point::nan_as_null")]
    pub efficiency: f64,
    /// Heat from the hotter bath (the paper's Q_hot; see `hot_bath`).
    pub heat_hot: f64,
    pub heat_a: f64,
    pub heat_s: f64,
    /// Heat from pure dephasing per cycle (0 without dephasing).
    pub heat_dephasing: f64,
    /// Sum of the positive heats over all channels.
    pub heat_in: f64,
    /// −Σ_k Q_k/T_k over thermal baths; NaN (null) unless both are thermal.
    #[serde(serialize_with = "crate::oracle::point::nan_as_null")]
    pub entropy_production: f64,
    /// "ok", "imprecise" or "not_converged".
    pub status: PointStatus,
    /// Estimated relative error of the ergotropy (and heat_in).
    #[serde(serialize_with = "crate::oracle::point::nan_as_null")]
    pub error_estimate: f64,
    /// How thermal baths set their rates ("eq9" or "kms" in JSON).
    pub rates: RateKind,
    pub populations_passive: [f64; 4],
    pub populations_charged: [f64; 4],
    pub cycles: u64,
    pub ness: NessFigures,
    /// Eqs. 14–16 where they describe a working engine (Eq. 9 rates,
    /// K > 0 and Σ Γ− > Σ Γ+); null elsewhere.
    pub short_cycle_limit: Option<ShortCycleLimit>,
    /// False when iteration hit its cycle limit.
    #[serde(skip)]
    pub converged: bool,
    /// f64 flagged the point and double-double arithmetic resolved it:
    /// the ledger figures are the rescue's (`backend::point`).
    #[serde(rename = "rescued_in_double_double")]
    pub rescued: bool,
}

impl PointFigures {
    /// The figures in the kernels' output order ([`nessbat_kernels::OUTPUT_NAMES`]),
    /// so that a reference point reads like one of a sweep.
    pub fn outputs(&self) -> [f64; nessbat_kernels::N_OUTPUTS] {
        use nessbat_kernels::Quantity as Q;
        Q::ALL.map(|q| match q {
            Q::Ergotropy => self.ergotropy,
            Q::Power => self.power,
            Q::Efficiency => self.efficiency,
            Q::HeatHot => self.heat_hot,
            Q::HeatA => self.heat_a,
            Q::HeatS => self.heat_s,
            Q::NessErgotropy => self.ness.ergotropy,
            Q::HeatDephasing => self.heat_dephasing,
            Q::HeatIn => self.heat_in,
            Q::EntropyProduction => self.entropy_production,
            Q::ErrorEstimate => self.error_estimate,
        })
    }
}

/// Serialises NaN and infinities as JSON null.
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

/// Eqs. 14–16, where they describe a working engine.
fn short_cycle(params: &EngineParams, r: &Rates) -> Option<ShortCycleLimit> {
    let k = closed_form::eq14_k(r);
    let drain = r.a_down + r.s_down - r.a_up - r.s_up;
    let applies = params.rate_kind == RateKind::Eq9 || params.lambda == 0.0;
    (applies && k > 0.0 && drain > 0.0).then(|| ShortCycleLimit {
        power: closed_form::eq14_power(params.lambda, r),
        efficiency: closed_form::eq16_efficiency(params.omega0, params.lambda, r),
    })
}

/// Computes one point.
pub fn compute_point(
    params: &EngineParams,
    kind: ModelKind,
    protocol: Protocol,
    opts: &OssOptions,
) -> Result<PointFigures> {
    let engine = Engine::new(params, kind)?;
    let rho_ness = ness(&engine)?;
    let prop = Propagator::with_limit(&engine.generator, params.tau, &rho_ness, &engine.trace);
    let mut oss = solve(&engine, &prop, protocol, opts)?;
    let last = extract(&engine, &oss.charged, protocol);
    // Passive: sorted populations and nothing for the unitary to rotate
    // (no coherence, which the population model has none of).
    let passive = protocol == Protocol::Optimal
        && descending_order(&engine.populations(&oss.charged)) == [0, 1, 2, 3]
        && off_diagonal_zero(&engine, &oss.charged)
        && trust::passive_certain(
            &engine.populations(&last.after),
            &engine.energies,
            f64::EPSILON,
        );
    let ratetau = (engine.transitions.total() + params.dephasing) * params.tau;
    let half_split = engine.half_split;

    // Work per cycle = energy gained in the stroke, e·Δ, Δ = (Φ − I)ρ_OSS
    // from the cancellation-free Φ − I, with e = ω0 n + r(0, −1, 1, 0): at
    // the OSS n·Δ is exactly zero when the unitary keeps the excitation
    // number, and r(Δ_A − Δ_S) has no cancellation, where e·Δ would lose
    // ω0Γτ/E digits.
    let delta = engine.populations(&(&prop.phi_minus_identity * &oss.start));
    let n_delta = if last.keeps_n {
        0.0
    } else {
        delta[1] + delta[2] + 2.0 * delta[3]
    };
    let raw_work = params.omega0 * n_delta + half_split * (delta[2] - delta[1]);
    let mut raw = RawCycle {
        work: raw_work,
        heat_a: stroke_heat(&engine, &prop, &oss.start, Channel::A),
        heat_s: stroke_heat(&engine, &prop, &oss.start, Channel::S),
        heat_dephasing: stroke_heat(&engine, &prop, &oss.start, Channel::Dephasing),
        work_noise: trust::work_noise(
            f64::EPSILON,
            params.omega0,
            half_split,
            ratetau,
            &delta,
            last.keeps_n,
            trust::work_noise_factor(f64::EPSILON, kind == ModelKind::DensityMatrix),
        ) + trust::gate_mixing_noise(
            f64::EPSILON,
            protocol != Protocol::Optimal && kind == ModelKind::DensityMatrix,
            params.detuning,
            half_split,
        ),
        heat_noise: [
            engine.transitions.a.total(),
            engine.transitions.s.total(),
            params.dephasing,
        ]
        .map(|rate| trust::heat_noise(f64::EPSILON, params.omega0, rate * params.tau)),
        passive,
        optimal: protocol == Protocol::Optimal,
        coherent: kind == ModelKind::DensityMatrix,
        consistency: trust::consistency(oss.same_map, oss.residual, &delta).max(
            trust::gate_conditioning(
                f64::EPSILON,
                protocol != Protocol::Optimal,
                kind == ModelKind::DensityMatrix,
                ratetau,
            ),
        ),
        // f64 has no floor of its own (`coarse_floor` is 0 there).
        floor: 0.0,
        betas: bath_temperatures(params).map(|(ta, ts)| (1.0 / ta, 1.0 / ts)),
        eps: f64::EPSILON,
    };
    if passive {
        // A passive charged state is its own OSS: the cycle is the NESS
        // standing still, and its heats are τ times the NESS fluxes.
        oss.start = rho_ness.clone();
        oss.charged = rho_ness.clone();
        raw.heat_a = stroke_heat(&engine, &prop, &rho_ness, Channel::A);
        raw.heat_s = stroke_heat(&engine, &prop, &rho_ness, Channel::S);
        raw.heat_dephasing = stroke_heat(&engine, &prop, &rho_ness, Channel::Dephasing);
    }
    let ledger = settle(&raw);
    let heat_hot = match engine.hot {
        HotBath::A => ledger.heat_a,
        HotBath::S => ledger.heat_s,
    };

    let ness_pops = engine.populations(&rho_ness);
    let ness_figures = NessFigures {
        populations: ness_pops,
        ergotropy: ergotropy(&engine, &rho_ness).max(0.0),
        heat_flux_a: engine
            .heat_functional(Channel::A)
            .map_or(0.0, |h| Engine::observe(h, &rho_ness)),
    };
    Ok(PointFigures {
        ergotropy: ledger.work,
        power: ledger.work / params.tau,
        efficiency: ledger.efficiency,
        heat_hot,
        heat_a: ledger.heat_a,
        heat_s: ledger.heat_s,
        heat_dephasing: ledger.heat_dephasing,
        heat_in: ledger.heat_in,
        entropy_production: ledger.entropy_production,
        status: trust::status(&ledger, oss.converged, trust::TOLERANCE_F64),
        error_estimate: ledger.error_estimate,
        rates: params.rate_kind,
        populations_passive: engine.populations(&oss.start),
        populations_charged: engine.populations(&oss.charged),
        cycles: oss.cycles,
        ness: ness_figures,
        short_cycle_limit: short_cycle(params, &engine.rates),
        converged: oss.converged,
        rescued: false,
    })
}

/// Every entry of `x` off the populations is exactly zero.
fn off_diagonal_zero(engine: &Engine, x: &CVec) -> bool {
    let diag: Vec<usize> = (0..4).map(|i| diag_index(engine.kind, i)).collect();
    x.iter()
        .enumerate()
        .all(|(k, v)| diag.contains(&k) || *v == C64::new(0.0, 0.0))
}
