//! Battery sweeps (`nessbat sweep` over a `[battery]` config):
//! - the paper's system as a two-spin chain, swept over (T, T, λ), equals
//!   the built-in model's sweep with `rates = "kms"` to 1e-12 at every
//!   point, figure by figure (λ on an axis changes H: each value is
//!   diagonalised once);
//! - every point of a sweep is the one-point computation at that point
//!   (the C order of the arrays, the axes' mapping);
//! - the maser's efficiency is 1 − ω_c/ω_h wherever it runs;
//! - the written folder: `heat_NAME` arrays, status codes, checksums,
//!   `--outputs`; bad input and grids too large for memory refused in one
//!   line with nothing written.

mod common;

use common::files::{bad_input, nessbat, scratch};
use common::{MASER_BATTERY, PAPER_CHAIN_BATTERY};
use nessbat::backend::run::Backend;
use nessbat::backend::Progress;
use nessbat::battery::gpu::GpuStrokes;
use nessbat::battery::grid::Use;
use nessbat::battery::sweep::{kept, run, Figure};
use nessbat::battery::{battery_point, BatteryGrid};
use nessbat::config::SweepConfig;
use nessbat::grid::Grid;
use nessbat::kernels::Quantity;
use nessbat::sweep::runner::Sweep;

const CHAIN_HEAD: &str = PAPER_CHAIN_BATTERY;

/// The shared grid over (T of bath `a`, T of bath `s`, λ), with Γ = 2e-3
/// for both and τ = 60.
fn grid_over(a: &str, s: &str) -> String {
    format!(
        r#"
[fixed]
gamma_{a} = 2e-3
gamma_{s} = 2e-3
tau = 60.0
[[axes]]
name = "t_{a}"
range = [0.3, 4.0]
points = 7
[[axes]]
name = "t_{s}"
values = [0.05, 0.2, 0.6, 1.5]
[[axes]]
name = "lambda"
values = [0.01, 0.08, 0.3]
"#
    )
}

fn chain() -> String {
    format!("{CHAIN_HEAD}{}", grid_over("aa", "ss"))
}

fn built_in() -> String {
    format!("rates = \"kms\"\n{}", grid_over("a", "s"))
}

fn battery_grid(text: &str) -> BatteryGrid {
    let cfg = SweepConfig::parse(text, "test").unwrap();
    BatteryGrid::new(&cfg, Use::Sweep).unwrap()
}

#[test]
fn the_paper_system_swept_as_a_chain_is_the_built_in_kms_sweep() {
    paper_system_is_the_built_in(None);
}

/// The same with the strokes on the GPU (lavapipe in CI).
#[test]
fn the_paper_system_is_the_built_in_with_strokes_on_the_gpu() {
    let Some(ctx) =
        common::gpu::gpu_or_skip("the_paper_system_is_the_built_in_with_strokes_on_the_gpu")
    else {
        return;
    };
    let gpu = GpuStrokes::new(&ctx, 4).unwrap();
    paper_system_is_the_built_in(Some(&gpu));
}

/// The paper's system as a chain, on the CPU backend or with `gpu`
/// strokes, against the built-in kms sweep, figure by figure to 1e-12.
fn paper_system_is_the_built_in(gpu: Option<&GpuStrokes>) {
    let grid = battery_grid(&chain());
    let figures = kept(&grid, None).unwrap();
    let res = run(&grid, &figures, &Progress::NONE, gpu).unwrap();
    let built = Grid::new(SweepConfig::parse(&built_in(), "test").unwrap()).unwrap();
    let out = Sweep::new(&built)
        .run(&Backend::Cpu, &Progress::NONE, &|_| {})
        .unwrap();
    let full = out.full.as_ref().unwrap();
    assert_eq!(res.shape, full.shape);
    let pairs = [
        (Figure::Ergotropy, Quantity::Ergotropy),
        (Figure::Power, Quantity::Power),
        (Figure::Efficiency, Quantity::Efficiency),
        (Figure::Heat(0), Quantity::HeatA),
        (Figure::Heat(1), Quantity::HeatS),
        (Figure::HeatIn, Quantity::HeatIn),
        (Figure::EntropyProduction, Quantity::EntropyProduction),
        (Figure::NessErgotropy, Quantity::NessErgotropy),
    ];
    let (mut compared, mut engines) = (0, 0);
    for i in 0..res.status.len() {
        // Both ok: the built-in's status 0 and the battery's.
        if res.status[i] != 0 || full.status[i] != 0 {
            continue;
        }
        compared += 1;
        let value = |f: Figure| res.arrays.iter().find(|(g, _)| *g == f).unwrap().1[i];
        // σ = −Σ Q_k/T_k cancels its terms: to 1e-12 of them, the heats'
        // own agreement.
        let (t_aa, t_ss) = {
            let (_, baths, _) = grid.point(i as u64);
            (baths[0].temperature, baths[1].temperature)
        };
        let terms = value(Figure::Heat(0)).abs() / t_aa + value(Figure::Heat(1)).abs() / t_ss;
        for (f, q) in pairs {
            let got = value(f);
            let want = full.values(q)[i];
            let scale = match f {
                Figure::EntropyProduction => terms,
                _ => want.abs(),
            };
            let same = (got.is_nan() && want.is_nan())
                || (got - want).abs() <= 1e-12 * scale
                // An exact zero of one against the other's rounding.
                || (got == 0.0 || want == 0.0) && (got - want).abs() <= 1e-15;
            assert!(
                same,
                "point {i} {}: battery {got:e}, built-in {want:e}",
                f.name(&grid.names)
            );
        }
        if full.values(Quantity::Ergotropy)[i] > 0.0 {
            engines += 1;
        }
    }
    let n = res.status.len();
    assert!(compared * 10 >= n * 9, "{compared} of {n} compared");
    assert!(engines > 10, "{engines} engines");
}

