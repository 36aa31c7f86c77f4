//! `nessbat sweep` over a `[battery]` config: every point of a battery
//! grid (or a shard's part) in f64, on the CPU or with the strokes on the
//! GPU, written as `.npy` arrays (`heat_NAME` per bath), `status.npy`, the
//! reductions, metadata.json and, with --plot, the plots; checkpointed
//! as it runs, so that --resume continues it (src/battery/checkpoint.rs).
//! Settings that battery sweeps do not have yet are refused in one line.

use std::io::Write as _;
use std::time::Instant;

use anyhow::{Context, Result};

use super::sweep::{LateBar, SweepCmd};
use super::BadInput;
use nessbat::backend::run::BackendChoice;
use nessbat::backend::Progress;
use nessbat::battery::checkpoint::{self, Saver};
use nessbat::battery::gpu::{self, GpuStrokes};
use nessbat::battery::grid::Use;
use nessbat::battery::output::{self, BatteryRun};
use nessbat::battery::sweep::{self, BatteryArrays, Plan};
use nessbat::battery::BatteryGrid;
use nessbat::config::SweepConfig;
use nessbat::kernels::Precision;
use nessbat::store::checkpoint::Mode;
use nessbat::store::provenance::command_line;
use nessbat::store::shard::Shard;
use nessbat::Error;

/// Refuses the flags a battery sweep does not have (yet), naming them.
fn check_flags(cmd: &SweepCmd) -> Result<(), BadInput> {
    if cmd.precision == Some(Precision::F32) {
        return Err(BadInput(
            "--precision f32: battery sweeps do not support it yet; accepted: --precision f64, or none (battery points are f64 on either backend)".into(),
        ));
    }
    Ok(())
}

pub fn run(cmd: &SweepCmd, cfg: SweepConfig, origin: &str, began: Instant) -> Result<()> {
    check_flags(cmd)?;
    let grid =
        BatteryGrid::new(&cfg, Use::Sweep).map_err(|e| BadInput(format!("{origin}: {e}")))?;
    let outputs = cmd.outputs.as_deref().or(cfg.outputs.as_deref());
    let mut plan = Plan::new(&grid, outputs).map_err(|e| BadInput(format!("{origin}: {e}")))?;
    let shard = match &cmd.shard {
        Some(text) => {
            let sh = Shard::parse(text).map_err(super::lib_error)?;
            Some((sh, sh.range(grid.len()).map_err(super::lib_error)?))
        }
        None => None,
    };
    plan.range = shard.as_ref().map(|(_, r)| r.clone());
    if shard.is_some() && cmd.plot {
        return Err(BadInput(
            "--plot with --shard: a shard holds part of the grid; accepted: --plot on `nessbat merge`".into(),
        )
        .into());
    }
    if cmd.plot {
        let mut dims: Vec<(String, usize)> = plan
            .reductions
            .iter()
            .map(|r| {
                (
                    format!("reduction {}", r.name),
                    grid.axes.len() - r.over.len(),
                )
            })
            .collect();
        if plan.full {
            dims.push(("the sweep".into(), grid.axes.len()));
        }
        if let Some((what, n)) = dims.iter().find(|(_, n)| !(1..=3).contains(n)) {
            return Err(BadInput(format!(
                "--plot draws arrays over one, two or three axes (three as slices); {what} has {n}"
            ))
            .into());
        }
    }
    let mode = match (cmd.resume, cmd.force) {
        (true, _) => Mode::Resume,
        (false, true) => Mode::Force,
        (false, false) => Mode::Fresh,
    };
    let range = plan.points(&grid);
    let chunk = checkpoint::chunk_points(range.end - range.start, cmd.checkpoint_points);
    sweep::check_memory(&grid, &plan).map_err(super::lib_error)?;
    output::check_space(&cmd.out, &grid, &plan, Some((chunk, mode))).map_err(super::lib_error)?;
    // The device before the checkpoint: a run refused for want of a GPU
    // leaves no checkpoint behind.
    let ctx = match cmd.backend {
        BackendChoice::Gpu => Some(gpu::acquire(grid.battery.levels()).map_err(super::lib_error)?),
        _ => None,
    };
    let gpu = match &ctx {
        Some(ctx) => Some(GpuStrokes::new(ctx, grid.battery.levels()).map_err(super::lib_error)?),
        None => None,
    };
    let backend = match &gpu {
        Some(g) if g.oss.is_some() => "gpu (strokes, NESS and OSS)",
        Some(_) => "gpu strokes",
        None => "cpu",
    };
    let id = checkpoint::identity(
        &grid,
        &plan,
        &range,
        if gpu.is_some() { "gpu" } else { "cpu" },
    );
    let every = std::time::Duration::from_secs(cmd.checkpoint_seconds);
    let opened = Saver::open(&cmd.out, &id, (chunk, every), mode, &grid, &range);
    let mut saver = match opened.map_err(super::lib_error)? {
        Some(s) => s,
        None => {
            if !cmd.quiet {
                let _ = writeln!(std::io::stdout(), "{}", Error::Finished(cmd.out.clone()));
            }
            return Ok(());
        }
    };
    // Said once the folder is accepted (a refusal stays one line).
    for w in grid.warnings() {
        eprintln!("warning: {origin}: {w}");
    }
    // Auto
    // stays on the CPU: the GPU forms the strokes and solves the NESS
    // and OSS, and the host finishes every point, so the
    // GPU pays where strokes dominate (large d, a fast device); --backend
    // gpu asks for it.
    if cmd.backend == BackendChoice::Auto && !cmd.quiet {
        eprintln!(
            "battery sweep: on the CPU backend in f64 (--backend gpu puts the strokes, the NESS and the OSS on the GPU)"
        );
    }
    if saver.nothing_to_resume() && !cmd.quiet {
        eprintln!(
            "notice: --resume: {} holds no sweep to continue; starting it fresh",
            cmd.out.display()
        );
    }
    let late = LateBar::new(range.end - range.start, cmd.quiet);
    let bar = &late.bar;
    let tick = |n: u64| late.tick(n);
    super::interrupt::install();
    let progress = Progress::new(&tick).stop_on(&super::interrupt::STOP);
    let ran = sweep::run_saving(
        &grid,
        &plan,
        &progress,
        gpu.as_ref(),
        Some(&mut saver),
        range,
    );
    // Damaged chunks are always worth a line; reuse only unquiet.
    for d in &saver.damaged {
        eprintln!("notice: checkpoint {d} was damaged, truncated or another sweep's; recomputed");
    }
    if saver.reused > 0 && !cmd.quiet {
        eprintln!("notice: resumed: {} checkpoint chunks reused", saver.reused);
    }
    let res = match ran {
        Err(Error::Interrupted) => {
            bar.abandon();
            return Err(super::interrupt::Interrupted(super::sweep::interrupted(cmd)).into());
        }
        r => r.map_err(super::lib_error)?,
    };
    bar.finish_and_clear();
    let run = BatteryRun {
        elapsed_seconds: began.elapsed().as_secs_f64(),
        command: Some(command_line(std::env::args())),
        adapter: ctx.as_ref().map(|c| c.describe()),
        shard: shard.clone(),
        merged_compute: None,
        identity: Some(id),
    };
    let plots = |dir: &std::path::Path| match cmd.plot {
        true => plots(
            &grid,
            &plan,
            &res,
            dir,
            cmd.plot_format == super::run_args::PlotFormat::Svg,
        ),
        false => Ok(Vec::new()),
    };
    if let Err(e) = output::write(&cmd.out, &grid, &plan, &res, &run, &plots) {
        // What was computed stays for --resume (a full disk, a lost
        // mount), if it can be written.
        let _ = saver.write_all();
        return Err(e).with_context(|| format!("writing {}", cmd.out.display()));
    }
    saver.finish();
    if !cmd.quiet {
        let points = shard.as_ref().map_or(grid.len(), |(_, r)| r.end - r.start);
        let computed = points - res.restored;
        let total = began.elapsed().as_secs_f64();
        let restored = match res.restored {
            0 => String::new(),
            r => format!(", {r} restored from checkpoints"),
        };
        let counts: Vec<String> = res
            .counts()
            .iter()
            .filter(|(_, c)| *c > 0)
            .map(|(s, c)| format!("{c} {}", s.name()))
            .collect();
        let _ = writeln!(
            std::io::stdout(),
            "{} battery points on {backend} (f64) in {total:.2} s ({:.0} points/s{restored}; compute {:.2} s); {}; written to {}",
            points,
            nessbat::store::output::rate(computed, total),
            res.compute_seconds,
            counts.join(", "),
            cmd.out.display()
        );
    }
    Ok(())
}

