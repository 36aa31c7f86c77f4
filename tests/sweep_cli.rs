//! `nessbat sweep` end to end: arrays and metadata on disk, plots, backend
//! choice, and every bad config rejected with one line, exit 2 and nothing
//! written.

use std::process::Command;

use ndarray::ArrayD;
use ndarray_npy::read_npy;

mod common;

use common::files::scratch;

fn nessbat(args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_nessbat"));
    c.args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

const SMALL: &str = r#"
model = "populations"
[fixed]
lambda = 0.01
gamma = 1e-3
tau = 150.0
[[axes]]
name = "t_a"
range = [0.5, 4.0]
points = 6
spacing = "log"
[[axes]]
name = "beta_s"
values = [10.0, 2.0, 0.5]
"#;

#[test]
fn cpu_sweep_writes_arrays_metadata_and_plots() {
    let (o, out) = cpu_sweep("cpu", SMALL, &["--plot", "--quiet"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let erg: ArrayD<f64> = read_npy(out.join("ergotropy.npy")).unwrap();
    assert_eq!(erg.shape(), &[6, 3]);
    let status: ArrayD<u8> = read_npy(out.join("status.npy")).unwrap();
    assert!(status.iter().all(|s| *s == 0));
    let _: ArrayD<u32> = read_npy(out.join("cycles.npy")).unwrap();
    for q in [
        "power",
        "efficiency",
        "heat_hot",
        "heat_a",
        "heat_s",
        "ness_ergotropy",
    ] {
        let a: ArrayD<f64> = read_npy(out.join(format!("{q}.npy"))).unwrap();
        assert_eq!(a.shape(), &[6, 3], "{q}");
        assert!(out.join(format!("{q}.png")).exists(), "{q}.png");
    }
    // Where the figures are flagged can be seen: a status map.
    assert!(out.join("status.png").exists());
    // Point (t_a = 4, β_s = 10) against `nessbat point` at the same
    // parameters: the arrays are in config order, C order.
    let p = nessbat(
        &[
            "point", "--json", "--t-a", "4", "--t-s", "0.1", "--gamma", "1e-3",
        ],
        &[],
    );
    let v: serde_json::Value = serde_json::from_slice(&p.stdout).unwrap();
    let want = v["ergotropy"].as_f64().unwrap();
    assert!(
        (erg[[5, 0]] / want - 1.0).abs() < 1e-9,
        "{} vs {want}",
        erg[[5, 0]]
    );
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("metadata.json")).unwrap()).unwrap();
    for k in [
        "config",
        "axes",
        "model",
        "protocol",
        "backend",
        "adapter",
        "precision",
        "nessbat_version",
        "elapsed_seconds",
        "compute_seconds",
        "setup_seconds",
        "points_per_second",
        "compute_points_per_second",
    ] {
        assert!(meta.get(k).is_some(), "metadata lacks {k}");
    }
    // The run's time holds its compute and set-up, and its rate is the
    // points over that whole time.
    let f = |k: &str| meta[k].as_f64().unwrap();
    assert!(f("elapsed_seconds") >= f("compute_seconds") + f("setup_seconds"));
    let points = meta["points_computed"].as_f64().unwrap();
    assert_eq!(f("points_per_second"), points / f("elapsed_seconds"));
    assert_eq!(
        f("compute_points_per_second"),
        points / f("compute_seconds")
    );
    assert_eq!(meta["backend"], "cpu");
    assert_eq!(meta["precision"], "f64");
    assert_eq!(
        meta["axes"][1]["values"],
        serde_json::json!([10.0, 2.0, 0.5])
    );
    // No staging folder is left behind.
    assert!(std::fs::read_dir(&out).unwrap().all(|e| !e
        .unwrap()
        .file_name()
        .to_string_lossy()
        .starts_with('.')));
}

#[test]
fn gpu_backend_without_an_adapter_is_a_clear_error() {
    let dir = scratch("sweep-cli", "nogpu");
    let out = dir.join("out");
    let o = nessbat(
        &["sweep", "--out", out.to_str().unwrap(), "--backend", "gpu"],
        &[("WGPU_ADAPTER_NAME", "no-such-adapter-anywhere")],
    );
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    // The Vulkan loader may add its own XDG_RUNTIME_DIR lines; ours is one.
    let ours: Vec<&str> = err
        .lines()
        .filter(|l| !l.contains("XDG_RUNTIME_DIR"))
        .collect();
    assert!(
        ours.len() == 1 && ours[0].contains("--backend gpu"),
        "{err}"
    );
    assert!(!out.exists(), "nothing is written");
    // auto falls back to the CPU with a one-line notice, once, and not at
    // all with --quiet.
    let o = nessbat(
        &["sweep", "--out", out.to_str().unwrap()],
        &[("WGPU_ADAPTER_NAME", "no-such-adapter-anywhere")],
    );
    assert!(o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(
        err.matches("running on the CPU backend").count(),
        1,
        "{err}"
    );
    let quiet = dir.join("quiet");
    let o = nessbat(
        &["sweep", "--out", quiet.to_str().unwrap(), "--quiet"],
        &[("WGPU_ADAPTER_NAME", "no-such-adapter-anywhere")],
    );
    assert!(o.status.success());
    assert!(!String::from_utf8_lossy(&o.stderr).contains("running on the CPU backend"));
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("metadata.json")).unwrap()).unwrap();
    assert_eq!(meta["backend"], "cpu");
}

