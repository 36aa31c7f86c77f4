//! User-defined batteries in the corners where f64 or the population
//! picture gives out: degenerate levels a bath mixes, levels no bath
//! reaches, symmetry-dark levels, pairs split below the eigenbasis's
//! resolution, rates beyond f64, strokes too short for it, and OSS
//! searches that stall or cycle. Each gets a status and a message, or its
//! figures, never a wrong number at status ok.

mod common;

use common::batteries::{from_toml, maser, one_point, transition, MASER};
use common::matrix_battery;

use std::collections::BTreeMap;

use nessbat::battery::{battery_point, BathPoint, Battery, BatteryStatus, Spectrum};

#[test]
fn degenerate_levels_that_a_bath_mixes_get_a_status_not_a_number() {
    // Levels 1 and 2 degenerate, both coupled to 0 by one bath.
    let h = vec![
        vec![0.0, 0.0, 0.0],
        vec![0.0, 1.0, 0.0],
        vec![0.0, 0.0, 1.0],
    ];
    let mut x = transition(3, 0, 1);
    x[0][2] = 1.0;
    x[2][0] = 1.0;
    let b = Battery::new(
        &matrix_battery(h, &[("h", x), ("c", transition(3, 0, 1))]),
        &BTreeMap::new(),
    )
    .unwrap();
    let f = battery_point(
        &Spectrum::of(&b),
        &["h".into(), "c".into()],
        &[
            BathPoint {
                temperature: 2.0,
                gamma: 1e-3,
            },
            BathPoint {
                temperature: 0.1,
                gamma: 1e-3,
            },
        ],
        10.0,
    );
    assert_eq!(f.status, BatteryStatus::NotPopulations);
    assert!(f.message.unwrap().contains("degenerate"));
    assert!(f.ergotropy.is_nan() && f.heat_in.is_nan());
}

#[test]
fn levels_no_bath_reaches_get_a_status_not_a_number() {
    // Level 2 is coupled to nothing: the steady state is not unique.
    let b = Battery::new(
        &matrix_battery(
            vec![
                vec![0.0, 0.0, 0.0],
                vec![0.0, 1.0, 0.0],
                vec![0.0, 0.0, 2.0],
            ],
            &[("h", transition(3, 0, 1))],
        ),
        &BTreeMap::new(),
    )
    .unwrap();
    let f = one_point(&Spectrum::of(&b), &["h"], &[(1.0, 1e-3)], 10.0);
    assert_eq!(f.status, BatteryStatus::Disconnected);
    assert!(f.message.unwrap().contains("level 2 to"));
    assert!(f.ergotropy.is_nan());
    // A bath at rate 0 connects nothing either.
    let (spectrum, _) = maser(0.4, 1.0);
    let f = one_point(&spectrum, &["h", "c"], &[(2.0, 0.0), (0.2, 1e-3)], 10.0);
    assert_eq!(f.status, BatteryStatus::Disconnected);
}

