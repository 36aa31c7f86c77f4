//! The trust contract at one point (`nessbat point`'s f64 reference):
//! exact zeros where nothing runs, the heat ledger and the first law, the
//! KMS rates and the second law, and points flagged where they cannot be
//! resolved. Independent checks: closed forms (Eq. 14, the NESS
//! ergotropy), the first and second laws, and the Carnot bound.

mod common;

use nessbat::backend::Progress;
use nessbat::kernels::trust::PointStatus;
use nessbat::model::params::Baths;
use nessbat::model::{closed_form, EngineParams, ModelKind, Protocol, RateKind, Rates};
use nessbat::oracle::oss::OssOptions;
use nessbat::oracle::{compute_point, PointFigures};

fn point(p: &EngineParams, kind: ModelKind) -> PointFigures {
    compute_point(p, kind, Protocol::Optimal, &OssOptions::default()).unwrap()
}

fn with(t_a: f64, t_s: f64, gamma: f64, lambda: f64, tau: f64, rates: RateKind) -> EngineParams {
    EngineParams {
        rate_kind: rates,
        ..common::thermal(t_a, t_s, gamma, gamma, lambda, tau)
    }
}

/// E = Q_A + Q_S + Q_deph to rounding (relative to the largest heat).
fn first_law(f: &PointFigures) -> f64 {
    let scale = f
        .heat_a
        .abs()
        .max(f.heat_s.abs())
        .max(f.heat_dephasing.abs());
    (f.ergotropy - f.heat_a - f.heat_s - f.heat_dephasing).abs() / scale.max(f64::MIN_POSITIVE)
}

#[test]
fn nothing_runs_at_equal_temperatures_and_balanced_rates() {
    let f = point(
        &with(1.0, 1.0, 1e-3, 0.01, 0.01, RateKind::Eq9),
        ModelKind::Populations,
    );
    assert_eq!(
        (f.ergotropy, f.heat_a, f.heat_s, f.heat_in),
        (0.0, 0.0, 0.0, 0.0)
    );
    assert!(f.efficiency.is_nan());
    // An exact zero, +0 (not −0, which prints as "-0.0").
    assert_eq!(f.entropy_production.to_bits(), 0.0f64.to_bits());
    assert_eq!(f.status, PointStatus::Ok);
    // Explicit rates with Γ+/Γ− equal in both baths: no gradient.
    let p = common::explicit([1e-4, 1e-3, 3.5e-4, 3.5e-3], 0.01, 150.0);
    let f = point(&p, ModelKind::Populations);
    assert_eq!(f.ergotropy, 0.0);
    assert!(f.efficiency.is_nan());
}

#[test]
fn reversed_gradient_is_passive_with_heat_flowing() {
    let f = point(
        &with(0.1, 2.0, 1e-3, 0.01, 0.01, RateKind::Eq9),
        ModelKind::Populations,
    );
    assert_eq!(f.ergotropy, 0.0);
    assert_eq!(f.efficiency, 0.0);
    assert!(f.heat_s > 0.0 && f.heat_in == f.heat_s);
    assert_eq!(f.populations_passive, f.ness.populations);
    assert!(f.short_cycle_limit.is_none());
}

#[test]
fn efficiency_never_exceeds_one_when_both_baths_give_heat() {
    // The paper's implementation flags: both baths supply heat.
    let p = EngineParams {
        tau: 10.0,
        baths: Baths::Physical {
            pump: 1e-3,
            local_decay: 1e-4,
            collective_decay: 1e-4,
        },
        ..EngineParams::default()
    };
    let f = point(&p, ModelKind::Populations);
    assert!(f.heat_a > 0.0 && f.heat_s > 0.0);
    assert!(f.efficiency <= 1.0 + 1e-12, "{}", f.efficiency);
    assert!(first_law(&f) < 1e-12);
}

#[test]
fn first_law_holds_with_dephasing() {
    for rates in [RateKind::Eq9, RateKind::Kms] {
        let p = EngineParams {
            dephasing: 0.1,
            detuning: 0.02,
            rate_kind: rates,
            ..EngineParams::default()
        };
        let f = point(&p, ModelKind::DensityMatrix);
        assert!(f.heat_dephasing != 0.0);
        assert!(first_law(&f) < 1e-10, "{rates:?}: {}", first_law(&f));
        assert!(f.efficiency <= 1.0);
    }
}

#[test]
fn long_strokes_reach_the_ness_exactly() {
    for (kind, gamma, tau) in [
        (ModelKind::Populations, 1.0, 1e12),
        (ModelKind::DensityMatrix, 1.0, 1e12),
    ] {
        let f = point(&with(2.0, 0.1, gamma, 0.01, tau, RateKind::Eq9), kind);
        common::close(
            "E = NESS ergotropy",
            f.ergotropy,
            f.ness.ergotropy,
            1e-12,
            0.0,
        );
        assert_eq!(f.status, PointStatus::Ok);
    }
}

#[test]
fn tiny_strokes_agree_with_eq14() {
    // ΣΓτ ~ 1e-15: the OSS solve's condition number is ~1e15, which the
    // refinement of the fixed point recovers.
    let p = with(2.0, 0.1, 1e-9, 0.01, 1e-6, RateKind::Eq9);
    let f = point(&p, ModelKind::Populations);
    let want = closed_form::eq14_ergotropy(0.01, 1e-6, &Rates::from_params(&p));
    common::close("Eq. 14", f.ergotropy, want, 1e-6, 0.0);
    assert_eq!(f.status, PointStatus::Ok);
}

