//! `nessbat optimize`: known optima found to 1e-3 relative in the
//! parameter and 1e-5 in the figure, against a brute-force fine grid and,
//! in the short-cycle limit, against the paper's closed forms (Eqs. 14,
//! 16), both unconstrained and on a constraint's boundary; on the CPU and
//! on the GPU backend. Then the CLI: JSON keys, history, bad input, and
//! the Pareto front against its definition.

mod common;

use common::backends::{backend_suite, Target};
use common::files::{bad_input, nessbat, scratch};
use ndarray::Array2;
use ndarray_npy::read_npy;
use nessbat::backend::cpu;
use nessbat::backend::run::Backend;
use nessbat::backend::Progress;
use nessbat::config::constraint::{Constraint, Constraints};
use nessbat::config::SweepConfig;
use nessbat::grid::Grid;
use nessbat::kernels::Quantity;
use nessbat::model::closed_form::{eq14_power, eq16_efficiency};
use nessbat::model::Rates;
use nessbat::optimize::{optimize, Objective, OptimizeOptions, Optimum};

/// A 1-D search over T_A in [0.15, 5] (12 grid points) at the paper's
/// other parameters and the given τ.
fn t_a_grid(tau: f64, points: u64) -> Grid {
    let text = format!(
        "[fixed]\nomega0 = 1.0\ngamma = 1e-3\nt_s = 0.1\nlambda = 0.01\ntau = {tau}\n\
         [[axes]]\nname = \"t_a\"\nrange = [0.15, 5.0]\npoints = {points}\n"
    );
    Grid::new(SweepConfig::parse(&text, "test").unwrap()).unwrap()
}

const POWER: Objective = Objective {
    quantity: Quantity::Power,
    maximize: true,
};

fn run(backend: &Backend, tau: f64, constraint: Option<&str>) -> (Grid, Optimum) {
    let g = t_a_grid(tau, 12);
    let c = constraint.map_or(Constraints::default(), |c| Constraints::parse(c).unwrap());
    let best = optimize(backend, &g, POWER, c, &OptimizeOptions::default()).unwrap();
    assert!(best.converged);
    (g, best)
}

/// The brute force: every point of a 48 501-point grid over the same range
/// (spacing 1e-4, i.e. 1e-4 relative at T_A = 1), on the CPU backend; the
/// best power among the points that pass `constraint`.
fn brute_force(tau: f64, constraint: Option<&str>) -> (f64, f64) {
    let g = t_a_grid(tau, 48_501);
    let res = cpu::run(&g, &Progress::NONE);
    let power = res.values(Quantity::Power);
    let eff = res.values(Quantity::Efficiency);
    let c = constraint.map(|c| Constraint::parse(c).unwrap());
    let mut best = (f64::NAN, f64::NEG_INFINITY);
    for (i, t) in g.axes[0].values.iter().enumerate() {
        let row = [0.0, power[i], eff[i], 0.0, 0.0, 0.0, 0.0];
        if c.is_none_or(|c| c.holds(&row)) && power[i] > best.1 {
            best = (*t, power[i]);
        }
    }
    best
}

/// Parameter to 1e-3 relative, figure to 1e-5 relative.
#[track_caller]
fn found(what: &str, t: f64, p: f64, t_want: f64, p_want: f64) {
    assert!(
        (t - t_want).abs() <= 1e-3 * t_want,
        "{what}: T_A {t} vs {t_want}"
    );
    assert!(
        (p - p_want).abs() <= 1e-5 * p_want.abs(),
        "{what}: power {p:e} vs {p_want:e} ({:e} relative)",
        (p - p_want).abs() / p_want.abs()
    );
}

fn figures(g: &Grid, best: &Optimum) -> nessbat::oracle::PointFigures {
    best.figures(g).unwrap()
}