#[test]
fn a_symmetry_dark_level_is_disconnected_at_any_hopping() {
    // A 3-spin ring with ω_2 = ω_3 and both baths on spin 1: H and σx1
    // commute with swapping spins 2 and 3, so the antisymmetric levels are
    // never reached from the ground level, exactly. At weak hopping those
    // levels sit within 2λ of symmetric ones, and the eigenbasis's
    // rounding (ε‖H‖/λ) couples them at ~1e-11: found solved into a
    // "NESS" with populations of −2 (λ = 2e-5, one bath) or not
    // converged (two baths), where it is disconnected.
    for (lambda, baths) in [(0.1, 2), (1e-3, 2), (2e-5, 2), (2e-5, 1), (1e-8, 2)] {
        let (cold, t_c) = match baths {
            2 => (
                "[[battery.baths]]\nname = \"c\"\ncoupling = \"sx1\"\n",
                "t_c = 0.5\n",
            ),
            _ => ("", ""),
        };
        let text = format!(
            "[battery.chain]\nspins = 3\nring = true\n[[battery.baths]]\nname = \"h\"\ncoupling = \"sx1\"\n{cold}[fixed]\nomega_1 = 1.2\nomega_2 = 1.0\nomega_3 = 1.0\nlambda = {lambda}\nt_h = 2.0\n{t_c}tau = 1e6\n"
        );
        let f = from_toml(&text).unwrap().figures();
        assert_eq!(
            f.status,
            BatteryStatus::Disconnected,
            "λ {lambda}, {baths} baths: {:?}",
            f.message
        );
        assert!(f.ergotropy.is_nan() && f.ness.is_empty());
    }
    // Split (ω_3 = 1.001), the levels mix and every one is reached: the
    // rounding floor does not cut real couplings.
    let f = from_toml("[battery.chain]\nspins = 3\nring = true\n[[battery.baths]]\nname = \"h\"\ncoupling = \"sx1\"\n[[battery.baths]]\nname = \"c\"\ncoupling = \"sx1\"\n[fixed]\nomega_1 = 1.2\nomega_2 = 1.0\nomega_3 = 1.001\nlambda = 1e-3\nt_h = 2.0\nt_c = 0.5\ntau = 1e3\n")
        .unwrap()
        .figures();
    assert_ne!(f.status, BatteryStatus::Disconnected, "{:?}", f.message);
}

#[test]
fn a_pair_split_below_the_eigenbasis_resolution_is_flagged_not_ok() {
    // Two levels 5.1e-10 apart (the degeneracy cut is 1.6e-10 here), each
    // bath coupling them at |X|² ≈ 1e-13: f64's eigenvectors of the pair
    // are good to ε‖H‖/δ ≈ 1e-6, so that |X|², rated by T/ω ≈ 1e10, is a
    // rate f64 cannot resolve. Found at status ok with heat_in 8.4e-5 and
    // the capacity 3.9e-4 off a 40-digit reference (heat_in 0.21368200,
    // capacity 0.43926152); the strengths' uncertainty now enters the
    // rates' error, and the point is flagged.
    let f = from_toml(
        r#"[battery]
hamiltonian = [[0.8179122533075516, 0.3761677010809352, -0.6260090855334223], [0.3761677010809352, 1.366314094170249, 0.3544592108718286], [-0.6260090855334223, 0.3544592108718286, 0.9627372220697524]]
hamiltonian_im = [[0.0, -0.12258652383790986, 0.26376619885531094], [0.12258652383790986, 0.0, -0.02975245287528655], [-0.26376619885531094, 0.02975245287528655, 0.0]]
[[battery.baths]]
name = "h"
coupling = [[1.495368607850856, -1.0169314571896724, 0.3125483622730409], [-1.0169314571896724, 0.5919602455598654, -0.30815889036642585], [0.3125483622730409, -0.30815889036642585, 0.5660315150529334]]
coupling_im = [[0.0, 0.5286209534518402, 0.39108317129371084], [-0.5286209534518402, 0.0, -0.6125291049543842], [-0.39108317129371084, 0.6125291049543842, 0.0]]
[[battery.baths]]
name = "c"
coupling = [[-0.5050803688907848, -0.5497721351471105, 0.6439644592072273], [-0.5497721351471105, -1.6365618415246992, -0.017867700650348303], [0.6439644592072273, -0.017867700650348303, 0.7368093103337493]]
coupling_im = [[0.0, -0.3720476321523572, -0.011454925909199963], [0.3720476321523572, 0.0, 0.061182619484381126], [0.011454925909199963, -0.061182619484381126, 0.0]]
[fixed]
t_h = 4.4335589379375335
t_c = 0.26123469695135304
gamma_h = 1e-3
gamma_c = 1e-3
tau = 613.594436040035
"#,
    )
    .unwrap()
    .figures();
    assert_eq!(f.status, BatteryStatus::Imprecise, "{:?}", f.message);
}

