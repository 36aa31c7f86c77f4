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
/// (with 1e-15 for the reference's own rounding), or an exact 0 where the
/// reference's is its rounding.
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
        // An exact 0 against the reference's own rounding of one (these
        // batteries move O(0.1) of energy per stroke; double-double keeps
        // ~1e-32 of it).
        if got == 0.0 && want.abs() <= 1e-24 {
            continue;
        }
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

/// `trace ergotropy` of the config `text` (written as `name` in the
/// scratch folder of `group`) and its point: the point ok, the NESS its
/// OSS (one row), and the row's heats the point's to 1e-12; the point's
/// figures.
fn one_row_trace(group: &str, name: &str, text: &str) -> BatteryFigures {
    let (_, rows, _) = common::batteries::battery_trace(group, name, text);
    let f = common::batteries::from_toml(text).unwrap().figures();
    assert_eq!(f.status, BatteryStatus::Ok, "{name}: {:?}", f.message);
    assert_eq!(rows.len(), 1, "{name}: the NESS is the OSS: {rows:?}");
    for (k, h) in f.heats.iter().enumerate() {
        let what = format!("{name}: heat_{}", h.name);
        common::close(&what, rows[0][2 + k], h.heat, 1e-12, 0.0);
    }
    f
}

#[test]
fn trace_gives_the_points_currents_near_equal_temperatures() {
    // Found: the trace's one row (the NESS is the OSS) gave heats of
    // ±2.5957697e-10 where the point and the reference give ±2.5957703e-10
    // (2.4e-7 off): its currents were summed from the NESS as solved.
    let text = loop_config("0.4", ("1.000000001", "0.01"), ("1.0", "0.1"), "");
    one_row_trace("battery_currents", "near_equal.toml", &text);
}

/// Three levels (0, `e1`, 1): a hot bath on 0↔2 at (T_h, Γ_h) and a cold
/// one on the ladder 0↔1↔2 at (T_c, Γ_c), τ = 100; `extra` TOML lines
/// after them.
fn loop_config(
    e1: &str,
    (t_h, gamma_h): (&str, &str),
    (t_c, gamma_c): (&str, &str),
    extra: &str,
) -> String {
    format!(
        r#"model = "populations"
[battery]
hamiltonian = [[0.0, 0.0, 0.0], [0.0, {e1}, 0.0], [0.0, 0.0, 1.0]]
[[battery.baths]]
name = "h"
coupling = [[0.0, 0.0, 1.0], [0.0, 0.0, 0.0], [1.0, 0.0, 0.0]]
[[battery.baths]]
name = "c"
coupling = [[0.0, 1.0, 0.0], [1.0, 0.0, 1.0], [0.0, 1.0, 0.0]]
{extra}[fixed]
t_h = {t_h}
gamma_h = {gamma_h}
t_c = {t_c}
gamma_c = {gamma_c}
tau = 100.0
"#
    )
}

#[test]
fn a_hot_reference_bath_keeps_the_direct_currents_in_point_and_trace() {
    // Found (review): with the hot bath at T = 1e20 (Γ = 1e-18) the
    // fastest, its Gibbs state the reference, the cold bath's rates at
    // that temperature dwarf its own, and the Gibbs form cancels them:
    // `trace` took it everywhere and gave heat_h 8450 where the point and
    // a 60-digit reference give 0.333311221627014. Both now take the
    // surer form bath by bath.
    for (t_h, gamma_h) in [("1e20", "1e-18"), ("1e10", "1e-8")] {
        let text = loop_config("0.001", (t_h, gamma_h), ("0.1", "0.01"), "");
        let f = one_row_trace("battery_currents_hot", &format!("hot_{t_h}.toml"), &text);
        // Against the double-double reference: the heats to 1e-6, and
        // within the point's estimate.
        let t_h: f64 = t_h.parse().unwrap();
        let gamma_h: f64 = gamma_h.parse().unwrap();
        let x = [
            common::batteries::transition(3, 0, 2),
            vec![
                vec![0.0, 1.0, 0.0],
                vec![1.0, 0.0, 1.0],
                vec![0.0, 1.0, 0.0],
            ],
        ];
        let baths = [(t_h, gamma_h), (0.1, 0.01)]
            .map(|(temperature, gamma)| BathPoint { temperature, gamma });
        let r =
            reference(&[0.0, 0.001, 1.0], &x, &baths, 100.0, None).expect("the reference's OSS");
        for (h, want) in f.heats.iter().zip(&r.heats) {
            let off = (h.heat - want).abs() / want.abs();
            assert!(
                off <= 1e-6 && off <= f.error_estimate + 1e-15,
                "T_h {t_h:e}: heat_{} {:e}, reference {want:e}, estimate {:e}",
                h.name,
                h.heat,
                f.error_estimate
            );
        }
    }
}