#[test]
fn every_point_of_a_sweep_is_its_one_point_computation() {
    let grid = battery_grid(&chain());
    let figures = kept(&grid, None).unwrap();
    let res = run(&grid, &figures, &Progress::NONE, None).unwrap();
    let (n_ss, n_l) = (4, 3);
    for (ia, &t_aa) in grid.axes[0].values.iter().enumerate() {
        for (is, &t_ss) in [0.05, 0.2, 0.6, 1.5].iter().enumerate() {
            for (il, &lambda) in [0.01, 0.08, 0.3].iter().enumerate() {
                let text = format!(
                    "{CHAIN_HEAD}[fixed]\ngamma_aa = 2e-3\ngamma_ss = 2e-3\ntau = 60.0\nt_aa = {t_aa:?}\nt_ss = {t_ss:?}\nlambda = {lambda:?}\n"
                );
                let cfg = SweepConfig::parse(&text, "test").unwrap();
                let p = nessbat::battery::BatteryPoint::from_config(&cfg).unwrap();
                let f = p.figures();
                let i = (ia * n_ss + is) * n_l + il;
                assert_eq!(res.status[i], f.status.code(), "point {i}");
                for (fig, a) in &res.arrays {
                    let want = fig.of(&f);
                    assert!(
                        a[i] == want || (a[i].is_nan() && want.is_nan()),
                        "point {i} {}: sweep {:e}, point {want:e}",
                        fig.name(&grid.names),
                        a[i]
                    );
                }
            }
        }
    }
    // The library's own point, as the sweep calls it.
    let (spectrum, baths, tau) = grid.point(5);
    let f = battery_point(spectrum, &grid.names, &baths, tau);
    assert_eq!(res.arrays[0].1[5], f.ergotropy);
}

/// The maser over (T_h, T_c).
fn maser() -> String {
    format!("{MASER_BATTERY}[fixed]\ntau = 100.0\n[[axes]]\nname = \"t_h\"\nrange = [0.1, 5.0]\npoints = 24\n[[axes]]\nname = \"t_c\"\nrange = [0.05, 1.0]\npoints = 24\nspacing = \"log\"\n")
}

