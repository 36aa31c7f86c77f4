//! Reductions over battery sweeps (`[[reduce]]` with a `[battery]`):
//! - every reduced cell is the extremum that a brute-force pass over the
//!   full arrays finds (value, arg axes, count, flagged, status), for max,
//!   min, argmax and argmin, with and without `where`, heat_NAME included;
//! - the maser's best efficiency over T_c where it runs is 1 − ω_c/ω_h;
//! - a folder of reductions only: the files and metadata of a built-in
//!   reduction, no full arrays;
//! - bad entries (a figure the battery lacks, in quantity or where; a name
//!   whose files another array has) are refused in one line.

mod common;

use common::files::{bad_input, nessbat, scratch};
use common::MASER_BATTERY;
use nessbat::backend::Progress;
use nessbat::battery::grid::Use;
use nessbat::battery::sweep::{run_plan, Plan};
use nessbat::battery::BatteryGrid;
use nessbat::config::SweepConfig;

/// The maser over (T_h, T_c, τ) with the given `[[reduce]]` entries.
fn maser(reduce: &str, full: bool) -> String {
    format!(
        "full_arrays = {full}\n{MASER_BATTERY}[fixed]\ngamma_h = 1e-3\ngamma_c = 2e-3\n[[axes]]\nname = \"t_h\"\nvalues = [0.3, 0.8, 2.0, 5.0]\n[[axes]]\nname = \"t_c\"\nrange = [0.05, 1.0]\npoints = 7\n[[axes]]\nname = \"tau\"\nvalues = [0.5, 5.0, 50.0, 500.0, 5000.0]\n{reduce}"
    )
}

const REDUCTIONS: &str = r#"
[[reduce]]
name = "best"
op = "argmax"
quantity = "power"
over = ["tau"]
[[reduce]]
name = "least_heat"
op = "min"
quantity = "heat_c"
over = ["t_c", "tau"]
[[reduce]]
name = "best_efficient"
op = "argmin"
quantity = "entropy_production"
over = ["t_h", "tau"]
where = "power > 1e-6 and efficiency >= 0.5"
"#;

#[test]
fn reduced_cells_are_the_brute_force_extrema() {
    let cfg = SweepConfig::parse(&maser(REDUCTIONS, true), "test").unwrap();
    let grid = BatteryGrid::new(&cfg, Use::Sweep).unwrap();
    let plan = Plan::new(&grid, None).unwrap();
    assert!(plan.full && plan.reductions.len() == 3);
    let res = run_plan(&grid, &plan, &Progress::NONE, None).unwrap();
    let shape = grid.shape();
    let array = |name: &str| {
        &res.arrays
            .iter()
            .find(|(f, _)| f.name(&grid.names) == name)
            .unwrap()
            .1
    };
    // (quantity, minimise, over axes, constraint) per reduction.
    type Check = fn(&dyn Fn(&str) -> f64) -> bool;
    let cases: [(&str, bool, Vec<usize>, Check); 3] = [
        ("power", false, vec![2], |_| true),
        ("heat_c", true, vec![1, 2], |_| true),
        ("entropy_production", true, vec![0, 2], |v| {
            v("power") > 1e-6 && v("efficiency") >= 0.5
        }),
    ];
    let mut found = 0;
    for ((q, minimise, over, holds), r) in cases.iter().zip(&res.reduced) {
        let kept: Vec<usize> = (0..3).filter(|k| !over.contains(k)).collect();
        let cells: usize = kept.iter().map(|&k| shape[k]).product();
        assert_eq!(r.value.len(), cells);
        for c in 0..cells {
            let (mut best, mut at, mut count, mut flagged) = (f64::NAN, usize::MAX, 0u64, 0u64);
            for i in 0..grid.len() as usize {
                let idx = [
                    i / (shape[1] * shape[2]),
                    i / shape[2] % shape[1],
                    i % shape[2],
                ];
                let cell = kept.iter().fold(0, |a, &k| a * shape[k] + idx[k]);
                if cell != c {
                    continue;
                }
                match res.status[i] {
                    0 => {}
                    1 | 3 => {
                        flagged += 1;
                        continue;
                    }
                    _ => continue,
                }
                let v = |name: &str| array(name)[i];
                let x = v(q);
                if !x.is_finite() || !holds(&v) {
                    continue;
                }
                count += 1;
                let better = if *minimise { x < best } else { x > best };
                if at == usize::MAX || better {
                    (best, at) = (x, i);
                }
            }
            assert_eq!(r.count[c], count, "{} cell {c}", r.name);
            assert_eq!(r.flagged[c], flagged, "{} cell {c}", r.name);
            let status = if flagged > 0 {
                2
            } else if count == 0 {
                1
            } else {
                0
            };
            assert_eq!(r.status[c], status, "{} cell {c}", r.name);
            if count == 0 {
                assert!(r.value[c].is_nan());
                continue;
            }
            found += 1;
            assert_eq!(r.value[c], best, "{} cell {c}", r.name);
            let idx = [
                at / (shape[1] * shape[2]),
                at / shape[2] % shape[1],
                at % shape[2],
            ];
            for (k, (axis, values)) in over.iter().zip(&r.at) {
                assert_eq!(axis, &grid.axes[*k].name);
                assert_eq!(
                    values[c], grid.axes[*k].values[idx[*k]],
                    "{} cell {c} {axis}",
                    r.name
                );
            }
        }
        // max/min keep no axis values; arg-ops one per reduced axis.
        assert_eq!(
            r.at.len(),
            if r.name == "least_heat" {
                0
            } else {
                over.len()
            }
        );
    }
    assert!(found > 20, "{found} cells found");
}