#[test]
fn temperatures_beyond_each_others_range_give_a_finite_entropy_production() {
    // Found (review): β_c − β_h formed as (T_h − T_c)/T_c/T_h overflowed
    // for T_h = 1e300 beside T_c = 1e-9 (inf at status ok), and gave NaN
    // beside a Γ = 0 bath at T = 1e-9. Checked by hand: −Σ Q_k/T_k, whose
    // terms here do not cancel (the cold bath's dominates).
    let cases = [
        loop_config("0.001", ("1e300", "1e-298"), ("1e-9", "0.01"), ""),
        loop_config(
            "0.001",
            ("1e300", "1e-300"),
            ("0.1", "0.01"),
            "[[battery.baths]]\nname = \"z\"\ncoupling = [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0]]\n",
        )
        .replace("tau = 100.0", "tau = 100.0\nt_z = 1e-9\ngamma_z = 0.0"),
    ];
    for text in cases {
        let point = common::batteries::from_toml(&text).unwrap();
        let f = point.figures();
        assert_eq!(f.status, BatteryStatus::Ok, "{:?}", f.message);
        let temperatures: Vec<f64> = point.baths.iter().map(|b| b.temperature).collect();
        let by_hand: f64 = -f
            .heats
            .iter()
            .zip(&temperatures)
            .map(|(h, t)| h.heat / t)
            .sum::<f64>();
        assert!(
            f.entropy_production.is_finite()
                && (f.entropy_production - by_hand).abs() <= 1e-12 * by_hand.abs(),
            "σ {:e}, by hand {by_hand:e}",
            f.entropy_production
        );
    }
}

#[test]
fn a_bath_on_a_bridge_has_an_exact_zero_heat_at_the_ness() {
    // Found (review): a bath whose only transition leads to a level no
    // other bath reaches, beside two baths on one transition that carry a
    // current between them, flagged "heat_x 2.8e-17 ± 1.0e-13": at the
    // NESS nothing crosses such a transition net, so its heat is 0
    // exactly. The others' against the reference.
    let x = common::batteries::transition(3, 1, 2);
    let couplings = [
        ("h", common::batteries::transition(3, 0, 2)),
        ("c", common::batteries::transition(3, 0, 2)),
        ("x", x),
    ];
    let (f, r) = loop_point(&couplings, &[(2.0, 0.01), (0.5, 0.01), (1.0, 100.0)], 100.0);
    assert_eq!(f.status, BatteryStatus::Ok, "{:?}", f.message);
    assert_eq!(f.heats[2].heat, 0.0, "heat_x");
    for (h, want) in f.heats.iter().zip(&r.heats).take(2) {
        common::close(&format!("heat_{}", h.name), h.heat, *want, 1e-9, 0.0);
    }
}

/// Levels 0, 0.4, 1, 1.7: h on 0↔2 and c on the ladder 0↔1↔2 make a
/// loop; p drives the bridge 2↔3 alone. Each bath at (T, Γ = 1e-3),
/// τ = 100: the figures, and the double-double reference's.
fn pendant_point(t_h: f64, t_c: f64, t_p: f64) -> (BatteryFigures, Reference) {
    let e = [0.0, 0.4, 1.0, 1.7];
    let h = (0..4)
        .map(|i| (0..4).map(|j| if i == j { e[i] } else { 0.0 }).collect())
        .collect();
    let mut ladder = common::batteries::transition(4, 0, 1);
    ladder[1][2] = 1.0;
    ladder[2][1] = 1.0;
    let couplings = [
        ("h", common::batteries::transition(4, 0, 2)),
        ("c", ladder),
        ("p", common::batteries::transition(4, 2, 3)),
    ];
    let battery = Battery::new(&matrix_battery(h, &couplings), &BTreeMap::new()).unwrap();
    let temperatures = [t_h, t_c, t_p];
    let baths: Vec<(f64, f64)> = temperatures.iter().map(|&t| (t, 1e-3)).collect();
    let f = one_point(&Spectrum::of(&battery), &["h", "c", "p"], &baths, 100.0);
    let x: Vec<_> = couplings.iter().map(|(_, x)| x.clone()).collect();
    let points = temperatures.map(|temperature| BathPoint {
        temperature,
        gamma: 1e-3,
    });
    let r = reference(&e, &x, &points, 100.0, None).expect("the reference's OSS");
    (f, r)
}

#[test]
fn a_loop_at_one_temperature_beside_a_bridge_at_another_carries_no_heat() {
    // Found (review): h and c at T = 0.3 on a loop, p at T = 5 on a bridge:
    // every heat is 0 by structure (detailed balance on every transition),
    // but the point was flagged "heat_h −1.7e-18 ± 1.2e-15".
    let (f, _) = pendant_point(0.3, 0.3, 5.0);
    assert_eq!(f.status, BatteryStatus::Ok, "{:?}", f.message);
    for h in &f.heats {
        assert_eq!(h.heat, 0.0, "heat_{}", h.name);
    }
    assert_eq!(f.entropy_production, 0.0);
}

#[test]
fn a_bath_on_a_bridge_does_not_set_the_gibbs_reference() {
    // Found (review): the loop at T = 0.3 and 0.30000001 beside a faster
    // bath at T = 5 on a bridge, whose Gibbs state became the reference:
    // flagged at 7.7e-6 where every figure was right to 1.4e-8.
    for t_p in [5.0, 0.3] {
        let (f, r) = pendant_point(0.30000001, 0.3, t_p);
        check(&format!("T_p {t_p}"), &f, &r);
        assert_eq!(f.heats[2].heat, 0.0, "T_p {t_p}: heat_p");
    }
}
