//! `outputs = [...]` (config), `--outputs` (CLI): a sweep keeps only the
//! chosen arrays, and each kept array is the full run's bit for bit on the
//! CPU backend and on the GPU (f64, and f32 with its f64 recheck); files,
//! metadata, plots, checkpoints, shards and reruns follow the choice;
//! reductions still see every quantity; bad lists are refused.

use std::path::Path;

mod common;

use common::backends::{backend_suite, Target};
use common::files::{bad_input, nessbat, scratch};
use nessbat::backend::run::{Backend, BackendChoice};
use nessbat::backend::Progress;
use nessbat::config::outputs::Outputs;
use nessbat::config::SweepConfig;
use nessbat::grid::Grid;
use nessbat::kernels::Quantity;
use nessbat::store::results::{FloatsFlat, SweepResults};
use nessbat::sweep::Sweep;

/// Pumped short strokes and a KMS temperature grid: flagged (imprecise)
/// points, NaN efficiencies and entropy where nothing runs, all in one.
const CONFIG: &str = r#"
rates = "kms"
[fixed]
lambda = 0.05
gamma = 1e-3
[[axes]]
name = "t_a"
range = [0.05, 5.0]
points = 9
spacing = "log"
[[axes]]
name = "tau"
values = [1e-4, 0.1, 150.0, 1e4]
[[axes]]
name = "t_s"
values = [0.1, 2.0, 5.0]
"#;

fn grid(outputs: Option<&[&str]>) -> Grid {
    let mut cfg = SweepConfig::parse(CONFIG, "outputs test").unwrap();
    if let Some(o) = outputs {
        let names: Vec<String> = o.iter().map(|s| s.to_string()).collect();
        cfg = cfg.with_outputs(&names, "outputs").unwrap();
    }
    Grid::new(cfg).unwrap()
}

fn run(backend: &Backend, g: &Grid) -> SweepResults {
    Sweep::new(g)
        .run(backend, &Progress::NONE, &|_| {})
        .unwrap()
        .full
        .unwrap()
}

fn bits(res: &SweepResults, q: Quantity) -> Vec<u64> {
    match &res.real {
        FloatsFlat::F64(a) => a[q.index()].iter().map(|v| v.to_bits()).collect(),
        FloatsFlat::F32(a) => a[q.index()]
            .iter()
            .map(|v| u64::from(v.to_bits()))
            .collect(),
    }
}

/// `part` keeps exactly `kept`, each equal to `full`'s bit for bit.
#[track_caller]
fn same_kept(full: &SweepResults, part: &SweepResults, kept: Outputs, what: &str) {
    assert_eq!(part.outputs, kept, "{what}");
    let first = |a: &[u64], b: &[u64]| a.iter().zip(b).position(|(x, y)| x != y);
    let wide = |v: &[u8]| v.iter().map(|&x| u64::from(x)).collect::<Vec<_>>();
    let at = first(&wide(&part.status), &wide(&full.status));
    assert!(at.is_none(), "{what}: status differs at point {at:?}");
    for q in Quantity::ALL {
        if kept.has(q) {
            let (a, b) = (bits(part, q), bits(full, q));
            assert_eq!(a.len(), b.len(), "{what}: {} length", q.name());
            let at = first(&a, &b);
            assert!(at.is_none(), "{what}: {} differs at point {at:?}", q.name());
        } else {
            assert!(bits(part, q).is_empty(), "{what}: {} kept", q.name());
        }
    }
    if kept.cycles() {
        assert_eq!(part.cycles, full.cycles, "{what}: cycles");
    } else {
        assert!(part.cycles.is_empty(), "{what}: cycles kept");
    }
}

const CHOICES: [&[&str]; 4] = [
    &["power", "efficiency"],
    &["error_estimate", "cycles", "entropy_production"],
    &["ness_ergotropy"],
    &["status"],
];

/// Each choice of kept arrays equals the full run's arrays of the same
/// backend and precision, bit for bit.
fn kept_arrays_equal_the_full_run(backend: &Backend, target: Target) {
    let full = run(backend, &grid(None));
    assert!(full.outputs.is_all());
    // The f32 run must exercise its f64 recheck with a subset kept.
    if target == Target::GpuF32 {
        assert!(full.status.contains(&0));
    }
    for choice in CHOICES {
        let g = grid(Some(choice));
        let what = format!("{} {choice:?}", target.label());
        same_kept(&full, &run(backend, &g), g.outputs, &what);
    }
}

backend_suite!(kept_arrays_equal_the_full_run: cpu, gpu_f64, gpu_f32);