#[test]
fn rates_beyond_f64_are_said_so_not_solved_into_noise() {
    // A cold bath at Γ = 1e20 (or a steep spectral density at a tiny
    // ω_ref, refused in the config): no figure, a status that says why.
    let (spectrum, _) = maser(0.4, 1.0);
    let f = one_point(&spectrum, &["h", "c"], &[(2.0, 1e-3), (0.2, 1e20)], 100.0);
    assert_eq!(f.status, BatteryStatus::Imprecise);
    assert!(f.message.unwrap().contains("beyond the supported"));
    assert!(f.ergotropy.is_nan());
    let e = from_toml(&MASER.replace(
        "name = \"c\"\n",
        "name = \"c\"\nspectral_exponent = 1.0\nomega_ref = 1e-30\n",
    ))
    .err()
    .unwrap_or_default();
    assert!(
        e.contains("omega_ref = 1e-30; accepted: 1e-6 to 1e6"),
        "{e}"
    );
}

/// A battery found by the hostile review: Γτ ≈ 3e-5 and an OSS where the
/// policy iteration alternates, so the cycle is iterated, and its step
/// stalls at 2.5e-14 in the last bits instead of reaching 4ε.
const STALLING: &str = r#"model = "populations"
[battery]
hamiltonian = [[0.384821, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.425561, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.962061, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 1.177651, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 2.203156, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 2.63494, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 2.821181, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 2.883434]]
[[battery.baths]]
name = "h"
coupling = [[0.0, 0.6142, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.6142, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.4111], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 1.4111, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]
[[battery.baths]]
name = "c"
coupling = [[0.0, 0.0, 0.7573, 0.4856, 0.0, 0.0, 0.36, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 1.4867, 0.0, 0.0], [0.7573, 0.0, 0.0, 0.0, 0.0, 0.3085, 0.0, 0.0], [0.4856, 0.0, 0.0, 0.0, 1.3801, 1.0879, 0.0, 0.0], [0.0, 0.0, 0.0, 1.3801, 0.0, 0.0, 1.0186, 0.0], [0.0, 1.4867, 0.3085, 1.0879, 0.0, 0.0, 0.0, 1.0865], [0.36, 0.0, 0.0, 0.0, 1.0186, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 1.0865, 0.0, 0.0]]
[[battery.baths]]
name = "m"
coupling = [[0.0, 0.0, 0.0, 0.0, 0.0, 0.7425, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0274, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.1186], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.7425, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 1.0274, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 1.1186, 0.0, 0.0, 0.0, 0.0]]
[fixed]
tau = 2.9276260523766493
t_h = 2.4329531648184957
gamma_h = 1.0948264147337813e-05
t_c = 0.16734437054996118
gamma_c = 2.0272857837308378e-05
t_m = 8.099137477786686
gamma_m = 0.0005601766646270827
"#;

