//! User-defined batteries as users give them: configs and builders give
//! the batteries their matrices give (a Dicke ladder its closed-form
//! levels, a chain its couplings), `point --config` prints a heat per
//! bath, and bad input is refused in one line naming what is wrong and
//! what is accepted.

mod common;

use common::batteries::{from_toml, maser, one_point, paper_spec, transition, MASER};
use common::matrix_battery;

use std::collections::BTreeMap;

use nessbat::battery::spec::Operator;
use nessbat::battery::{battery_point, Battery, BatterySpec, BatteryStatus, Spectrum};

#[test]
fn bad_batteries_are_refused_in_one_line() {
    let ok = || {
        matrix_battery(
            vec![vec![0.0, 0.0], vec![0.0, 1.0]],
            &[("h", transition(2, 0, 1))],
        )
    };
    let refused = |s: BatterySpec, want: &str| {
        let e = Battery::new(&s, &BTreeMap::new()).unwrap_err().to_string();
        assert!(e.contains(want) && !e.contains('\n'), "{want}: {e}");
        assert!(e.contains("accepted"), "{e}");
    };
    let mut s = ok();
    s.hamiltonian.as_mut().unwrap()[0][1] = 0.5;
    refused(s, "not Hermitian");
    let mut s = ok();
    s.baths[0].coupling = Some(Operator::Matrix(transition(3, 0, 1)));
    refused(s, "is 3 × 3 but the Hamiltonian is 2 × 2");
    let mut s = ok();
    s.hamiltonian.as_mut().unwrap()[1].push(0.0);
    refused(s, "not a square matrix");
    let mut s = ok();
    s.baths[0].name = "a".into();
    refused(s, "collide");
    let mut s = ok();
    s.baths.push(s.baths[0].clone());
    refused(s, "earlier bath");
    let mut s = ok();
    s.baths[0].name = "Hot bath".into();
    refused(s, "lower-case");
    let mut s = ok();
    s.hamiltonian_im = Some(vec![vec![0.0, 0.3], vec![0.3, 0.0]]);
    refused(s, "not Hermitian");
    let d = 65;
    let s = matrix_battery(
        (0..d)
            .map(|i| {
                (0..d)
                    .map(|j| if i == j { i as f64 } else { 0.0 })
                    .collect()
            })
            .collect(),
        &[("h", transition(d, 0, 1))],
    );
    refused(s, "2 to 64 levels");
    let mut s = ok();
    s.hamiltonian.as_mut().unwrap()[1][1] = f64::NAN;
    refused(s, "not finite");
    let mut s = ok();
    s.baths.clear();
    refused(s, "no baths");
}