fn check_against_brute_force(backend: &Backend, what: &str) {
    for constraint in [None, Some("efficiency >= 0.0105")] {
        let (g, best) = run(backend, 150.0, constraint);
        let f = figures(&g, &best);
        let (t_bf, p_bf) = brute_force(150.0, constraint);
        let what = format!("{what}, tau = 150, {constraint:?}");
        found(&what, best.coords[0], f.power, t_bf, p_bf);
        // The optimum is at least as good as every brute-force point.
        assert!(f.power >= p_bf * (1.0 - 1e-12), "{what}");
        if constraint.is_some() {
            // On the boundary: efficiency 0.0105 to the figure tolerance.
            assert!(
                (f.efficiency - 0.0105).abs() <= 1e-5 * 0.0105,
                "{what}: {}",
                f.efficiency
            );
        }
    }
}

/// Eq. 14's short-cycle power at T_A (the rest as in `t_a_grid`).
fn eq14_at(g: &Grid, t_a: f64) -> (f64, Rates) {
    let p = g.params_at(&[("t_a", t_a)]);
    let r = Rates::from_params(&p);
    (eq14_power(p.lambda, &r), r)
}

/// Argmax of `f` on [a, b] by golden section, to 1e-12 relative.
fn golden(f: &dyn Fn(f64) -> f64, mut a: f64, mut b: f64) -> f64 {
    let g = (5f64.sqrt() - 1.0) / 2.0;
    while b - a > 1e-12 * b {
        let (c, d) = (b - g * (b - a), a + g * (b - a));
        if f(c) > f(d) {
            b = d;
        } else {
            a = c;
        }
    }
    0.5 * (a + b)
}

/// τ = 1e-3: τΣΓ ≈ 4e-6, so Eqs. 14 and 16 hold to a few 1e-6 relative.
fn check_short_cycle(backend: &Backend, what: &str) {
    let g = t_a_grid(1e-3, 12);
    let power = |t: f64| eq14_at(&g, t).0;
    let t_star = golden(&power, 0.15, 5.0);
    let (_, best) = run(backend, 1e-3, None);
    let f = figures(&g, &best);
    found(
        &format!("{what}, Eq. 14"),
        best.coords[0],
        f.power,
        t_star,
        power(t_star),
    );
    // Constrained: Eq. 16's efficiency falls with T_A and the power rises
    // below T*, so "efficiency >= η(0.7 T*)" puts the optimum on the
    // boundary T_A = 0.7 T*.
    let eff = |t: f64| {
        let (_, r) = eq14_at(&g, t);
        eq16_efficiency(1.0, 0.01, &r)
    };
    let t_b = 0.7 * t_star;
    assert!(eff(0.9 * t_b) > eff(t_b) && eff(t_b) > eff(1.1 * t_b));
    assert!(power(0.9 * t_b) < power(t_b) && power(t_b) < power(1.1 * t_b));
    let c = format!("efficiency >= {}", eff(t_b));
    let (_, best) = run(backend, 1e-3, Some(&c));
    let f = figures(&g, &best);
    found(
        &format!("{what}, Eqs. 14 + 16 on the boundary"),
        best.coords[0],
        f.power,
        t_b,
        power(t_b),
    );
}

fn finds_the_brute_force_optimum(backend: &Backend, target: Target) {
    check_against_brute_force(backend, target.label());
}

fn finds_the_short_cycle_optimum_of_the_closed_forms(backend: &Backend, target: Target) {
    check_short_cycle(backend, target.label());
}

backend_suite!(finds_the_brute_force_optimum: cpu, gpu_f64);
backend_suite!(finds_the_short_cycle_optimum_of_the_closed_forms: cpu, gpu_f64);

fn write_config(dir: &std::path::Path, text: &str) -> String {
    let p = dir.join("c.toml");
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_string()
}

const TWO_AXES: &str = r#"
[fixed]
omega0 = 1.0
gamma = 1e-3
t_s = 0.1
lambda = 0.01
[[axes]]
name = "t_a"
range = [0.15, 5.0]
points = 12
[[axes]]
name = "tau"
range = [0.1, 1000.0]
points = 9
spacing = "log"
"#;