#[test]
fn an_oss_whose_iterate_stalls_at_rounding_is_found_not_given_up() {
    use common::files::{nessbat, scratch};
    let p = from_toml(STALLING).unwrap();
    let f = p.figures();
    assert_eq!(f.status, BatteryStatus::Ok, "{:?}", f.message);
    // A million cycles of the trace from the NESS (its own loop) end where
    // the point is.
    let dir = scratch("batteries", "stalling");
    let cfg = dir.join("stalling.toml");
    std::fs::write(&cfg, STALLING).unwrap();
    let out = dir.join("trace.csv");
    let o = nessbat(&[
        "trace",
        "ergotropy",
        "--config",
        cfg.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&out).unwrap();
    let last: Vec<f64> = text
        .lines()
        .last()
        .unwrap()
        .split(',')
        .map(|v| v.parse().unwrap())
        .collect();
    common::close("ergotropy", f.ergotropy, last[1], 1e-6, 0.0);
    for (k, h) in f.heats.iter().enumerate() {
        common::close(&h.name, h.heat, last[2 + k], 1e-6, 0.0);
    }
}

#[test]
fn strokes_too_short_for_f64_are_flagged_not_reported_as_no_work() {
    // The maser above threshold is an engine at any τ: its power tends to
    // a finite limit as τ → 0 (the swap runs on populations that differ by
    // O(τΓ)). Once that difference falls below the populations' rounding
    // the work cannot be resolved; found reported as power 0 at status ok
    // from τ = 1e-11 down. Every ok point must carry the limit's power
    // (which moves by 4e-9 between τ = 1 and 1e-2), every other be flagged.
    let (spectrum, _) = maser(0.4, 1.0);
    let baths = [(5.0, 1e-3), (0.1, 1e-3)];
    let limit = one_point(&spectrum, &["h", "c"], &baths, 1e-2);
    assert_eq!(limit.status, BatteryStatus::Ok, "{:?}", limit.message);
    assert!(limit.power > 0.0);
    let mut oks = 0;
    for k in 0..=300 {
        let tau = 10f64.powi(-k);
        let f = one_point(&spectrum, &["h", "c"], &baths, tau);
        match f.status {
            BatteryStatus::Ok => {
                oks += 1;
                assert!(
                    (f.power - limit.power).abs() <= 1e-6 * limit.power,
                    "τ {tau:e}: power {:e} at status ok, limit {:e}",
                    f.power,
                    limit.power
                );
            }
            BatteryStatus::Imprecise => assert!(
                f.message.is_some() && f.ergotropy >= 0.0,
                "τ {tau:e}: {:e} {:?}",
                f.ergotropy,
                f.message
            ),
            other => panic!("τ {tau:e}: {other:?} {:?}", f.message),
        }
    }
    assert!(oks >= 4, "{oks} points ok");
    // A hot bath 1e-17 times weaker than the cold: the work is below its
    // rounding, flagged, and reported as the 0 it cannot be told from
    // (found: −8e-18, an efficiency of −1.1).
    let f = one_point(&spectrum, &["h", "c"], &[(2.0, 1e-20), (0.2, 1e-3)], 100.0);
    assert_eq!(f.status, BatteryStatus::Imprecise, "{:?}", f.message);
    assert!(
        f.ergotropy == 0.0 && f.power == 0.0 && (f.efficiency.is_nan() || f.efficiency >= 0.0),
        "{f:?}"
    );
}

/// A 4-spin chain with graded gaps, hot bath on the first pair, cold on
/// the second.
const CHAIN4: &str = "model = \"populations\"\n[battery.chain]\nspins = 4\n\
    [[battery.baths]]\nname = \"h\"\ncoupling = \"sx1 - sx2\"\n\
    [[battery.baths]]\nname = \"c\"\ncoupling = \"sx3 + sx4\"\n\
    [fixed]\nt_h = 2.0\nt_c = 0.1\ngamma_h = 1e-3\ngamma_c = 1e-3\nomega_2 = 1.1\n\
    omega_3 = 0.93\nomega_4 = 1.27\nlambda = 0.05\nzz = 0.03\ntau = TAU\n";

#[test]
fn an_oss_where_the_policy_iteration_cycles_is_found_among_its_orders() {
    // Found: at τΓ ≤ 2e-5 this chain's policy iteration flips between
    // two orders of four levels whose OSS is a third, and the cycle map
    // contracts too slowly to converge: not_converged at every short τ.
    // The power tends to a limit as τ → 0 (it moves by 2e-5 between
    // τ = 0.1 and 0.005); each point's passive populations must be a fixed
    // point of the cycle p ← sort(e^{Wτ} p), with e^{Wτ} from nalgebra's
    // own exponential, not the code under test's Van Loan blocks.
    let at = |tau: f64| from_toml(&CHAIN4.replace("TAU", &format!("{tau:e}"))).unwrap();
    let long = at(0.1);
    let reference = battery_point(&long.spectrum, &long.names, &long.baths, 0.1);
    assert_eq!(
        reference.status,
        BatteryStatus::Ok,
        "{:?}",
        reference.message
    );
    for &tau in &[0.05, 0.02, 0.01, 0.005, 0.002, 0.001] {
        let b = at(tau);
        let f = battery_point(&b.spectrum, &b.names, &b.baths, tau);
        assert!(
            matches!(f.status, BatteryStatus::Ok | BatteryStatus::Imprecise),
            "τ {tau}: {:?} {:?}",
            f.status,
            f.message
        );
        assert!(
            (f.power - reference.power).abs() <= 1e-3 * reference.power,
            "τ {tau}: power {:e} against {:e} at τ = 0.1",
            f.power,
            reference.power
        );
        let d = b.spectrum.levels();
        let mut w = nalgebra::DMatrix::<f64>::zeros(d, d);
        for (k, bath) in b.baths.iter().enumerate() {
            w += nessbat::battery::generator::bath_generator(&b.spectrum, k, *bath);
        }
        let m = (w * tau).exp();
        let p = nalgebra::DVector::from_vec(f.populations_passive.clone());
        let mut q: Vec<f64> = (&m * &p).iter().copied().collect();
        q.sort_by(|a, b| b.total_cmp(a));
        let residual = q
            .iter()
            .zip(p.iter())
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        assert!(
            residual <= 1e-13,
            "τ {tau}: |sort(e^(Wτ) p) − p| = {residual:e}"
        );
    }
}

#[test]
fn a_charged_state_off_its_sum_by_the_strokes_own_drift_keeps_its_figures() {
    // A maser whose hot bath is 1e3 times the cold one's rate: the long
    // stroke's rounding leaves the charged state summing to 1 + 3e-12,
    // beyond 1e-12 per level, which the stroke's column sums on p measure
    // and the estimate (1.2e-8) carries. Found flagged as no distribution,
    // its figures right to 1e-11: the Otto efficiency and the first law.
    let text = MASER
        .replace("gamma_h = 1e-3", "gamma_h = 100.0")
        .replace("gamma_c = 1e-3", "gamma_c = 0.1");
    let f = from_toml(&text).unwrap().figures();
    assert_eq!(f.status, BatteryStatus::Ok, "{:?}", f.message);
    let sum: f64 = f.populations_charged.iter().sum();
    assert!((sum - 1.0).abs() > 1e-12, "the case drifts: {sum}");
    assert!((f.efficiency - 0.6).abs() <= 1e-9, "η {}", f.efficiency);
    let heats: f64 = f.heats.iter().map(|h| h.heat).sum();
    assert!((heats - f.ergotropy).abs() <= 1e-9 * f.ergotropy);
}

#[test]
fn a_near_uniform_hot_state_has_its_capacity_resolved() {
    // Found (review): near-uniform populations (T = 5e5 against gaps of
    // 0.1) flagged by the capacity's noise floor of 256 d ε per
    // population, f64's resolution of a population of 1 rather than of
    // 1/d: a capacity of 1.2e-8 at an estimate of 2.3e-6, right to 5e-10.
    // One bath: its Gibbs state, whose capacity is ω tanh(ω/2T).
    for (omega, t) in [(0.11f64, 5e5f64), (1.0, 1e6), (0.3, 2e4)] {
        let text = format!(
            "[battery]\nhamiltonian = [[0.0, 0.0], [0.0, {omega}]]\n[[battery.baths]]\nname = \"h\"\ncoupling = [[0.0, 1.0], [1.0, 0.0]]\n[fixed]\nt_h = {t}\ngamma_h = 1e-3\ntau = 100.0\n"
        );
        let f = from_toml(&text).unwrap().figures();
        assert_eq!(f.status, BatteryStatus::Ok, "T {t:e}: {:?}", f.message);
        let want = omega * (omega / (2.0 * t)).tanh();
        let off = (f.capacity - want).abs() / want;
        assert!(
            off <= 1e-6 && off <= f.error_estimate,
            "T {t:e}: capacity {:e}, ω tanh(ω/2T) {want:e}, estimate {:e}",
            f.capacity,
            f.error_estimate
        );
    }
}