/// Every array as a plot, status included, over the grid's axes; each
/// reduction's value and status over its kept axes.
pub fn plots(
    grid: &BatteryGrid,
    plan: &Plan,
    res: &BatteryArrays,
    dir: &std::path::Path,
    svg: bool,
) -> std::io::Result<Vec<std::path::PathBuf>> {
    let sub = subtitle(grid);
    let mut files = Vec::new();
    if plan.full {
        let mut layers: Vec<(String, Vec<f64>)> = res
            .arrays
            .iter()
            .map(|(f, a)| (f.name(&grid.names), a.clone()))
            .collect();
        layers.push((
            "status".into(),
            res.status.iter().map(|s| f64::from(*s)).collect(),
        ));
        files.extend(nessbat::plot::sweep::layer_plots(
            &grid.axes, &layers, &sub, dir, svg,
        )?);
    }
    for r in &res.reduced {
        let axes: Vec<_> = grid
            .axes
            .iter()
            .filter(|a| r.kept.contains(&a.name))
            .cloned()
            .collect();
        let mut layers = vec![(r.name.clone(), r.value.clone())];
        for (axis, at) in &r.at {
            layers.push((format!("{}.{axis}", r.name), at.clone()));
        }
        layers.push((
            format!("{}.status", r.name),
            r.status.iter().map(|s| f64::from(*s)).collect(),
        ));
        files.extend(nessbat::plot::sweep::layer_plots(
            &axes, &layers, &sub, dir, svg,
        )?);
    }
    Ok(files)
}

/// What a plot of a battery grid shows, for its subtitle: the battery, its
/// baths and the fixed parameters.
pub fn subtitle(grid: &BatteryGrid) -> String {
    let fixed: Vec<String> = grid
        .fixed()
        .iter()
        .map(|(k, v)| format!("{k} = {}", nessbat::plot::heatmap::fmt_tick(*v)))
        .collect();
    format!(
        "battery of {} levels, baths {}; {} (ħ = k_B = 1)",
        grid.battery.levels(),
        grid.names.join(", "),
        fixed.join(", ")
    )
}
