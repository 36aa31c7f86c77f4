//! One point as `nessbat point` reports it: the f64 reference
//! ([`crate::oracle::compute_point`]), and, where its own estimate flags
//! it, the rescue: the same point through the kernels' twin in
//! double-double arithmetic ([`super::cpu::rescue`]). Where that resolves
//! the point to the contract, its figures replace the reference's ledger
//! (ergotropy, power, efficiency, heats, entropy production, estimate,
//! status) and `rescued` says so; the populations stay the reference's.

use crate::config::SweepConfig;
use crate::error::Result;
use crate::grid::Grid;
use crate::model::params::{Bath, Baths};
use crate::model::{EngineParams, ModelKind, Protocol};
use crate::oracle::oss::OssOptions;
use crate::oracle::{compute_point, PointFigures};
use nessbat_kernels::layout::Status;
use nessbat_kernels::trust::PointStatus;
use nessbat_kernels::Named;
use nessbat_kernels::Quantity;

/// The point's figures, rescued in double-double where f64 flags them.
pub fn point(
    params: &EngineParams,
    kind: ModelKind,
    protocol: Protocol,
    opts: &OssOptions,
) -> Result<PointFigures> {
    let mut f = compute_point(params, kind, protocol, opts)?;
    if f.status == PointStatus::NotConverged {
        return Ok(f);
    }
    let Some(grid) = one_point_grid(params, kind, protocol) else {
        return Ok(f);
    };
    if f.status == PointStatus::Ok {
        // The reference and the kernels' twin are independent codes: where
        // both say ok they must agree to the contract. Where they do not,
        // one of them is wrong beyond its own estimate (found: fixed gates
        // with detuning at ΣΓτ ~ 1e-11, where the reference's solve is off
        // by 2e-3), and double-double decides.
        let twin = super::cpu::rescue::twin_point(&grid, 0);
        if !Status::Converged.in_word(twin.status) || agrees(&f, &twin) {
            return Ok(f);
        }
    }
    let o = super::cpu::rescue::rescue_point(&grid, 0);
    if !Status::Converged.in_word(o.status) {
        // Unresolved: the reference's figures, flagged.
        f.status = PointStatus::Imprecise;
        return Ok(f);
    }
    // The kernels' flags as the store writes them (NaN where undefined).
    let mut res = crate::store::SweepResults::new(vec![1], true, grid.outputs);
    super::cpu::rescue::store_output(&mut res, 0, &o);
    let v = |q: Quantity| res.values(q)[0];
    f.ergotropy = v(Quantity::Ergotropy);
    f.power = v(Quantity::Power);
    f.efficiency = v(Quantity::Efficiency);
    f.heat_hot = v(Quantity::HeatHot);
    f.heat_a = v(Quantity::HeatA);
    f.heat_s = v(Quantity::HeatS);
    f.heat_dephasing = v(Quantity::HeatDephasing);
    f.heat_in = v(Quantity::HeatIn);
    f.entropy_production = v(Quantity::EntropyProduction);
    f.error_estimate = v(Quantity::ErrorEstimate);
    f.status = PointStatus::Ok;
    f.rescued = true;
    Ok(f)
}

/// The reference's ledger and the twin's agree to the f64 contract (1e-6
/// relative; exact zeros only with exact zeros or figures within 1e-6 of
/// the ledger's scale, the largest heat).
fn agrees(f: &PointFigures, twin: &nessbat_kernels::PointOutput) -> bool {
    use nessbat_kernels::trust::TOLERANCE_F64;
    let scale = f
        .heat_a
        .abs()
        .max(f.heat_s.abs())
        .max(f.heat_dephasing.abs());
    [
        (f.ergotropy, twin.real[Quantity::Ergotropy as usize]),
        (f.heat_a, twin.real[Quantity::HeatA as usize]),
        (f.heat_s, twin.real[Quantity::HeatS as usize]),
        (
            f.heat_dephasing,
            twin.real[Quantity::HeatDephasing as usize],
        ),
    ]
    .iter()
    .all(|&(a, b)| {
        let gap = (a - b).abs();
        if a == 0.0 || b == 0.0 {
            gap <= TOLERANCE_F64 * scale
        } else {
            gap <= 2.0 * TOLERANCE_F64 * a.abs().max(b.abs())
        }
    })
}

/// `params` as a one-point sweep, or None where a sweep config cannot say
/// it (the physical implementation's pump and decays).
fn one_point_grid(params: &EngineParams, kind: ModelKind, protocol: Protocol) -> Option<Grid> {
    let bath = |b: &str, bath: &Bath| match *bath {
        Bath::Thermal {
            temperature,
            gamma0,
        } => format!("t_{b} = {temperature:e}\ngamma_{b} = {gamma0:e}\n"),
        Bath::Rates { up, down } => format!("rate_{b}_up = {up:e}\nrate_{b}_down = {down:e}\n"),
    };
    let Baths::Separate { a, s } = &params.baths else {
        return None;
    };
    let text = format!(
        "model = \"{}\"\nprotocol = \"{}\"\nrates = \"{}\"\n[fixed]\nomega0 = {:e}\nlambda = {:e}\ntau = {:e}\n{}{}{}{}",
        kind.name(),
        protocol.name(),
        params.rate_kind.name(),
        params.omega0,
        params.lambda,
        params.tau,
        optional("detuning", params.detuning),
        optional("dephasing", params.dephasing),
        bath("a", a),
        bath("s", s),
    );
    Grid::new(SweepConfig::parse(&text, "point").ok()?).ok()
}

/// `key = value` where the value is not 0 (the population model refuses
/// detuning and dephasing keys altogether).
fn optional(key: &str, value: f64) -> String {
    if value == 0.0 {
        String::new()
    } else {
        format!("{key} = {value:e}\n")
    }
}