#[test]
fn unresolvable_points_are_flagged() {
    // n̄ ≈ 1000 at both baths: the gradient is 1e-6 of the rates.
    let f = point(
        &with(1000.0, 999.999, 1e-3, 0.01, 0.01, RateKind::Eq9),
        ModelKind::Populations,
    );
    assert_eq!(f.status, PointStatus::Imprecise);
}

#[test]
fn kms_rates_obey_the_second_law_and_carnot_everywhere() {
    // T_A × T_S through the diagonal, at a large coupling where Eq. 9 fails.
    let temps: Vec<f64> = (0..14).map(|k| 0.05 * 1.45f64.powi(k)).collect();
    let mut eq9_violations = 0;
    for &lambda in &[0.1, 0.5, 0.9] {
        for &ta in &temps {
            for &ts in &temps {
                for kind in [ModelKind::Populations, ModelKind::DensityMatrix] {
                    let f = point(&with(ta, ts, 1e-3, lambda, 0.5, RateKind::Kms), kind);
                    assert!(f.ergotropy >= 0.0);
                    let scale = f.heat_a.abs() / ta.min(ts);
                    assert!(
                        f.entropy_production >= -1e-9 * scale,
                        "σ = {} at T_A = {ta}, T_S = {ts}, λ = {lambda}",
                        f.entropy_production
                    );
                    if f.status == PointStatus::Ok && f.efficiency.is_finite() {
                        let carnot = 1.0 - ta.min(ts) / ta.max(ts);
                        assert!(
                            f.efficiency <= carnot + 1e-9,
                            "η = {} > {carnot}",
                            f.efficiency
                        );
                    }
                    assert!(
                        first_law(&f) < 1e-9 || f.heat_in == 0.0 || f.status != PointStatus::Ok,
                        "first law {} at T_A = {ta}, T_S = {ts}, λ = {lambda}, {kind:?}: {f:?}",
                        first_law(&f)
                    );
                }
                let f = point(
                    &with(ta, ts, 1e-3, lambda, 0.5, RateKind::Eq9),
                    ModelKind::Populations,
                );
                if f.entropy_production < 0.0 {
                    eq9_violations += 1;
                }
            }
        }
    }
    // Eq. 9 takes the Bose factor at ω0 for transitions at ω0 ± λ: it
    // breaks the second law somewhere on this grid.
    assert!(eq9_violations > 0);
}

#[test]
fn kms_reduces_to_eq9_as_lambda_vanishes() {
    let diff = |lambda: f64| {
        let a = point(
            &with(2.0, 0.1, 1e-3, lambda, 150.0, RateKind::Kms),
            ModelKind::Populations,
        );
        let b = point(
            &with(2.0, 0.1, 1e-3, lambda, 150.0, RateKind::Eq9),
            ModelKind::Populations,
        );
        (a.ergotropy / b.ergotropy - 1.0).abs()
    };
    let (d2, d3) = (diff(1e-2), diff(1e-3));
    // The rates differ at O(λ/T): the gap must shrink about tenfold.
    assert!(d3 < d2 / 5.0 && d3 < 1e-2, "{d2} {d3}");
}

#[test]
fn kms_sweeps_obey_the_second_law_and_carnot_at_every_point() {
    // The CPU backend over T_A × T_S (the diagonal band included) at four
    // couplings up to λ = 0.9; tests/gpu_backend.rs holds the GPU to it.
    use nessbat::backend::cpu;
    use nessbat::config::SweepConfig;
    use nessbat::grid::Grid;
    let path = "tests/configs/kms.toml";
    let g = Grid::new(SweepConfig::parse(&std::fs::read_to_string(path).unwrap(), path).unwrap())
        .unwrap();
    let res = cpu::run(&g, &Progress::NONE);
    use nessbat::kernels::Quantity;
    let (e, eta, qa, qs, sigma) = (
        res.values(Quantity::Ergotropy),
        res.values(Quantity::Efficiency),
        res.values(Quantity::HeatA),
        res.values(Quantity::HeatS),
        res.values(Quantity::EntropyProduction),
    );
    let mut ok = 0;
    for i in 0..res.len() {
        let p = g.point_params(i as u64);
        let (ta, ts) = nessbat::model::rates::bath_temperatures(&p).expect("thermal baths");
        assert!(e[i] >= 0.0);
        if res.status[i] != 0 {
            continue;
        }
        ok += 1;
        let scale = (qa[i] / ta).abs() + (qs[i] / ts).abs();
        assert!(sigma[i] >= -1e-9 * scale, "σ = {} at {p:?}", sigma[i]);
        if eta[i].is_finite() {
            let carnot = 1.0 - ta.min(ts) / ta.max(ts);
            assert!(
                eta[i] <= carnot * (1.0 + 1e-9),
                "η = {} > {carnot} at {p:?}",
                eta[i]
            );
        }
        let gap = (e[i] - qa[i] - qs[i]).abs();
        assert!(
            gap <= 1e-9 * qa[i].abs().max(qs[i].abs()).max(e[i]),
            "first law at {p:?}"
        );
    }
    assert!(ok * 4 >= 3 * res.len(), "only {ok} points ok");
}