#[test]
fn a_written_maser_sweep_holds_its_arrays_statuses_and_otto_efficiency() {
    let dir = scratch("battery_sweep", "maser");
    let cfg = dir.join("maser.toml");
    std::fs::write(&cfg, maser()).unwrap();
    let out = dir.join("out");
    let o = nessbat(&[
        "sweep",
        "--config",
        cfg.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("metadata.json")).unwrap()).unwrap();
    for name in ["ergotropy", "heat_h", "heat_c", "capacity", "status"] {
        let file = meta["arrays"][name]["file"].as_str().unwrap();
        let sum = nessbat::store::output::checksum(&out.join(file)).unwrap();
        assert_eq!(meta["checksums"][file], sum.as_str(), "{file}");
    }
    assert_eq!(meta["shape"], serde_json::json!([24, 24]));
    assert_eq!(meta["status_codes"]["not_populations"], 4);
    assert_eq!(
        meta["battery"]["energies"],
        serde_json::json!([0.0, 0.4, 1.0])
    );
    let read = |name: &str| -> Vec<f64> {
        let a: ndarray::ArrayD<f64> =
            ndarray_npy::read_npy(out.join(format!("{name}.npy"))).unwrap();
        a.iter().copied().collect()
    };
    let status: ndarray::ArrayD<u8> = ndarray_npy::read_npy(out.join("status.npy")).unwrap();
    let (work, eff, hh, hc) = (
        read("ergotropy"),
        read("efficiency"),
        read("heat_h"),
        read("heat_c"),
    );
    let mut engines = 0;
    for i in 0..status.len() {
        assert_eq!(status.as_slice().unwrap()[i], 0, "point {i}");
        if work[i] > 0.0 {
            engines += 1;
            assert!((eff[i] - 0.6).abs() <= 1e-9, "point {i}: η {}", eff[i]);
            // One quantum of each per cycle: Q_c/Q_h = −ω_c/ω_h.
            assert!((hc[i] / hh[i] + 0.4).abs() <= 1e-9);
        } else {
            assert_eq!(work[i], 0.0);
        }
    }
    assert!(engines > 100, "{engines} engines");
    // --outputs keeps only those arrays (status always); --force replaces.
    let o = nessbat(&[
        "sweep",
        "--config",
        cfg.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
        "--force",
        "--outputs",
        "power,heat_c",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut files: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        ["heat_c.npy", "metadata.json", "power.npy", "status.npy"]
    );
}

#[test]
fn bad_battery_sweeps_are_refused_in_one_line_with_nothing_written() {
    let dir = scratch("battery_sweep", "bad");
    let run_with = |name: &str, text: &str, extra: &[&str], env: Option<(&str, &str)>| {
        let cfg = dir.join(format!("{name}.toml"));
        std::fs::write(&cfg, text).unwrap();
        let out = dir.join(format!("out-{name}"));
        let mut args = vec![
            "sweep",
            "--config",
            cfg.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_nessbat"));
        c.args(&args);
        if let Some((k, v)) = env {
            c.env(k, v);
        }
        (c.output().unwrap(), out)
    };
    let refused = |name: &str, text: &str, extra: &[&str], env, names: &str| {
        let (o, out) = run_with(name, text, extra, env);
        bad_input(&o, names);
        assert!(!out.join("metadata.json").exists(), "{name} wrote a result");
        assert!(
            !out.exists() || std::fs::read_dir(&out).unwrap().next().is_none(),
            "{name} left files"
        );
    };
    refused(
        "f32",
        &maser(),
        &["--precision", "f32"],
        None,
        "--precision f32",
    );
    refused(
        "outputs",
        &maser(),
        &["--outputs", "heat_a"],
        None,
        "heat_a",
    );
    refused(
        "axis",
        &maser().replace("name = \"t_c\"", "name = \"t_x\""),
        &[],
        None,
        "t_x",
    );
    refused(
        "negative",
        &maser().replace("range = [0.1, 5.0]", "range = [-1.0, 5.0]"),
        &[],
        None,
        "t_h",
    );
    refused(
        "memory",
        &maser(),
        &[],
        Some(("NESSBAT_MEMORY_BUDGET", "1000")),
        "memory",
    );
}

/// A generator whose eigenvalues nalgebra's Schur iteration never found
/// without an iteration cap (found: `nessbat point` hung at τ ≳ 3856): the
/// point returns, at status ok, with the first law holding.
#[test]
fn a_generator_whose_schur_iteration_stalls_still_returns() {
    let text = "[battery.chain]\nspins = 3\n[[battery.baths]]\nname = \"h\"\ncoupling = \"sx1 - sx2 + sx3\"\n\
                [[battery.baths]]\nname = \"c\"\ncoupling = \"sx1 + sx2 + sx3\"\n[fixed]\nomega_2 = 1.013\n\
                omega_3 = 1.031\nt_c = 0.1\ngamma_h = 1e-3\ngamma_c = 1e-3\nlambda = 0.001\n\
                t_h = 4.685207092361501\ntau = 3856.620421163472\n";
    let cfg = SweepConfig::parse(text, "test").unwrap();
    let p = nessbat::battery::BatteryPoint::from_config(&cfg).unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(p.figures());
    });
    let f = rx
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("the point did not return within a minute");
    assert_eq!(f.status.name(), "ok", "{:?}", f.message);
    let sum: f64 = f.heats.iter().map(|h| h.heat).sum();
    assert!(
        (sum - f.ergotropy).abs() <= 1e-9 * f.heat_in,
        "{sum:e} vs {:e}",
        f.ergotropy
    );
}
