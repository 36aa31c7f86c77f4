//! The secular (Davies) approximation's warning: a bath that couples two
//! near levels to a common one feeds their coherence, which the population
//! model drops; the grid says so where that rate reaches a hundredth of their
//! spacing, and only there. A warning, not a flag: the figures are the
//! Davies model's either way.

mod common;

use common::batteries::{from_toml, paper_spec, MASER};
use common::files::{bad_input, nessbat, scratch};

use std::collections::BTreeMap;

use nessbat::battery::secular::{near_pair, SECULAR_RATIO};
use nessbat::battery::{BathPoint, Battery, BatteryStatus, Spectrum};

/// A maser with its upper level split: levels 0, 0.4, 1, 1 + δ; the hot
/// bath couples 0 to both upper levels, the cold one 0 ↔ 1, so that the
/// upper pair is inverted against level 1.
fn near(delta: f64, t_h: &str) -> String {
    format!(
        "model = \"populations\"\n[battery]\nhamiltonian = [[0.0, 0.0, 0.0, 0.0], [0.0, 0.4, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0], [0.0, 0.0, 0.0, {}]]\n[[battery.baths]]\nname = \"h\"\ncoupling = [[0.0, 0.0, 1.0, 1.0], [0.0, 0.0, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0]]\n[[battery.baths]]\nname = \"c\"\ncoupling = [[0.0, 1.0, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]]\n[fixed]\n{t_h}gamma_h = 1e-3\nt_c = 0.2\ngamma_c = 1e-3\ntau = 100.0\n",
        1.0 + delta
    )
}

#[test]
fn a_near_pair_fed_by_one_bath_is_found_at_its_rate_over_spacing() {
    let p = from_toml(&near(1e-2, "t_h = 2.0\n")).unwrap();
    let hot = BathPoint {
        temperature: 2.0,
        gamma: 1e-3,
    };
    let w = near_pair(&p.spectrum, 0, hot).expect("bath h couples 1 and 2 to 0");
    assert_eq!((w.levels, w.common), ((2, 3), 0));
    // By hand: the decays' rate Γ (n(ω) + 1) at the smaller frequency
    // ω = 1, |X|² = 1 each (the common level below: the decays into it
    // feed the coherence through the anticommutator).
    let rate = 1e-3 * (1.0 / (0.5f64.exp() - 1.0) + 1.0);
    assert!(
        (w.rate - rate).abs() <= 1e-12 * rate,
        "{} vs {rate}",
        w.rate
    );
    assert!((w.spacing - 1e-2).abs() <= 1e-12, "{}", w.spacing);
    // Bath c drives one transition: no two levels share a third.
    assert!(near_pair(&p.spectrum, 1, hot).is_none());
    // The figures stand: a warning is not a flag.
    let f = p.figures();
    assert_eq!(f.status, BatteryStatus::Ok, "{:?}", f.message);
    assert!(f.ergotropy > 0.0);
}

#[test]
fn the_grid_warns_once_at_its_hottest_bath_and_only_past_a_hundredth() {
    // Over T_h up to 4, the rate is Γ (n(1) + 1) at T = 4: 4.52e-3,
    // nearly half the spacing 1e-2.
    let sweep = |delta: f64| {
        let text = near(delta, "").replace(
            "tau = 100.0\n",
            "tau = 100.0\n[[axes]]\nname = \"t_h\"\nvalues = [0.5, 4.0, 1.0]\n",
        );
        let cfg = nessbat::config::SweepConfig::parse(&text, "test").unwrap();
        nessbat::battery::BatteryGrid::new(&cfg, nessbat::battery::grid::Use::Sweep)
            .unwrap()
            .warnings()
    };
    let rate = 1e-3 * (1.0 / (0.25f64.exp() - 1.0) + 1.0);
    let w = sweep(1e-2);
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(
        w[0].contains("bath h couples levels 2 and 3, 1.0e-2 apart, to level 0")
            && w[0].contains(&format!("{rate:.1e}"))
            && w[0].contains("45 % of their spacing")
            && w[0].contains("secular"),
        "{}",
        w[0]
    );
    // Just beyond a hundredth and just within it.
    assert_eq!(sweep(rate / SECULAR_RATIO * 0.99).len(), 1);
    assert!(sweep(rate / SECULAR_RATIO * 1.01).is_empty());
}

#[test]
fn batteries_whose_baths_mix_no_near_levels_are_not_warned() {
    // The maser: each bath one transition.
    assert!(from_toml(MASER).unwrap().warnings.is_empty());
    // The paper's system: X_A reaches A only and X_S reaches S only, so
    // no bath feeds the S–A coherence, however close S and A lie (2e-4
    // here, a fifth of Γ): each bath's only shared level is its middle
    // one, feeding gg–ee at a spacing of 2 ω0.
    let b = Battery::new(&paper_spec(1.0, 1e-4), &BTreeMap::new()).unwrap();
    let s = Spectrum::of(&b);
    let hot = BathPoint {
        temperature: 2.0,
        gamma: 1e-3,
    };
    for k in 0..2 {
        let w = near_pair(&s, k, hot).unwrap();
        assert_eq!(w.levels, (0, 3));
        assert!(w.ratio() < SECULAR_RATIO, "{w:?}");
    }
    // Explicit rates are taken as given: nothing to judge.
    let given = MASER.replace(
        "coupling = [[0.0, 0.0, 1.0], [0.0, 0.0, 0.0], [1.0, 0.0, 0.0]]",
        "rates = [[0, 2, 1e-3, 2e-3]]",
    );
    let given = given.replace("t_h = 2.0\ngamma_h = 1e-3\n", "");
    let p = from_toml(&given).unwrap();
    assert!(near_pair(
        &p.spectrum,
        0,
        BathPoint {
            temperature: 1.0,
            gamma: 1.0
        }
    )
    .is_none());
}

#[test]
fn the_command_line_says_it_on_stderr_and_runs() {
    let path = scratch("batteries", "secular").join("near.toml");
    std::fs::write(&path, near(1e-2, "t_h = 2.0\n")).unwrap();
    let o = nessbat(&["point", "--config", path.to_str().unwrap(), "--json"]);
    assert_eq!(o.status.code(), Some(0));
    let err = String::from_utf8_lossy(&o.stderr);
    let ours: Vec<&str> = err.lines().filter(|l| l.starts_with("warning:")).collect();
    assert!(ours.len() == 1 && ours[0].contains("secular"), "{err}");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["status"], "ok");
    // A sweep says it once it runs; refused (its folder taken), it says
    // the refusal alone, in one line.
    let sweep = path.with_file_name("sweep.toml");
    std::fs::write(
        &sweep,
        near(1e-2, "").replace(
            "tau = 100.0\n",
            "tau = 100.0\n[[axes]]\nname = \"t_h\"\nvalues = [1.0, 2.0]\n",
        ),
    )
    .unwrap();
    let out = path.with_file_name("out");
    let _ = std::fs::remove_dir_all(&out);
    let args = [
        "sweep",
        "--config",
        sweep.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ];
    let o = nessbat(&args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("warning:"));
    bad_input(&nessbat(&args), "--force");
    // Bad input is still one line, with no warning before it.
    std::fs::write(
        &path,
        near(1e-2, "t_h = 2.0\n").replace("t_c = 0.2", "t_c = -0.2"),
    )
    .unwrap();
    bad_input(
        &nessbat(&["point", "--config", path.to_str().unwrap()]),
        "t_c",
    );
}