#[test]
fn the_masers_best_efficiency_is_its_otto_efficiency() {
    let reduce = "[[reduce]]\nname = \"eta\"\nop = \"max\"\nquantity = \"efficiency\"\nover = [\"t_c\", \"tau\"]\nwhere = \"power > 0\"\n";
    let cfg = SweepConfig::parse(&maser(reduce, false), "test").unwrap();
    let grid = BatteryGrid::new(&cfg, Use::Sweep).unwrap();
    let plan = Plan::new(&grid, None).unwrap();
    assert!(!plan.full);
    let res = run_plan(&grid, &plan, &Progress::NONE, None).unwrap();
    assert!(res.arrays.is_empty() && res.status.is_empty());
    let eta = &res.reduced[0];
    let mut running = 0;
    for (c, v) in eta.value.iter().enumerate() {
        if eta.count[c] > 0 {
            running += 1;
            assert!((v - 0.6).abs() <= 1e-9, "cell {c}: {v}");
        }
    }
    assert!(running >= 2, "{running} cells run as engines");
}

#[test]
fn a_folder_of_reductions_only_is_written_as_a_built_in_one() {
    let dir = scratch("battery_reduce", "folder");
    let cfg = dir.join("maser.toml");
    std::fs::write(&cfg, maser(REDUCTIONS, false)).unwrap();
    let out = dir.join("out");
    let (c, o) = (cfg.to_str().unwrap(), out.to_str().unwrap());
    let r = nessbat(&["sweep", "--quiet", "--config", c, "--out", o, "--plot"]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    assert!(!out.join("status.npy").exists() && !out.join("power.npy").exists());
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("metadata.json")).unwrap()).unwrap();
    let reds = meta["reductions"].as_array().unwrap();
    assert_eq!(reds.len(), 3);
    assert_eq!(reds[0]["quantity"], "power");
    assert_eq!(reds[2]["where"], "power > 0.000001 and efficiency >= 0.5");
    for r in reds {
        for (_, f) in r["files"].as_object().unwrap() {
            let f = f.as_str().unwrap();
            assert!(out.join(f).exists(), "{f}");
            assert_eq!(
                meta["checksums"][f],
                nessbat::store::output::checksum(&out.join(f))
                    .unwrap()
                    .as_str()
            );
        }
    }
    assert_eq!(reds[0]["kept_axes"], serde_json::json!(["t_h", "t_c"]));
    assert!(out.join("best.png").exists() && out.join("best.tau.png").exists());
}

#[test]
fn bad_reductions_are_refused() {
    let dir = scratch("battery_reduce", "bad");
    for (name, reduce, names) in [
        ("quantity", "[[reduce]]\nop = \"max\"\nquantity = \"heat_x\"\nover = [\"tau\"]\n", "heat_x"),
        ("where", "[[reduce]]\nop = \"max\"\nquantity = \"power\"\nover = [\"tau\"]\nwhere = \"heat_s > 0\"\n", "heat_s"),
        ("axis", "[[reduce]]\nop = \"max\"\nquantity = \"power\"\nover = [\"lambda\"]\n", "lambda"),
        // Names whose files would overwrite another's (found by review:
        // a reduction "power" replaced power.npy).
        ("array", "[[reduce]]\nname = \"power\"\nop = \"max\"\nquantity = \"power\"\nover = [\"tau\"]\n", "the full array power"),
        ("stem", "[[reduce]]\nname = \"best\"\nop = \"argmax\"\nquantity = \"power\"\nover = [\"tau\"]\n[[reduce]]\nname = \"best_tau\"\nop = \"max\"\nquantity = \"power\"\nover = [\"tau\"]\n", "reduction \"best\""),
    ] {
        let cfg = dir.join(format!("{name}.toml"));
        std::fs::write(&cfg, maser(reduce, false)).unwrap();
        let out = dir.join(name);
        let o = nessbat(&["sweep", "--config", cfg.to_str().unwrap(), "--out", out.to_str().unwrap()]);
        bad_input(&o, names);
        assert!(!out.join("metadata.json").exists());
    }
}

/// The same refusal for the built-in model, whose reduction "power" had
/// silently replaced power.npy (exit 0).
#[test]
fn a_built_in_reduction_may_not_take_an_arrays_name() {
    let dir = scratch("battery_reduce", "built_in");
    let cfg = dir.join("c.toml");
    std::fs::write(
        &cfg,
        "full_arrays = true\n[fixed]\nt_s = 0.1\n[[axes]]\nname = \"t_a\"\nvalues = [1.0, 2.0]\n[[axes]]\nname = \"tau\"\nvalues = [10.0, 100.0]\n[[reduce]]\nname = \"power\"\nop = \"max\"\nquantity = \"power\"\nover = [\"tau\"]\n",
    )
    .unwrap();
    let out = dir.join("out");
    let o = nessbat(&[
        "sweep",
        "--config",
        cfg.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    bad_input(&o, "the full array power");
    assert!(!out.join("metadata.json").exists());
}
