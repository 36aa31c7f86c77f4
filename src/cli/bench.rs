//! `nessbat bench`: points per second of the OSS sweep on this machine, for
//! every backend and precision available, with the time split into set-up,
//! compute and read-back.

use nessbat::backend::Progress;
use std::time::Instant;

use anyhow::Result;
use clap::Args;

use super::args::choice;
use super::BadInput;
use nessbat::backend::cpu::{self, CpuLanes};
use nessbat::backend::gpu::{GpuContext, SweepKernel, Timing};
use nessbat::config::SweepConfig;
use nessbat::grid::Grid;
use nessbat::kernels::Precision;
use nessbat::model::ModelKind;

#[derive(Debug, Args)]
pub struct BenchCmd {
    /// Grid points per run (a T_A × τ grid of about this many points)
    #[arg(long, default_value = "1000000")]
    pub points: u64,
    /// Model to time
    #[arg(long, value_parser = choice::<ModelKind>(), default_value = "populations")]
    pub model: ModelKind,
    /// Timed runs per backend; the fastest is reported
    #[arg(long, default_value = "3")]
    pub repeats: u32,
    /// Skip the CPU backend
    #[arg(long)]
    pub gpu_only: bool,
    /// Instead of the built-in model, time user-defined batteries of d = 3
    /// (the maser), 4, 8, 16 and 32 levels (XX chains of 2 to 5 spins) on
    /// the CPU (f64, every core), --points points each (at most 2^20)
    #[arg(long, conflicts_with_all = ["gpu_only", "outputs", "model"])]
    pub batteries: bool,
    /// Keep only these arrays, comma-separated, as `nessbat sweep
    /// --outputs` (the read-back shrinks with them) [default: all]
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    pub outputs: Option<Vec<String>>,
}

/// The benchmark grid: the paper's parameters over T_A (0.2–5, log) × τ
/// (0.01–1e4, log), the ranges where every regime of the OSS occurs.
pub fn bench_grid(points: u64, model: &str, outputs: Option<&[String]>) -> Result<Grid> {
    let side = (points as f64).sqrt().round().max(1.0) as u64;
    let other = points.div_ceil(side).max(1);
    let text = format!(
        "model = \"{model}\"\n[fixed]\nlambda = 0.01\ngamma = 1e-3\nt_s = 0.1\n\
         [[axes]]\nname = \"t_a\"\nrange = [0.2, 5.0]\npoints = {side}\nspacing = \"log\"\n\
         [[axes]]\nname = \"tau\"\nrange = [0.01, 1e4]\npoints = {other}\nspacing = \"log\"\n"
    );
    let mut cfg = SweepConfig::parse(&text, "bench").expect("valid");
    if let Some(names) = outputs {
        cfg = cfg
            .with_outputs(names, "--outputs")
            .map_err(|e| BadInput(e.to_string()))?;
    }
    Ok(Grid::new(cfg).expect("valid"))
}

struct Row {
    backend: String,
    adapter: String,
    precision: &'static str,
    timing: Timing,
    points: u64,
}

pub fn run(cmd: &BenchCmd) -> Result<()> {
    if cmd.points == 0 || cmd.points > 1 << 32 || cmd.repeats == 0 {
        return Err(BadInput("--points must be 1 to 2^32 and --repeats at least 1".into()).into());
    }
    if cmd.batteries {
        return batteries(cmd);
    }
    let model = cmd.model.name();
    let grid = bench_grid(cmd.points, model, cmd.outputs.as_deref())?;
    let n = grid.len();
    let mut rows = Vec::new();
    // Every SIMD width this CPU has, narrowest first; the backend uses the
    // widest (the last row).
    for lanes in CpuLanes::available().into_iter().filter(|_| !cmd.gpu_only) {
        let mut best = Timing::default();
        for r in 0..cmd.repeats {
            let t = Instant::now();
            let _ = cpu::run_range_on(&grid, lanes, 0..n, &Progress::NONE);
            let e = t.elapsed();
            if r == 0 || e < best.compute {
                best.compute = e;
            }
        }
        rows.push(Row {
            backend: "cpu".into(),
            adapter: format!(
                "{} threads (rayon), {}",
                rayon::current_num_threads(),
                lanes.name()
            ),
            precision: "f64",
            timing: best,
            points: n,
        });
    }
    match GpuContext::acquire() {
        Err(e) => eprintln!("notice: {e}; GPU rows skipped"),
        Ok(ctx) => {
            for precision in [Precision::F64, Precision::F32] {
                if precision == Precision::F64 && !ctx.f64 {
                    continue;
                }
                let t = Instant::now();
                let kernel = SweepKernel::new(&ctx, grid.model, precision)?;
                let compile = t.elapsed();
                let mut best: Option<Timing> = None;
                for _ in 0..cmd.repeats {
                    let mut timing = Timing::default();
                    kernel.run(&ctx, &grid, &Progress::NONE, &mut timing)?;
                    let total = |t: &Timing| t.compute + t.readback;
                    if best.is_none_or(|b| total(&timing) < total(&b)) {
                        best = Some(timing);
                    }
                }
                let mut timing = best.expect("at least one repeat");
                timing.setup += compile;
                rows.push(Row {
                    backend: "gpu".into(),
                    adapter: ctx.describe(),
                    precision: if precision == Precision::F64 {
                        "f64"
                    } else {
                        "f32"
                    },
                    timing,
                    points: n,
                });
            }
        }
    }
    let kept = if grid.outputs.is_all() {
        "all figures".to_string()
    } else {
        format!("outputs {}", grid.outputs.names().join(", "))
    };
    println!(
        "nessbat bench: {model} model, OSS with {kept}, {n} points, best of {}",
        cmd.repeats
    );
    println!(
        "{:<7} {:<9} {:>14} {:>10} {:>10} {:>10} {:>10}  adapter",
        "backend", "precision", "points/s", "set-up s", "compute s", "readback s", "kernel s"
    );
    for r in rows {
        let run = (r.timing.compute + r.timing.readback).as_secs_f64();
        // The GPU's own clock over the kernel's dispatches (timestamp
        // queries); "-" where the adapter has none, and on the CPU.
        let kernel = r
            .timing
            .kernel
            .map_or("-".to_string(), |k| format!("{:.3}", k.as_secs_f64()));
        println!(
            "{:<7} {:<9} {:>14.0} {:>10.3} {:>10.3} {:>10.3} {:>10}  {}",
            r.backend,
            r.precision,
            r.points as f64 / run,
            r.timing.setup.as_secs_f64(),
            r.timing.compute.as_secs_f64(),
            r.timing.readback.as_secs_f64(),
            kernel,
            r.adapter
        );
    }
    end_to_end(&grid, cmd.repeats)?;
    Ok(())
}