/// `--backend auto` runs on a real GPU, and otherwise on the CPU backend:
/// a software rasteriser (lavapipe, llvmpipe: device type Cpu) is slower
/// than the CPU backend's twins, so auto says so in one line and skips it.
#[test]
fn auto_prefers_the_cpu_backend_to_a_software_adapter() {
    let dir = scratch("sweep-cli", "auto");
    let out = dir.join("out");
    let o = nessbat(&["sweep", "--out", out.to_str().unwrap()], &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("metadata.json")).unwrap()).unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    match nessbat::backend::gpu::GpuContext::acquire() {
        Ok(ctx) if ctx.info.device_type != wgpu::DeviceType::Cpu => {
            assert_eq!(meta["backend"], "gpu", "a real GPU: {err}")
        }
        Ok(ctx) => {
            assert_eq!(
                meta["backend"], "cpu",
                "{} is software: {err}",
                ctx.info.name
            );
            assert_eq!(err.matches("software rasteriser").count(), 1, "{err}");
        }
        Err(_) => assert_eq!(meta["backend"], "cpu"),
    }
}

/// On a node without a session (SLURM, CI: no XDG_RUNTIME_DIR), opening
/// the GPU prints nothing of libwayland's.
#[test]
fn no_wayland_noise_without_a_session() {
    if !common_gpu_present() {
        eprintln!("SKIP no_wayland_noise_without_a_session: no GPU adapter");
        return;
    }
    let dir = scratch("sweep-cli", "xdg");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_nessbat"))
        .args([
            "sweep",
            "--out",
            dir.join("out").to_str().unwrap(),
            "--backend",
            "gpu",
            "--quiet",
        ])
        .env_remove("XDG_RUNTIME_DIR")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .unwrap();
    assert!(o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains("XDG_RUNTIME_DIR"), "{err}");
}

/// wgpu's OpenGL backend cannot time kernels (its mapping completes inside
/// submit) and has no f64: it is refused, never silently mis-timed.
#[test]
fn the_opengl_backend_is_refused() {
    let dir = scratch("sweep-cli", "gl");
    let out = dir.join("out");
    let o = nessbat(
        &["sweep", "--out", out.to_str().unwrap(), "--backend", "gpu"],
        &[("WGPU_BACKEND", "gl")],
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("OpenGL") || err.contains("no GPU adapter"),
        "{err}"
    );
    assert!(!out.exists());
    let o = nessbat(
        &["bench", "--gpu-only", "--points", "4096", "--repeats", "1"],
        &[("WGPU_BACKEND", "gl")],
    );
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        !text.lines().any(|l| l.starts_with("gpu")),
        "a GL row was timed: {text}"
    );
}

/// Writes `config` into a scratch folder `name` and sweeps it on the CPU
/// into `name/out`, with `extra` flags.
fn cpu_sweep(
    name: &str,
    config: &str,
    extra: &[&str],
) -> (std::process::Output, std::path::PathBuf) {
    let dir = scratch("sweep-cli", name);
    let cfg = dir.join("c.toml");
    std::fs::write(&cfg, config).unwrap();
    let out = dir.join("out");
    let mut args = vec![
        "sweep",
        "--config",
        cfg.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--backend",
        "cpu",
    ];
    args.extend_from_slice(extra);
    (nessbat(&args, &[]), out)
}