/// Reductions read every quantity whatever the full arrays keep.
#[test]
fn reductions_see_every_quantity() {
    let text = format!(
        "{CONFIG}\nfull_arrays = true\n[[reduce]]\nname = \"best\"\nquantity = \"efficiency\"\nop = \"max\"\nover = [\"t_a\"]\n"
    );
    // `full_arrays` is a top-level key: move it above the tables.
    let text = text.replace("\nfull_arrays = true\n", "\n");
    let text = format!("full_arrays = true\noutputs = [\"power\"]\n{text}");
    let cpu = Backend::choose(BackendChoice::Cpu, None, &|_| {}).unwrap();
    let with = Grid::new(SweepConfig::parse(&text, "t").unwrap()).unwrap();
    let out = Sweep::new(&with)
        .run(&cpu, &Progress::NONE, &|_| {})
        .unwrap();
    let plain =
        Grid::new(SweepConfig::parse(&text.replace("outputs = [\"power\"]\n", ""), "t").unwrap())
            .unwrap();
    let want = Sweep::new(&plain)
        .run(&cpu, &Progress::NONE, &|_| {})
        .unwrap();
    assert_eq!(
        out.full.as_ref().unwrap().outputs.names(),
        ["power", "status"]
    );
    let (a, b) = (&out.reduced[0], &want.reduced[0]);
    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(&a.value), bits(&b.value));
    assert!(a.value.iter().any(|v| v.is_finite() && *v > 0.0));
}

fn write_config(dir: &Path) -> String {
    let p = dir.join("c.toml");
    std::fs::write(&p, CONFIG).unwrap();
    p.to_str().unwrap().to_string()
}

fn files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    v.sort();
    v
}

#[track_caller]
fn ok(args: &[&str]) {
    let o = nessbat(args);
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn the_cli_writes_the_kept_arrays_and_reruns_with_them() {
    let dir = scratch("outputs", "cli");
    let cfg = write_config(&dir);
    let (full, part, again) = (dir.join("full"), dir.join("part"), dir.join("again"));
    let s = |p: &Path| p.to_str().unwrap().to_string();
    ok(&[
        "sweep",
        "--config",
        &cfg,
        "--out",
        &s(&full),
        "--backend",
        "cpu",
        "--quiet",
    ]);
    ok(&[
        "sweep",
        "--config",
        &cfg,
        "--out",
        &s(&part),
        "--backend",
        "cpu",
        "--quiet",
        "--outputs",
        "power,cycles",
        "--checkpoint-points",
        "7",
    ]);
    assert_eq!(
        files(&part),
        ["cycles.npy", "metadata.json", "power.npy", "status.npy"]
    );
    for f in ["power.npy", "cycles.npy", "status.npy"] {
        assert_eq!(
            std::fs::read(full.join(f)).unwrap(),
            std::fs::read(part.join(f)).unwrap(),
            "{f}"
        );
    }
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(part.join("metadata.json")).unwrap()).unwrap();
    let arrays: Vec<&String> = meta["arrays"].as_object().unwrap().keys().collect();
    assert_eq!(arrays, ["cycles", "power", "status"]);
    assert_eq!(
        meta["config"]["outputs"],
        serde_json::json!(["power", "cycles"])
    );
    // Rerun from the folder: the same choice.
    ok(&[
        "sweep",
        "--config",
        &s(&part),
        "--out",
        &s(&again),
        "--backend",
        "cpu",
        "--quiet",
    ]);
    assert_eq!(files(&again), files(&part));
    // Shards with a choice merge into the same arrays.
    let (s0, s1, merged) = (dir.join("s0"), dir.join("s1"), dir.join("merged"));
    for (k, d) in [("0/2", &s0), ("1/2", &s1)] {
        ok(&[
            "sweep",
            "--config",
            &cfg,
            "--out",
            &s(d),
            "--backend",
            "cpu",
            "--quiet",
            "--outputs",
            "power,cycles",
            "--shard",
            k,
        ]);
    }
    ok(&["merge", &s(&s0), &s(&s1), "--out", &s(&merged)]);
    assert_eq!(files(&merged), files(&part));
    for f in ["power.npy", "cycles.npy", "status.npy"] {
        assert_eq!(
            std::fs::read(merged.join(f)).unwrap(),
            std::fs::read(full.join(f)).unwrap(),
            "merged {f}"
        );
    }
    // Plots only of what is kept (a 3-axis sweep draws slice grids).
    let plots = dir.join("plots");
    ok(&[
        "sweep",
        "--config",
        &cfg,
        "--out",
        &s(&plots),
        "--backend",
        "cpu",
        "--quiet",
        "--outputs",
        "efficiency",
        "--plot",
    ]);
    let pngs: Vec<String> = files(&plots)
        .into_iter()
        .filter(|f| f.ends_with(".png"))
        .collect();
    // The kept quantity's maps, and the status map that every plotted
    // sweep gets.
    assert!(
        !pngs.is_empty()
            && pngs
                .iter()
                .all(|f| f.starts_with("efficiency") || f.starts_with("status")),
        "{pngs:?}"
    );
    assert!(pngs.iter().any(|f| f.starts_with("status")), "{pngs:?}");
}

#[test]
fn bad_output_lists_are_refused() {
    let dir = scratch("outputs", "bad");
    let cfg = write_config(&dir);
    let out = dir.join("out");
    let out = out.to_str().unwrap();
    let o = nessbat(&[
        "sweep",
        "--config",
        &cfg,
        "--out",
        out,
        "--outputs",
        "power,powr",
    ]);
    bad_input(&o, "--outputs must be names from ergotropy");
    assert!(!Path::new(out).exists(), "nothing written");
    let empty = dir.join("empty.toml");
    std::fs::write(&empty, format!("outputs = []\n{CONFIG}")).unwrap();
    let o = nessbat(&["sweep", "--config", empty.to_str().unwrap(), "--out", out]);
    bad_input(&o, "outputs must be a non-empty list");
}