/// The row a user waits for: `nessbat sweep --out` on the backend it would
/// choose, the kept outputs streamed to disk (a scratch folder under the
/// system's temporary directory, removed after), metadata written; the
/// best of `repeats` by wall time, split into set-up, compute and the
/// rest (writing, checks).
fn end_to_end(grid: &Grid, repeats: u32) -> Result<()> {
    use nessbat::backend::run::{Backend, BackendChoice};
    use nessbat::sweep::runner::{Mode, Sweep};
    let backend = Backend::choose(BackendChoice::Auto, None, &|_| {})?;
    let dir = std::env::temp_dir().join(format!("nessbat-bench-{}", std::process::id()));
    let mut best: Option<(f64, nessbat::store::output::RunInfo)> = None;
    for _ in 0..repeats {
        let t = Instant::now();
        let run = Sweep::new(grid)
            .checkpoints(&dir, nessbat::store::checkpoint::DEFAULT_CHUNK, Mode::Force)
            .in_memory(false)
            .run(&backend, &Progress::NONE, &|_| {});
        let out = match run {
            Ok(out) => out,
            Err(e) => {
                let _ = std::fs::remove_dir_all(&dir);
                eprintln!("notice: end-to-end row skipped: {e}");
                return Ok(());
            }
        };
        let written = out.write(&dir, &|_| Ok(Vec::new()));
        let info = out.info.clone();
        out.finish();
        written?;
        let wall = t.elapsed().as_secs_f64();
        if best.as_ref().is_none_or(|(w, _)| wall < *w) {
            best = Some((wall, info));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    if let Some((wall, info)) = best {
        let rest = wall - info.compute_seconds - info.setup_seconds;
        println!(
            "end to end, `nessbat sweep --out` ({} {}, arrays streamed to disk): {:.3} s wall, {:.0} points/s; set-up {:.3} s, compute {:.3} s, writing and the rest {:.3} s",
            info.backend,
            info.precision.name(),
            wall,
            grid.len() as f64 / wall,
            info.setup_seconds,
            info.compute_seconds,
            rest.max(0.0)
        );
    }
    Ok(())
}

/// Points per second of user-defined batteries, whole battery sweeps in
/// memory (rates, stroke, OSS, figures, the arrays), the battery
/// diagonalised once: on the CPU backend (f64, every core), and with the
/// strokes on the GPU where an adapter is found (up to 16 levels, in each
/// stroke layout where both can run).
fn batteries(cmd: &BenchCmd) -> Result<()> {
    use nessbat::backend::gpu::stroke::{StrokeKernel, StrokeLayout, OSS_PRIVATE_MAX_LEVELS};
    use nessbat::backend::Progress;
    use nessbat::battery::gpu::GpuStrokes;
    use nessbat::battery::grid::Use;
    use nessbat::battery::sweep::{kept, run};
    use nessbat::battery::BatteryGrid;
    use nessbat::kernels::kind::StrokeDim;
    let n = cmd.points.min(1 << 20);
    let side = (n as f64).sqrt().ceil() as u64;
    let n = side * side;
    // Gaps that differ from spin to spin, not in step (ω_i ∝ i²): a uniform
    // XX chain of 4, or one with evenly spaced gaps, has degenerate
    // two-excitation levels, which the population model refuses.
    let chain = |spins: usize| {
        let gaps: String = (1..=spins)
            .map(|i| {
                format!(
                    "omega_{i} = {}\n",
                    1.0 + 0.1 * (i * i) as f64 / (spins * spins) as f64
                )
            })
            .collect();
        format!(
            "[battery.chain]\nspins = {spins}\n[[battery.baths]]\nname = \"h\"\ncoupling = \"sx1\"\n[[battery.baths]]\nname = \"c\"\ncoupling = \"sx{spins}\"\n[fixed]\n{gaps}lambda = 0.05\n"
        )
    };
    let cases = [
        ("d = 3, the maser", "[battery.levels]\nenergies = [0.0, 0.4, 1.0]\n[[battery.baths]]\nname = \"h\"\ncoupling = \"|0><2|\"\n[[battery.baths]]\nname = \"c\"\ncoupling = \"|0><1|\"\n[fixed]\n".to_string()),
        ("d = 4, XX chain of 2", chain(2)),
        ("d = 8, XX chain of 3", chain(3)),
        ("d = 16, XX chain of 4", chain(4)),
        ("d = 32, XX chain of 5", chain(5)),
    ];
    let axes = format!(
        "gamma_h = 1e-3\ngamma_c = 1e-3\ntau = 100.0\n[[axes]]\nname = \"t_h\"\nrange = [0.5, 5.0]\npoints = {side}\n[[axes]]\nname = \"t_c\"\nrange = [0.05, 0.5]\npoints = {side}\n"
    );
    let ctx = match GpuContext::acquire() {
        Ok(ctx) => Some(ctx),
        Err(e) => {
            println!("GPU: none ({e}); CPU backend only");
            None
        }
    };
    println!(
        "nessbat bench --batteries: {n} points each (T_hot × T_cold grid, Γ = 1e-3, τ = 100), whole sweeps in memory, f64, CPU on {} threads{}, best of {}",
        rayon::current_num_threads(),
        ctx.as_ref()
            .map_or(String::new(), |c| format!(", GPU {}", c.describe())),
        cmd.repeats
    );
    for (what, text) in cases {
        let config = nessbat::config::SweepConfig::parse(&format!("{text}{axes}"), what)?;
        let grid = BatteryGrid::new(&config, Use::Sweep)?;
        let figures = kept(&grid, None)?;
        let time = |gpu: Option<&GpuStrokes>| -> Result<(f64, u64)> {
            let mut best = f64::INFINITY;
            let mut ok = 0;
            for _ in 0..cmd.repeats {
                let t = Instant::now();
                let res = run(&grid, &figures, &Progress::NONE, gpu)?;
                best = best.min(t.elapsed().as_secs_f64());
                ok = res.status.iter().filter(|s| **s == 0).count() as u64;
            }
            Ok((best, ok))
        };
        let (best, ok) = time(None)?;
        println!(
            "  {what:<24} {:<40} {:>10.0} points/s  ({best:.3} s, {ok} of {n} ok)",
            "cpu",
            n as f64 / best
        );
        let levels = grid.battery.levels();
        let Some(ctx) = ctx.as_ref().filter(|_| levels <= 16) else {
            continue;
        };
        // The strokes in either layout with the solves on the host, then
        // the strokes in their size's layout with the NESS and OSS on the
        // GPU in either layout (a point per invocation up to 8 levels):
        // the last in the size's own layout is what `--backend gpu` runs.
        let own = StrokeDim::holding(levels).map(StrokeLayout::for_dim);
        let mut runs = vec![
            (StrokeLayout::PerInvocation, None),
            (StrokeLayout::PerWorkgroup, None),
        ];
        if let Some(own) = own {
            if levels <= OSS_PRIVATE_MAX_LEVELS {
                runs.push((own, Some(StrokeLayout::PerInvocation)));
            }
            runs.push((own, Some(StrokeLayout::PerWorkgroup)));
        }
        for (layout, solves) in runs {
            // Lavapipe corrupts private arrays of 16 × 16 f64 (see
            // StrokeLayout::for_dim): that pairing is not run on it.
            let software = ctx.info.device_type == wgpu::DeviceType::Cpu;
            if levels > 8 && layout == StrokeLayout::PerInvocation && software {
                continue;
            }
            let gpu = GpuStrokes {
                ctx,
                kernel: StrokeKernel::with_layout(ctx, levels, layout)?,
                oss: match solves {
                    Some(l) => Some(StrokeKernel::oss_with_layout(ctx, levels, l)?),
                    None => None,
                },
            };
            let (best, ok) = time(Some(&gpu))?;
            let how = match solves {
                Some(l) => format!("strokes + OSS, {}", l.name()),
                None => format!("strokes, {}", layout.name()),
            };
            println!(
                "  {what:<24} gpu {how:<36} {:>10.0} points/s  ({best:.3} s, {ok} of {n} ok)",
                n as f64 / best
            );
        }
    }
    Ok(())
}
