//! Heat currents that are a tiny part of the flows they are the balance
//! of: near equal temperatures, or beside a bath decades weaker than the
//! others. Where nothing is extracted the heats are τ times the NESS's
//! currents; formed as a deviation from a Gibbs state
//! (src/battery/current.rs), they must be ok and right against the
//! double-double reference (tests/common/reference.rs), and each figure's
//! true error within the point's own estimate.

mod common;

use common::batteries::one_point;
use common::matrix_battery;
use common::reference::{reference, Reference};

use nessbat::battery::{BathPoint, Battery, BatteryFigures, BatteryStatus, Spectrum};
use std::collections::BTreeMap;

const ENERGIES: [f64; 3] = [0.0, 0.4, 1.0];

/// A three-level battery with baths given as couplings in its level
/// basis, at the baths' (temperature, Γ): its figures, and the
/// reference's.
fn loop_point(
    couplings: &[(&str, Vec<Vec<f64>>)],
    baths: &[(f64, f64)],
    tau: f64,
) -> (BatteryFigures, Reference) {
    let h = (0..3)
        .map(|i| {
            (0..3)
                .map(|j| if i == j { ENERGIES[i] } else { 0.0 })
                .collect()
        })
        .collect();
    let battery = Battery::new(&matrix_battery(h, couplings), &BTreeMap::new()).unwrap();
    let spectrum = Spectrum::of(&battery);
    let names: Vec<&str> = couplings.iter().map(|(n, _)| *n).collect();
    let f = one_point(&spectrum, &names, baths, tau);
    let x: Vec<_> = couplings.iter().map(|(_, x)| x.clone()).collect();
    let points: Vec<BathPoint> = baths
        .iter()
        .map(|&(temperature, gamma)| BathPoint { temperature, gamma })
        .collect();
    let r = reference(&ENERGIES, &x, &points, tau, None).expect("the reference's OSS");
    (f, r)
}

/// Ok, nothing extracted, and every heat and the entropy production
/// within 1e-6 of the reference and within the point's own estimate
/// (with 1e-15 for the reference's own rounding).
fn check(what: &str, f: &BatteryFigures, r: &Reference) {
    assert_eq!(f.status, BatteryStatus::Ok, "{what}: {:?}", f.message);
    assert_eq!(f.ergotropy, 0.0, "{what}: nothing is extracted");
    let figures = f
        .heats
        .iter()
        .zip(&r.heats)
        .map(|(h, want)| (format!("heat_{}", h.name), h.heat, *want))
        .chain([(
            "entropy_production".to_string(),
            f.entropy_production,
            r.entropy_production,
        )]);
    for (name, got, want) in figures {
        let off = (got - want).abs() / want.abs();
        assert!(
            off <= 1e-6 && off <= f.error_estimate + 1e-15,
            "{what}: {name} {got:e}, reference {want:e}: off by {off:e}, estimate {:e}",
            f.error_estimate
        );
    }
}

#[test]
fn a_weak_cold_bath_beside_two_hot_ones_gives_its_currents_right() {
    // Found flagged over most of a Γ grid (170 of 400 points of a random
    // 3-bath battery), heats off by up to 1e-3 where Γ_cold ≤ 1e-7: the
    // currents, ∝ Γ_cold, were summed from a NESS within ε of the hot
    // Gibbs state, keeping ε/Γ_cold of themselves.
    let all = vec![
        vec![0.0, 1.0, 1.0],
        vec![1.0, 0.0, 1.0],
        vec![1.0, 1.0, 0.0],
    ];
    let ladder = vec![
        vec![0.0, 1.0, 0.0],
        vec![1.0, 0.0, 1.0],
        vec![0.0, 1.0, 0.0],
    ];
    let couplings = [
        ("h", all),
        ("c", ladder),
        ("m", common::batteries::transition(3, 0, 2)),
    ];
    for g_cold in [1e-12, 1e-9, 1e-6, 1e-3] {
        let (f, r) = loop_point(&couplings, &[(1.0, g_cold), (5.0, 1e-2), (5.0, 0.1)], 100.0);
        check(&format!("Γ_cold {g_cold:e}"), &f, &r);
    }
}

#[test]
fn temperatures_nearly_equal_give_their_currents_and_entropy_right() {
    // Found flagged from T_h/T_c = 1 + 1e-7 (estimates 2e-6 … 2e-2),
    // and, once the heats were resolved, an entropy production off by
    // 1e-9 at 1 + 1e-9 under an estimate of 1e-12: β_h − β_c as a
    // difference of rounded inverses.
    let couplings = [
        ("h", common::batteries::transition(3, 0, 2)),
        (
            "c",
            vec![
                vec![0.0, 1.0, 0.0],
                vec![1.0, 0.0, 1.0],
                vec![0.0, 1.0, 0.0],
            ],
        ),
    ];
    for apart in [1e-3, 1e-5, 1e-7, 1e-9, 1e-11] {
        let (f, r) = loop_point(&couplings, &[(1.0 + apart, 1e-2), (1.0, 0.1)], 100.0);
        check(&format!("T_h = 1 + {apart:e}"), &f, &r);
    }
}

#[test]
fn trace_gives_the_points_currents_near_equal_temperatures() {
    // Found: the trace's one row (the NESS is the OSS) gave heats of
    // ±2.5957697e-10 where the point and the reference give ±2.5957703e-10
    // (2.4e-7 off): its currents were summed from the NESS as solved.
    let text = r#"model = "populations"
[battery]
hamiltonian = [[0.0, 0.0, 0.0], [0.0, 0.4, 0.0], [0.0, 0.0, 1.0]]
[[battery.baths]]
name = "h"
coupling = [[0.0, 0.0, 1.0], [0.0, 0.0, 0.0], [1.0, 0.0, 0.0]]
[[battery.baths]]
name = "c"
coupling = [[0.0, 1.0, 0.0], [1.0, 0.0, 1.0], [0.0, 1.0, 0.0]]
[fixed]
t_h = 1.000000001
gamma_h = 0.01
t_c = 1.0
gamma_c = 0.1
tau = 100.0
"#;
    let (_, rows, _) =
        common::batteries::battery_trace("battery_currents", "near_equal.toml", text);
    let f = common::batteries::from_toml(text).unwrap().figures();
    assert_eq!(f.status, BatteryStatus::Ok, "{:?}", f.message);
    assert_eq!(rows.len(), 1, "the NESS is the OSS: {rows:?}");
    for (k, h) in f.heats.iter().enumerate() {
        common::close(
            &format!("heat_{}", h.name),
            rows[0][2 + k],
            h.heat,
            1e-12,
            0.0,
        );
    }
}
