//! User-defined batteries built for tests: a transition operator, the
//! three-level maser, one point of a spectrum.

use nessbat::battery::{battery_point, BathPoint, Battery, BatteryFigures, BatterySpec, Spectrum};
use std::collections::BTreeMap;
use std::path::PathBuf;

use super::matrix_battery;

/// |i⟩⟨j| + |j⟩⟨i| in d levels.
pub fn transition(d: usize, i: usize, j: usize) -> Vec<Vec<f64>> {
    let mut m = vec![vec![0.0; d]; d];
    m[i][j] = 1.0;
    m[j][i] = 1.0;
    m
}

pub fn maser(omega_c: f64, omega_h: f64) -> (Spectrum, Vec<String>) {
    let h = vec![
        vec![0.0, 0.0, 0.0],
        vec![0.0, omega_c, 0.0],
        vec![0.0, 0.0, omega_h],
    ];
    let b = Battery::new(
        &matrix_battery(h, &[("h", transition(3, 0, 2)), ("c", transition(3, 0, 1))]),
        &BTreeMap::new(),
    )
    .unwrap();
    (Spectrum::of(&b), vec!["h".into(), "c".into()])
}

/// One point of a battery: its baths as (temperature, Γ), by name.
pub fn one_point(
    spectrum: &Spectrum,
    names: &[&str],
    baths: &[(f64, f64)],
    tau: f64,
) -> BatteryFigures {
    let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    let baths: Vec<BathPoint> = baths
        .iter()
        .map(|&(temperature, gamma)| BathPoint { temperature, gamma })
        .collect();
    battery_point(spectrum, &names, &baths, tau)
}

/// The three-level maser as a point config (the matrix form of the issue).
pub const MASER: &str = r#"model = "populations"
[battery]
hamiltonian = [[0.0, 0.0, 0.0], [0.0, 0.4, 0.0], [0.0, 0.0, 1.0]]
[[battery.baths]]
name = "h"
coupling = [[0.0, 0.0, 1.0], [0.0, 0.0, 0.0], [1.0, 0.0, 0.0]]
[[battery.baths]]
name = "c"
coupling = [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
[fixed]
t_h = 2.0
gamma_h = 1e-3
t_c = 0.2
gamma_c = 1e-3
tau = 100.0
"#;

/// A battery config from TOML text, checked at its [fixed] parameters.
pub fn from_toml(text: &str) -> Result<nessbat::battery::BatteryPoint, String> {
    let cfg = nessbat::config::SweepConfig::parse(text, "test").map_err(|e| e.to_string())?;
    nessbat::battery::BatteryPoint::from_config(&cfg).map_err(|e| e.to_string())
}

/// `nessbat trace ergotropy` of the battery config `text`, written as
/// `name` in the scratch folder of `group`: the CSV's header, its rows,
/// and the config's path.
pub fn battery_trace(group: &str, name: &str, text: &str) -> (String, Vec<Vec<f64>>, PathBuf) {
    let cfg = super::files::scratch(group, "trace").join(name);
    std::fs::write(&cfg, text).unwrap();
    let o = super::files::nessbat(&["trace", "ergotropy", "--config", cfg.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8(o.stdout).unwrap();
    let mut lines = out.lines();
    let header = lines.next().unwrap_or_default().to_string();
    let rows = lines
        .map(|l| l.split(',').map(|v| v.parse().unwrap()).collect())
        .collect();
    (header, rows, cfg)
}

/// The paper's H and couplings in the product basis, index 2·q1 + q2.
pub fn paper_spec(omega0: f64, lambda: f64) -> BatterySpec {
    // H = ω0(n1 + n2) − λ(σ+1σ−2 + h.c.): gg = 0, ge = 1, eg = 2, ee = 3.
    let h = vec![
        vec![0.0, 0.0, 0.0, 0.0],
        vec![0.0, omega0, -lambda, 0.0],
        vec![0.0, -lambda, omega0, 0.0],
        vec![0.0, 0.0, 0.0, 2.0 * omega0],
    ];
    // σx1 flips q1 (index ± 2), σx2 flips q2 (index ± 1).
    let x = |s1: f64, s2: f64| {
        let mut m = vec![vec![0.0; 4]; 4];
        for i in 0..4usize {
            m[i ^ 2][i] += s1;
            m[i ^ 1][i] += s2;
        }
        m
    };
    matrix_battery(h, &[("aa", x(1.0, -1.0)), ("ss", x(1.0, 1.0))])
}