#[test]
fn point_config_prints_the_battery_figures_with_a_heat_per_bath() {
    use common::files::{bad_input, nessbat, scratch};
    let dir = scratch("batteries", "point");
    let cfg = dir.join("maser.toml");
    std::fs::write(&cfg, MASER).unwrap();
    let o = nessbat(&["point", "--config", cfg.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["status"], "ok");
    // The same point through the library, and the Otto efficiency.
    let (spectrum, _) = maser(0.4, 1.0);
    let f = one_point(&spectrum, &["h", "c"], &[(2.0, 1e-3), (0.2, 1e-3)], 100.0);
    assert_eq!(v["ergotropy"].as_f64().unwrap(), f.ergotropy);
    assert_eq!(v["heat_h"].as_f64().unwrap(), f.heats[0].heat);
    assert_eq!(v["heat_c"].as_f64().unwrap(), f.heats[1].heat);
    assert!((v["efficiency"].as_f64().unwrap() - 0.6).abs() < 1e-12);
    // Refusals: one line, exit 2, naming what is wrong.
    let refused = |name: &str, text: &str, extra: &[&str], names: &str| {
        let p = dir.join(format!("{name}.toml"));
        std::fs::write(&p, text).unwrap();
        let mut args = vec!["point", "--config", p.to_str().unwrap()];
        args.extend_from_slice(extra);
        bad_input(&nessbat(&args), names);
    };
    refused("flags", MASER, &["--t-a", "2"], "--t-a");
    refused(
        "unknown",
        &MASER.replace("t_c = 0.2", "t_x = 0.2"),
        &[],
        "t_x",
    );
    refused("missing", &MASER.replace("t_c = 0.2\n", ""), &[], "t_c");
    refused("hot", &MASER.replace("t_h = 2.0", "t_h = -2.0"), &[], "t_h");
    refused(
        "hermitian",
        &MASER.replace("[0.0, 0.4, 0.0]", "[0.5, 0.4, 0.0]"),
        &[],
        "not Hermitian",
    );
    refused(
        "gate",
        &MASER.replace("model = \"populations\"", "protocol = \"gate-global\""),
        &[],
        "gate-global",
    );
    // The built-in model's rate conventions, either of them, even the
    // default written out: a battery's rates follow its own spectrum.
    for kind in ["eq9", "kms"] {
        refused(
            kind,
            &format!("rates = \"{kind}\"\n{MASER}"),
            &[],
            &format!("rates = \"{kind}\""),
        );
    }
    refused(
        "axes",
        &format!("{MASER}[[axes]]\nname = \"tau\"\nvalues = [1.0, 2.0]\n"),
        &[],
        "axes",
    );
}

#[test]
fn builders_give_the_same_batteries_as_their_matrices() {
    // A two-spin chain with σx couplings is the paper's system: the same
    // figures as the matrices, hence as the built-in kms model.
    let chain = from_toml(&format!(
        "{}[fixed]{}",
        common::PAPER_CHAIN_BATTERY,
        r#"
omega0 = 1.0
lambda = 0.05
t_aa = 3.0
t_ss = 0.2
gamma_aa = 2e-3
gamma_ss = 2e-3
tau = 40.0
"#
    ))
    .unwrap();
    let matrices = Battery::new(&paper_spec(1.0, 0.05), &BTreeMap::new()).unwrap();
    let m = battery_point(
        &Spectrum::of(&matrices),
        &["aa".into(), "ss".into()],
        &chain.baths,
        40.0,
    );
    let c = chain.figures();
    assert_eq!(c.status, BatteryStatus::Ok);
    common::close("chain ergotropy", c.ergotropy, m.ergotropy, 1e-13, 0.0);
    common::close(
        "chain heat_aa",
        c.heats[0].heat,
        m.heats[0].heat,
        1e-13,
        0.0,
    );
    common::close(
        "chain heat_ss",
        c.heats[1].heat,
        m.heats[1].heat,
        1e-13,
        0.0,
    );
    // Levels with transitions are the maser's matrices.
    let levels = from_toml(&format!(
        "{}[fixed]{}",
        common::MASER_BATTERY,
        r#"
t_h = 2.0
t_c = 0.2
tau = 100.0
"#
    ))
    .unwrap();
    let (spectrum, names) = maser(0.4, 1.0);
    let want = battery_point(&spectrum, &names, &levels.baths, 100.0);
    let got = levels.figures();
    assert_eq!(got.ergotropy, want.ergotropy);
    assert_eq!(got.heats[0].heat, want.heats[0].heat);
    assert!((got.efficiency - 0.6).abs() < 1e-12);
}

#[test]
fn a_dicke_ladder_has_its_closed_form_levels_and_a_chain_its_couplings() {
    // H = ω0 Jz + χ Jz² on N = 4: levels ω0 m + χ m², m = −2 … 2, from the
    // ground level; collective Jx connects neighbouring m only, with
    // |⟨m+1|Jx|m⟩|² = (j(j+1) − m(m+1))/4.
    let p = from_toml(
        r#"
[battery.dicke]
spins = 4
[[battery.baths]]
name = "h"
coupling = "jx"
[fixed]
omega0 = 1.0
chi = 0.15
t_h = 1.0
"#,
    )
    .unwrap();
    let (omega0, chi, j) = (1.0, 0.15, 2.0);
    let mut want: Vec<f64> = (0..5)
        .map(|k| {
            let m = k as f64 - j;
            omega0 * m + chi * m * m
        })
        .collect();
    want.sort_by(f64::total_cmp);
    let e0 = want[0];
    for (got, w) in p.spectrum.energies.iter().zip(&want) {
        assert!((got - (w - e0)).abs() < 1e-12, "{got} vs {}", w - e0);
    }
    let s = &p.spectrum.strengths[0];
    for k in 0..4 {
        let m = k as f64 - j;
        let want = (j * (j + 1.0) - m * (m + 1.0)) / 4.0;
        assert!(
            (s[(k, k + 1)] - want).abs() < 1e-12,
            "m = {m}: {}",
            s[(k, k + 1)]
        );
    }
    assert_eq!(s[(0, 2)], 0.0);
    // A three-spin XX ring: d = 8, and its keys include omega_1 … omega_3.
    let ring = from_toml(
        r#"
[battery.chain]
spins = 3
ring = true
[[battery.baths]]
name = "h"
coupling = "sx1"
[[battery.baths]]
name = "c"
coupling = "sx3"
[fixed]
omega_2 = 1.1
lambda = 0.02
t_h = 2.0
t_c = 0.1
"#,
    )
    .unwrap();
    assert_eq!(ring.spectrum.levels(), 8);
    assert!(ring.battery.keys().contains(&"omega_3".to_string()));
    assert_ne!(ring.figures().status, BatteryStatus::NotConverged);
}

#[test]
fn bad_operators_and_builders_are_refused_naming_what_is_accepted() {
    let chain = |coupling: &str, extra: &str| {
        format!(
            "[battery.chain]\nspins = 2\n{extra}[[battery.baths]]\nname = \"h\"\ncoupling = \"{coupling}\"\n[fixed]\nt_h = 1.0\n"
        )
    };
    for (text, want) in [
        (chain("sq1", ""), "not a spin operator"),
        (chain("sx3", ""), "spin 1 to 2"),
        (chain("foo", ""), "not an operator"),
        (chain("|0><9|", ""), "levels 0 to 3"),
        (chain("2*", ""), "empty factor"),
        (chain("sx1 +", ""), "ends in a sign"),
        (chain("2", ""), "no operator"),
        (chain("sp1", ""), "not Hermitian"),
        (chain("sx1", "ring = 1\n"), "test:3: invalid type: integer `1`, expected a boolean"),
        (
            "[battery.levels]\nenergies = [0.0, 1.0]\n[[battery.baths]]\nname = \"h\"\ncoupling = \"jx\"\n[fixed]\nt_h = 1.0\n".into(),
            "collective operators need a chain",
        ),
        (
            "[battery.chain]\nspins = 9\n[[battery.baths]]\nname = \"h\"\ncoupling = \"sx1\"\n[fixed]\nt_h = 1.0\n".into(),
            "2 to 6",
        ),
        (
            "[battery]\nhamiltonian = [[0.0, 0.0], [0.0, 1.0]]\n[battery.dicke]\nspins = 2\n[[battery.baths]]\nname = \"h\"\ncoupling = \"jx\"\n[fixed]\nt_h = 1.0\n".into(),
            "exactly one of",
        ),
        (chain("sx1", "").replace("t_h = 1.0", "t_h = 1.0\nlambda = nan"), "lambda"),
    ] {
        let e = from_toml(&text).err().unwrap_or_default();
        assert!(e.contains(want), "{want}: {e}\n{text}");
        assert!(!e.contains('\n'), "{e}");
    }
}