#[track_caller]
fn rejects(config: &str, names: &str) {
    let (o, out) = cpu_sweep(
        &format!("bad-{:x}", config.len() * 31 + names.len()),
        config,
        &[],
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{config}\n{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "not one line: {err}");
    assert!(err.contains(names), "{err} does not name {names}");
    assert!(o.stdout.is_empty());
    assert!(!out.exists(), "something was written for a bad config");
}

#[test]
fn bad_configs_are_rejected() {
    let fixed = "[fixed]\nlambda = 0.01\ngamma = 1e-3\ntau = 150.0\nt_s = 0.1\n";
    let axis = |body: &str| format!("{fixed}[[axes]]\n{body}\n");
    rejects(&format!("colour = 1\n{fixed}"), "colour");
    rejects(&format!("{fixed}temperature = 3\n"), "temperature");
    rejects(&axis("name = \"t_b\"\nvalues = [1.0]"), "t_b");
    rejects(
        &axis("name = \"t_a\"\nrange = [1.0, 1.0]\npoints = 4"),
        "t_a",
    );
    rejects(
        &axis("name = \"t_a\"\nrange = [1.0, 2.0]\npoints = 0"),
        "points",
    );
    rejects(
        &axis("name = \"t_a\"\nrange = [1.0, inf]\npoints = 4"),
        "t_a",
    );
    rejects(
        &axis("name = \"t_a\"\nrange = [1.0, nan]\npoints = 4"),
        "t_a",
    );
    rejects(&axis("name = \"t_a\"\nvalues = []"), "t_a");
    rejects(
        &axis("name = \"lambda\"\nrange = [-0.1, 0.1]\npoints = 4\nspacing = \"log\""),
        "lambda",
    );
    rejects(
        &axis("name = \"t_a\"\nrange = [0.0, 2.0]\npoints = 4\nspacing = \"log\""),
        "log",
    );
    rejects(&axis("name = \"tau\"\nvalues = [1.0, 2.0]"), "tau");
    rejects(
        &axis("name = \"t_a\"\nrange = [0.0, 2.0]\npoints = 4"),
        "t_a",
    );
    rejects(
        &axis("name = \"t_a\"\nvalues = [1.0]\nspacing = \"cubic\""),
        "spacing",
    );
    // tau missing is not an error: it defaults to 150, as in `point`
    // (configs_and_point_share_defaults_and_refusals).
    rejects(
        "[fixed]\nlambda = 0.01\ngamma = 1e-3\ntau = 1.0\nt_s = 0.1\n",
        "bath a",
    );
    rejects(
        &format!("{fixed}t_a = 2.0\nrate_a_up = 1e-3\nrate_a_down = 1e-3\n"),
        "bath a",
    );
    rejects(&format!("{fixed}t_a = 2.0\ndetuning = 0.1\n"), "detuning");
    rejects(&format!("model = \"qubits\"\n{fixed}t_a = 2.0\n"), "model");
    rejects(&format!("rates = \"bose\"\n{fixed}t_a = 2.0\n"), "rates");
    rejects(&format!("{fixed}t_a = 2.0\nlambda2 = 1\n"), "lambda2");
    rejects("this is [not toml", "c.toml");
    // 1024^4 ≈ 1.1e12 points need about 100 TB: larger than memory they
    // would be streamed, but no disk here holds them: refused before
    // anything is written.
    let huge: String = ["t_a", "t_s", "tau", "lambda"]
        .iter()
        .map(|n| format!("[[axes]]\nname = \"{n}\"\nrange = [0.1, 0.2]\npoints = 1024\n"))
        .collect();
    rejects(&format!("[fixed]\ngamma = 1e-3\n{huge}"), "GB of disk but");
}

#[test]
fn bench_prints_a_row_per_backend() {
    let o = nessbat(&["bench", "--points", "4096", "--repeats", "1"], &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.lines().any(|l| l.starts_with("backend ")),
        "the header names the backend column: {text}"
    );
    let cpu = text
        .lines()
        .find(|l| l.starts_with("cpu"))
        .expect("a cpu row");
    let rate: f64 = cpu.split_whitespace().nth(2).unwrap().parse().unwrap();
    assert!(rate > 0.0 && rate.is_finite());
    // With an adapter (lavapipe in CI) the GPU rows follow.
    if common_gpu_present() {
        assert!(text.lines().any(|l| l.starts_with("gpu")), "{text}");
    }
    let o = nessbat(&["bench", "--points", "0"], &[]);
    assert_eq!(o.status.code(), Some(2));
}

fn common_gpu_present() -> bool {
    nessbat::backend::gpu::GpuContext::acquire().is_ok()
}

const REDUCE: &str = r#"
model = "populations"
[fixed]
gamma = 1e-3
t_s = 0.1
lambda = 0.01
[[axes]]
name = "t_a"
range = [0.5, 3.0]
points = 4
[[axes]]
name = "tau"
range = [1.0, 300.0]
points = 9
spacing = "log"
[[reduce]]
over = ["tau"]
quantity = "power"
op = "argmax"
where = "efficiency >= 0.0125"
"#;

/// The summary counts grid points, whatever the reduction passes: a grid
/// kept in full and reduced is evaluated twice, but it has 36 points.
#[test]
fn the_summary_counts_grid_points() {
    let config = format!("full_arrays = true\n{REDUCE}");
    let (o, _) = cpu_sweep("summary", &config, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.starts_with("36 grid points (72 point evaluations"),
        "{text}"
    );
}

#[test]
fn reduction_sweep_writes_only_the_reduced_arrays() {
    let (o, out) = cpu_sweep("reduce", REDUCE, &["--quiet", "--plot"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let name = "argmax_power_over_tau";
    let value: ArrayD<f64> = read_npy(out.join(format!("{name}.npy"))).unwrap();
    let tau: ArrayD<f64> = read_npy(out.join(format!("{name}.tau.npy"))).unwrap();
    let count: ArrayD<u64> = read_npy(out.join(format!("{name}.count.npy"))).unwrap();
    let status: ArrayD<u8> = read_npy(out.join(format!("{name}.status.npy"))).unwrap();
    assert_eq!(value.shape(), &[4]);
    assert_eq!(tau.shape(), &[4]);
    assert!(out.join(format!("{name}.png")).exists());
    // No full arrays unless asked for.
    for f in common::files::ARRAYS {
        assert!(!out.join(format!("{f}.npy")).exists(), "{f}.npy written");
    }
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("metadata.json")).unwrap()).unwrap();
    let r = &meta["reductions"][0];
    assert_eq!(r["name"], name);
    assert_eq!(r["op"], "argmax");
    assert_eq!(r["over"], serde_json::json!(["tau"]));
    assert_eq!(r["kept_axes"], serde_json::json!(["t_a"]));
    assert_eq!(r["where"], "efficiency >= 0.0125");
    assert!(meta["checksums"][format!("{name}.tau.npy")].is_string());
    // The hottest A bath is the least efficient: its cell has no point
    // that passes, NaN and status 1; the summary line would say so.
    let none = r["cells_none_passing"].as_u64().unwrap();
    assert!((1..4).contains(&none), "{none}");
    for i in 0..4 {
        assert_eq!(status[i] == 1, value[i].is_nan());
        assert_eq!(status[i] == 1, count[i] == 0);
        assert_eq!(value[i].is_nan(), tau[i].is_nan());
    }
    // Each found value is what `nessbat point` gives at (t_a, tau).
    let t_a = meta["axes"][0]["values"].as_array().unwrap();
    for i in (0..4).filter(|i| status[*i] == 0) {
        let o = nessbat(
            &[
                "point",
                "--json",
                "--t-a",
                &t_a[i].to_string(),
                "--t-s",
                "0.1",
                "--tau",
                &tau[i].to_string(),
            ],
            &[],
        );
        let p: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let want = p["power"].as_f64().unwrap();
        assert!(
            (value[i] - want).abs() <= 1e-9 * want.abs(),
            "{} vs {want}",
            value[i]
        );
        assert!(p["efficiency"].as_f64().unwrap() >= 0.0125 * (1.0 - 1e-9));
    }
}

#[test]
fn bad_reductions_are_rejected() {
    let with = |entry: &str| REDUCE.split("[[reduce]]").next().unwrap().to_string() + entry;
    let entry = |over: &str, q: &str, op: &str, extra: &str| {
        format!("[[reduce]]\nover = {over}\nquantity = \"{q}\"\nop = \"{op}\"\n{extra}")
    };
    rejects(&with(&entry("[\"tau\"]", "powr", "max", "")), "powr");
    rejects(&with(&entry("[\"beta\"]", "power", "max", "")), "beta");
    rejects(&with(&entry("[]", "power", "max", "")), "over");
    rejects(
        &with(&entry("[\"tau\"]", "power", "maximum", "")),
        "maximum",
    );
    rejects(
        &with(&entry(
            "[\"tau\"]",
            "power",
            "max",
            "where = \"efficiency >> 1\"",
        )),
        "efficiency >> 1",
    );
    rejects(
        &with(&entry("[\"tau\"]", "power", "max", "where = \"eff >= 1\"")),
        "eff",
    );
    rejects(
        &with(&entry("[\"tau\"]", "power", "max", "name = \"../x\"")),
        "name",
    );
    rejects(
        &format!(
            "{REDUCE}{}",
            entry(
                "[\"tau\"]",
                "power",
                "argmax",
                "where = \"efficiency >= 0.0125\""
            )
        ),
        "name",
    );
    rejects(
        REDUCE
            .replace("[fixed]", "full_arrays = false\n[fixed]")
            .split("[[reduce]]")
            .next()
            .unwrap(),
        "full_arrays",
    );
}

/// metadata.json says how a result was made (command, version and commit,
/// UTC time, the config as TOML), and `--config` takes it back: a rerun
/// from a result folder or its metadata.json gives the same arrays.
#[test]
fn runs_are_recorded_and_rerun_from_their_metadata() {
    let (o, out) = cpu_sweep("provenance", SMALL, &["--quiet"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("metadata.json")).unwrap()).unwrap();
    let command = meta["command"].as_str().unwrap();
    assert!(
        command.contains(" sweep --config ") && command.contains("--quiet"),
        "{command}"
    );
    let when = meta["written_utc"].as_str().unwrap();
    assert!(
        when.len() == 20 && when.starts_with("20") && when.ends_with('Z'),
        "{when}"
    );
    assert_eq!(meta["nessbat_version"], env!("CARGO_PKG_VERSION"));
    assert!(meta["git_commit"].is_null() || meta["git_commit"].as_str().unwrap().len() >= 40);
    let toml = meta["config_toml"].as_str().unwrap();
    assert_eq!(
        nessbat::config::SweepConfig::parse(toml, "recorded").unwrap(),
        nessbat::config::SweepConfig::parse(SMALL, "given").unwrap()
    );
    for from in [out.join("metadata.json"), out.clone()] {
        let again = out.with_file_name(format!("again-{}", from.ends_with("metadata.json")));
        let o = nessbat(
            &[
                "sweep",
                "--config",
                from.to_str().unwrap(),
                "--out",
                again.to_str().unwrap(),
                "--backend",
                "cpu",
                "--quiet",
            ],
            &[],
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        common::files::same_arrays(&out, &again);
    }
    let o = nessbat(&["config", "--default"], &[]);
    assert!(o.status.success());
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        nessbat::config::DEFAULT_CONFIG
    );
    let o = nessbat(&["config", "--from", out.to_str().unwrap()], &[]);
    assert!(o.status.success());
    assert_eq!(
        nessbat::config::SweepConfig::parse(&String::from_utf8_lossy(&o.stdout), "printed")
            .unwrap(),
        nessbat::config::SweepConfig::parse(SMALL, "given").unwrap()
    );
}

/// A config and `point` share their defaults (λ = 0.01, τ = 150, T_A = 2,
/// T_S = 0.1, Γ0 = 1e-3) and refuse the same ambiguous pairs.
#[test]
fn configs_and_point_share_defaults_and_refusals() {
    let (o, out) = cpu_sweep(
        "defaults",
        "[[axes]]\nname = \"omega0\"\nvalues = [1.0]\n",
        &["--quiet"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let power: ArrayD<f64> = read_npy(out.join("power.npy")).unwrap();
    let point = nessbat(&["point", "--json"], &[]);
    let v: serde_json::Value = serde_json::from_slice(&point.stdout).unwrap();
    let want = v["power"].as_f64().unwrap();
    assert!(
        (power[[0]] - want).abs() <= 1e-9 * want,
        "{} vs {want}",
        power[[0]]
    );
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("metadata.json")).unwrap()).unwrap();
    assert_eq!(
        meta["config"]["fixed"]["t_a"], 2.0,
        "the defaults are recorded"
    );
    // One coupling per bath: gamma with gamma_a is ambiguous in both.
    let (o, _) = cpu_sweep(
        "gamma-pair",
        "[fixed]\ngamma = 1e-3\ngamma_a = 2e-3\n[[axes]]\nname = \"tau\"\nvalues = [1.0]\n",
        &[],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("gamma_a"));
    let o = nessbat(&["point", "--gamma", "1e-3", "--gamma-a", "2e-3"], &[]);
    assert_eq!(o.status.code(), Some(2));
}

/// --plot draws 1-D sweeps as line charts and merged shards too.
#[test]
fn plots_for_one_axis_and_for_merged_shards() {
    let one = "[[axes]]\nname = \"tau\"\nrange = [0.1, 1000.0]\npoints = 40\nspacing = \"log\"\n";
    let (o, out) = cpu_sweep("plot-1d", one, &["--plot", "--quiet"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for q in ["power", "efficiency", "heat_in", "cycles"] {
        assert!(out.join(format!("{q}.png")).exists(), "{q}.png");
    }
    // Three axes: slices of the first two, with SVG beside the PNG.
    let three = format!("{SMALL}[[axes]]\nname = \"tau\"\nvalues = [1.0, 10.0, 100.0]\n")
        .replace("tau = 150.0\n", "");
    let (o, out) = cpu_sweep(
        "plot-3d",
        &three,
        &["--plot", "--plot-format", "svg", "--quiet"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for f in ["power.png", "power.svg", "heat_in.svg"] {
        assert!(out.join(f).exists(), "{f}");
    }
    assert!(std::fs::read_to_string(out.join("power.svg"))
        .unwrap()
        .contains("<svg"));
    let dir = scratch("sweep-cli", "plot-merge");
    let cfg = dir.join("c.toml");
    std::fs::write(&cfg, SMALL).unwrap();
    let mut parts = Vec::new();
    for k in 0..2 {
        let p = dir.join(format!("p{k}"));
        let s = format!("{k}/2");
        let o = nessbat(
            &[
                "sweep",
                "--config",
                cfg.to_str().unwrap(),
                "--out",
                p.to_str().unwrap(),
                "--backend",
                "cpu",
                "--quiet",
                "--shard",
                &s,
            ],
            &[],
        );
        assert!(o.status.success());
        parts.push(p.to_str().unwrap().to_string());
    }
    let merged = dir.join("merged");
    let o = nessbat(
        &[
            "merge",
            &parts[0],
            &parts[1],
            "--out",
            merged.to_str().unwrap(),
            "--plot",
        ],
        &[],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(merged.join("power.png").exists());
}

/// Compiled pipelines are kept in the user's cache folder where the
/// adapter can (Vulkan): a file per adapter, driver and build, written on
/// the first run, read on the next; a damaged file is ignored, not fatal.
#[test]
fn pipelines_are_cached_across_runs() {
    let Ok(ctx) = nessbat::backend::gpu::GpuContext::acquire() else {
        eprintln!("SKIP pipelines_are_cached_across_runs: no GPU adapter");
        return;
    };
    if !ctx
        .device
        .features()
        .contains(wgpu::Features::PIPELINE_CACHE)
    {
        eprintln!("SKIP pipelines_are_cached_across_runs: adapter has no PIPELINE_CACHE");
        return;
    }
    let dir = scratch("sweep-cli", "pipeline-cache");
    let cache = dir.join("cache");
    let env = [("NESSBAT_CACHE_DIR", cache.to_str().unwrap())];
    let run = |k: u32| {
        let out = dir.join(format!("out{k}"));
        let o = nessbat(
            &[
                "sweep",
                "--out",
                out.to_str().unwrap(),
                "--backend",
                "gpu",
                "--quiet",
            ],
            &env,
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    run(0);
    let files: Vec<_> = std::fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let name = files[0].file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.starts_with("wgpu_pipeline_cache_vulkan_") && name.contains(env!("CARGO_PKG_VERSION")),
        "{name}"
    );
    run(1);
    std::fs::write(&files[0], b"not a pipeline cache").unwrap();
    run(2);
    common::files::same_arrays(&dir.join("out0"), &dir.join("out2"));
}