#[test]
fn json_has_the_parameters_and_the_point_keys() {
    let dir = scratch("optimize", "json");
    let cfg = write_config(&dir, TWO_AXES);
    let out = dir.join("out");
    let o = nessbat(&[
        "optimize",
        "--config",
        &cfg,
        "--maximize",
        "power",
        "--subject-to",
        "efficiency >= 0.012",
        "--json",
        "--backend",
        "cpu",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let params = v["parameters"].as_object().unwrap();
    assert_eq!(params.keys().collect::<Vec<_>>(), ["t_a", "tau"]);
    // Every key of `point --json`, with the values `point` gives there.
    let t_a = params["t_a"].as_f64().unwrap().to_string();
    let tau = params["tau"].as_f64().unwrap().to_string();
    let p = nessbat(&[
        "point", "--json", "--t-a", &t_a, "--t-s", "0.1", "--tau", &tau,
    ]);
    let p: serde_json::Value = serde_json::from_slice(&p.stdout).unwrap();
    for (k, want) in p.as_object().unwrap() {
        assert_eq!(&v[k], want, "key {k}");
    }
    assert!(v["efficiency"].as_f64().unwrap() >= 0.012 * (1.0 - 1e-9));
    assert_eq!(v["constraint_satisfied"], true);
    assert_eq!(v["objective"]["quantity"], "power");
    assert_eq!(v["outcome"], "optimum");
    assert_eq!(v["converged"], true);
    let history = std::fs::read_to_string(out.join("history.csv")).unwrap();
    assert!(
        history.starts_with("start,iteration,points,value,t_a,tau,t_a_lo,t_a_hi,tau_lo,tau_hi\n")
    );
    assert!(history.lines().count() > 3);
}

/// T_A below T_S everywhere under KMS rates: the heat flows the wrong way
/// through the doublet and no point extracts work.
const NO_ENGINE: &str = r#"
rates = "kms"
[fixed]
gamma = 1e-3
lambda = 0.9
tau = 50.0
[[axes]]
name = "t_a"
range = [0.05, 0.4]
points = 8
[[axes]]
name = "t_s"
range = [0.5, 2.0]
points = 8
"#;

#[test]
fn a_grid_without_an_engine_is_an_outcome_not_an_optimum() {
    let dir = scratch("optimize", "no-engine");
    let cfg = write_config(&dir, NO_ENGINE);
    for q in ["power", "efficiency", "ergotropy"] {
        let out = dir.join(format!("out-{q}"));
        let args = |json: bool| {
            let mut a = vec![
                "optimize",
                "--config",
                &cfg,
                "--maximize",
                q,
                "--backend",
                "cpu",
                "--force",
                "--out",
                out.to_str().unwrap(),
            ];
            if json {
                a.push("--json");
            }
            a.into_iter().map(String::from).collect::<Vec<_>>()
        };
        let a = args(true);
        let o = nessbat(&a.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(
            o.status.code(),
            Some(3),
            "{q}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["outcome"], "no_engine", "{q}");
        assert_eq!(v["converged"], false, "{q}");
        assert_eq!(v["ergotropy"], 0.0, "{q}");
        let a = args(false);
        let o = nessbat(&a.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(o.status.code(), Some(3));
        let text = String::from_utf8_lossy(&o.stdout);
        assert!(text.contains("no engine here"), "{text}");
        assert!(!text.contains("optimum"), "{text}");
    }
}

#[test]
fn bad_input_is_rejected() {
    let dir = scratch("optimize", "bad");
    let cfg = write_config(&dir, TWO_AXES);
    let out = dir.join("out");
    let o = out.to_str().unwrap();
    let base = ["optimize", "--config", &cfg, "--backend", "cpu", "--out", o];
    let with = |extra: &[&str]| nessbat(&[&base[..], extra].concat());
    bad_input(&with(&["--maximize", "powr"]), "powr");
    bad_input(&with(&["--minimize", "heat"]), "heat");
    bad_input(
        &with(&["--maximize", "power", "--subject-to", "efficiency >> 0.1"]),
        "efficiency >> 0.1",
    );
    bad_input(
        &with(&["--maximize", "power", "--subject-to", "efficiency >= x"]),
        "x",
    );
    bad_input(
        &with(&["--maximize", "power", "--subject-to", "efficiency >= 0.9"]),
        "no point",
    );
    bad_input(&with(&["--pareto", "power"]), "--pareto");
    bad_input(&with(&["--pareto", "power,power"]), "--pareto");
    bad_input(&with(&["--pareto", "power,eff"]), "eff");
    bad_input(&with(&[]), "--maximize");
    bad_input(
        &with(&["--maximize", "power", "--pareto", "power,efficiency"]),
        "--pareto",
    );
    bad_input(&with(&["--maximize", "power", "--xtol", "0"]), "xtol");
    // Finer than f64 can bracket: refused, not run out of steps.
    bad_input(
        &with(&["--maximize", "power", "--xtol", "1e-300"]),
        "1e-14 <= xtol",
    );
    let none = write_config(
        &dir,
        "[fixed]\nlambda = 0.01\ntau = 1.0\nt_a = 2.0\nt_s = 0.1\ngamma = 1e-3\n",
    );
    bad_input(
        &nessbat(&[
            "optimize",
            "--config",
            &none,
            "--maximize",
            "power",
            "--backend",
            "cpu",
            "--out",
            o,
        ]),
        "no axes",
    );
    assert!(!out.exists(), "something was written for bad input");
}

#[test]
fn pareto_front_is_the_set_of_non_dominated_points() {
    let dir = scratch("optimize", "pareto");
    let cfg = write_config(&dir, TWO_AXES);
    let g = Grid::new(SweepConfig::parse(TWO_AXES, "test").unwrap()).unwrap();
    let res = cpu::run(&g, &Progress::NONE);
    let p = res.values(Quantity::Power);
    let e = res.values(Quantity::Efficiency);
    for constraint in [None, Some("heat_hot <= 0.05")] {
        let out = dir.join(format!("out{}", constraint.is_some()));
        let mut args = vec![
            "optimize",
            "--config",
            &cfg,
            "--pareto",
            "power,efficiency",
            "--plot",
            "--backend",
            "cpu",
            "--out",
            out.to_str().unwrap(),
        ];
        if let Some(c) = constraint {
            args.extend(["--subject-to", c]);
        }
        let o = nessbat(&args);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        // The definition, pair by pair, over the admitted points.
        let heat = res.values(Quantity::HeatHot);
        let admitted: Vec<usize> = (0..p.len())
            .filter(|i| res.status[*i] == 0 && p[*i].is_finite() && e[*i].is_finite())
            .filter(|i| constraint.is_none() || heat[*i] <= 0.05)
            .collect();
        let mut want: Vec<(f64, f64)> = admitted
            .iter()
            .filter(|i| {
                !admitted.iter().any(|j| {
                    p[*j] >= p[**i] && e[*j] >= e[**i] && (p[*j] > p[**i] || e[*j] > e[**i])
                })
            })
            .map(|i| (p[*i], e[*i]))
            .collect();
        want.sort_by(|a, b| b.0.total_cmp(&a.0));
        let table: Array2<f64> = read_npy(out.join("pareto.npy")).unwrap();
        assert_eq!(table.ncols(), 2 + nessbat::kernels::N_OUTPUTS);
        let got: Vec<(f64, f64)> = table.rows().into_iter().map(|r| (r[3], r[4])).collect();
        assert_eq!(got, want, "{constraint:?}");
        assert!(want.len() >= 3);
        // Each row's parameters give its figures on the grid.
        for r in table.rows() {
            let i = (0..p.len())
                .find(|i| p[*i] == r[3] && e[*i] == r[4])
                .unwrap();
            assert_eq!(
                g.point_params(i as u64),
                g.params_at(&[("t_a", r[0]), ("tau", r[1])])
            );
        }
        let csv = std::fs::read_to_string(out.join("pareto.csv")).unwrap();
        assert_eq!(csv.lines().count(), want.len() + 1);
        assert!(out.join("pareto.png").metadata().unwrap().len() > 10_000);
    }
}

const EFFICIENCY: Objective = Objective {
    quantity: Quantity::Efficiency,
    maximize: true,
};

/// The unconstrained maximum of η on the CPU, and its reference figures.
fn most_efficient(g: &Grid) -> (Optimum, nessbat::oracle::PointFigures) {
    let best = optimize(
        &Backend::Cpu,
        g,
        EFFICIENCY,
        Constraints::default(),
        &OptimizeOptions::default(),
    )
    .unwrap();
    let f = figures(g, &best);
    (best, f)
}

fn grid_of(text: &str) -> Grid {
    Grid::new(SweepConfig::parse(text, "test").unwrap()).unwrap()
}

#[test]
fn the_most_efficient_engine_on_explicit_rates_is_the_true_maximum() {
    // Γ_A+ × Γ_S− over 1e-4 … 0.1 with Γ_A− = 1e-3, Γ_S+ = 1e-4: balanced
    // rates (Γ+/Γ− equal in both baths) run nothing, and noise there once
    // gave "efficiency 2.9". The optimum must be a real engine and the
    // brute-force maximum over a 256² grid, within 1e-6.
    let axes = |n: u32| {
        format!(
            "[fixed]\nlambda = 0.1\ntau = 20.0\nrate_a_down = 1e-3\nrate_s_up = 1e-4\n\
             [[axes]]\nname = \"rate_a_up\"\nrange = [1e-4, 0.1]\npoints = {n}\nspacing = \"log\"\n\
             [[axes]]\nname = \"rate_s_down\"\nrange = [1e-4, 0.1]\npoints = {n}\nspacing = \"log\"\n"
        )
    };
    let g = grid_of(&axes(24));
    let (_, f) = most_efficient(&g);
    assert!(f.ergotropy > 0.0 && f.efficiency <= 1.0, "{f:?}");
    let fine = grid_of(&axes(256));
    let res = cpu::run(&fine, &Progress::NONE);
    let eff = res.values(Quantity::Efficiency);
    let brute = (0..res.len())
        .filter(|&i| res.status[i] == 0 && eff[i].is_finite())
        .map(|i| eff[i])
        .fold(f64::NEG_INFINITY, f64::max);
    assert!(brute > 0.9999 && brute <= 1.0, "brute force {brute}");
    assert!(f.efficiency >= brute - 1e-6, "{} < {brute}", f.efficiency);
}

#[test]
fn the_most_efficient_engine_over_temperatures_runs() {
    // T_A × T_S through the diagonal: noise at T_A = T_S once won with a
    // negative ergotropy.
    let g = grid_of(
        "[fixed]\nlambda = 0.01\ngamma = 1e-3\ntau = 0.01\n\
         [[axes]]\nname = \"t_a\"\nrange = [0.1, 5.0]\npoints = 48\nspacing = \"log\"\n\
         [[axes]]\nname = \"t_s\"\nrange = [0.1, 5.0]\npoints = 48\nspacing = \"log\"\n",
    );
    let (best, f) = most_efficient(&g);
    assert!(f.ergotropy > 0.0, "{f:?}");
    assert!(best.coords[0] != best.coords[1]);
    assert!(f.efficiency > 0.0 && f.efficiency <= 1.0);
    assert_eq!(f.status, nessbat::kernels::trust::PointStatus::Ok);
}

/// An optimum at the end of a searched range is flagged, in the JSON
/// (`on_boundary`) and the table, with the advice to widen the range; an
/// axis whose optimum is inside its range is not.
#[test]
fn an_optimum_on_the_edge_of_the_box_is_flagged() {
    let dir = std::env::temp_dir().join(format!("nessbat-edge-{}", std::process::id()));
    let out = dir.join("o");
    let run = |json: bool| {
        let mut args = vec![
            "optimize",
            "--config",
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/docs/configs/engine_search.toml"
            ),
            "--maximize",
            "power",
            "--subject-to",
            "efficiency >= 0.015",
            "--backend",
            "cpu",
            "--force",
            "--out",
            out.to_str().unwrap(),
        ];
        if json {
            args.push("--json");
        }
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_nessbat"))
            .args(&args)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        o
    };
    let o = run(true);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    // Power grows with λ and as τ shrinks: both sit at an end of their range.
    assert_eq!(v["on_boundary"], serde_json::json!(["lambda", "tau"]));
    assert!(String::from_utf8_lossy(&o.stderr).contains("widen"));
    let t_a = v["parameters"]["t_a"].as_f64().unwrap();
    assert!(t_a > 0.2 && t_a < 4.9, "t_a = {t_a} is inside its range");
    let table = String::from_utf8_lossy(&run(false).stdout).into_owned();
    let line = |axis: &str| {
        table
            .lines()
            .find(|l| l.trim_start().starts_with(axis))
            .unwrap()
            .to_string()
    };
    assert!(line("tau").contains("widen"), "{table}");
    assert!(!line("t_a").contains("widen"), "{table}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Several `--subject-to` (or one joined with " and "): the optimum meets
/// them all, and the binding one moves it.
#[test]
fn several_constraints_all_hold() {
    let dir = std::env::temp_dir().join(format!("nessbat-several-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cfg = dir.join("c.toml");
    std::fs::write(
        &cfg,
        "[fixed]\nlambda = 0.01\ngamma = 1e-3\nt_s = 0.1\ntau = 150.0\n[[axes]]\nname = \"t_a\"\nrange = [0.3, 5.0]\npoints = 24\nspacing = \"log\"\n",
    )
    .unwrap();
    let run = |extra: &[&str]| -> serde_json::Value {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_nessbat"))
            .args([
                "optimize",
                "--config",
                cfg.to_str().unwrap(),
                "--maximize",
                "power",
                "--json",
                "--backend",
                "cpu",
                "--force",
            ])
            .args(["--out", dir.join("o").to_str().unwrap()])
            .args(extra)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        serde_json::from_slice(&o.stdout).unwrap()
    };
    let free = run(&[]);
    let p_max = free["power"].as_f64().unwrap();
    let cap = format!("power <= {}", 0.9 * p_max);
    let both = run(&["--subject-to", "efficiency >= 0.005", "--subject-to", &cap]);
    assert_eq!(both["subject_to"], format!("efficiency >= 0.005 and {cap}"));
    assert_eq!(both["constraint_satisfied"], true);
    let p = both["power"].as_f64().unwrap();
    assert!(
        p <= 0.9 * p_max * (1.0 + 1e-6) && p >= 0.85 * p_max,
        "{p} vs {p_max}"
    );
    assert!(both["efficiency"].as_f64().unwrap() >= 0.005);
    let joined = run(&["--subject-to", &format!("efficiency >= 0.005 and {cap}")]);
    assert_eq!(joined["parameters"], both["parameters"]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn queries_write_only_with_out_and_an_optimum_folder_is_a_result() {
    // Two queries in a row in one folder both run and write nothing there;
    // with --out the optimum leaves history.csv and metadata.json, from
    // which `config --from` gives back the config that was searched.
    let dir = scratch("optimize", "no-out");
    let cfg = write_config(&dir, TWO_AXES);
    let query = |extra: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_nessbat"))
            .current_dir(&dir)
            .args(["optimize", "--config", &cfg, "--backend", "cpu"])
            .args(extra)
            .output()
            .unwrap()
    };
    for _ in 0..2 {
        let o = query(&["--maximize", "power"]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert!(String::from_utf8_lossy(&o.stdout).contains("history: not written"));
        let o = query(&["--pareto", "power,efficiency"]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        // The front itself on stdout: its CSV header.
        assert!(String::from_utf8_lossy(&o.stdout).contains("not written"));
    }
    assert!(
        !dir.join("out").exists(),
        "a query without --out wrote a folder"
    );
    // A plot is a file: it needs --out (clap names it on the next line).
    let o = query(&["--pareto", "power,efficiency", "--plot"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--out"));
    let out = dir.join("best");
    let o = query(&["--maximize", "power", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.join("history.csv").exists());
    let from = |p: &std::path::Path| nessbat(&["config", "--from", p.to_str().unwrap()]);
    let (a, b) = (from(&out), from(std::path::Path::new(&cfg)));
    assert!(a.status.success(), "{}", String::from_utf8_lossy(&a.stderr));
    assert_eq!(a.stdout, b.stdout);
}
