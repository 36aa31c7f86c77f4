//! `nessbat sweep`: a whole grid, written as `.npy` arrays, metadata.json
//! and, with --plot, PNG heatmaps.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::BadInput;
use nessbat::gpu::shader_source::Precision;
use nessbat::sweep::checkpoint::DEFAULT_CHUNK;
use nessbat::sweep::output::RunInfo;
use nessbat::sweep::reduced::Reduced;
use nessbat::sweep::run::{Backend, BackendChoice, RunError};
use nessbat::sweep::runner::{Mode, Sweep, SweepError};
use nessbat::sweep::shard::Shard;
use nessbat::sweep::{Grid, SweepConfig, DEFAULT_CONFIG};
use nessbat::sweep::{Progress, SweepResults};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum BackendArg {
    Auto,
    Gpu,
    Cpu,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum PrecisionArg {
    F32,
    F64,
}

impl From<BackendArg> for BackendChoice {
    fn from(b: BackendArg) -> BackendChoice {
        match b {
            BackendArg::Auto => BackendChoice::Auto,
            BackendArg::Gpu => BackendChoice::Gpu,
            BackendArg::Cpu => BackendChoice::Cpu,
        }
    }
}

impl From<PrecisionArg> for Precision {
    fn from(p: PrecisionArg) -> Precision {
        match p {
            PrecisionArg::F32 => Precision::F32,
            PrecisionArg::F64 => Precision::F64,
        }
    }
}

#[derive(Debug, Args)]
pub struct SweepCmd {
    /// Sweep config (TOML); without it, the embedded default (the paper's
    /// parameters over β_A × β_S at τ = 150, after Fig. 2)
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Output folder for the .npy arrays, metadata.json and plots
    #[arg(long)]
    pub out: PathBuf,
    /// Where to compute: the GPU when an adapter exists (auto), or force one
    #[arg(long, value_enum, default_value = "auto")]
    pub backend: BackendArg,
    /// Float type of the GPU kernels [default: f64 where the adapter has it]
    #[arg(long, value_enum)]
    pub precision: Option<PrecisionArg>,
    /// Write a PNG heatmap per quantity (2-D sweeps)
    #[arg(long)]
    pub plot: bool,
    /// No progress bar and no summary
    #[arg(long)]
    pub quiet: bool,
    /// Compute only part K of N (0 <= K < N) of the grid, for job arrays;
    /// join the parts with `nessbat merge`
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
    /// Continue an interrupted sweep in --out from its checkpoints
    #[arg(long, conflicts_with = "force")]
    pub resume: bool,
    /// Overwrite a finished or interrupted sweep in --out
    #[arg(long)]
    pub force: bool,
    /// Points per checkpoint chunk written to --out as the sweep runs
    #[arg(long, default_value_t = DEFAULT_CHUNK, value_parser = clap::value_parser!(u64).range(1..=1 << 30))]
    pub checkpoint_points: u64,
}

/// Reads and checks the config: every problem is the user's (exit 2).
pub fn load_grid(config: Option<&std::path::Path>) -> Result<Grid, BadInput> {
    let (text, origin) = match config {
        Some(p) => (
            std::fs::read_to_string(p)
                .map_err(|e| BadInput(format!("--config {}: {e}", p.display())))?,
            p.display().to_string(),
        ),
        None => (
            DEFAULT_CONFIG.to_string(),
            "embedded default config".to_string(),
        ),
    };
    let cfg = SweepConfig::parse(&text, &origin).map_err(|e| BadInput(e.to_string()))?;
    Grid::new(cfg).map_err(|e| BadInput(format!("{origin}: {e}")))
}

/// A progress bar on stderr that appears only once a sweep has run for a
/// second, and never with --quiet.
pub fn progress_bar(total: u64) -> (ProgressBar, Instant) {
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
    bar.set_style(
        ProgressStyle::with_template(
            "{elapsed_precise} [{bar:40}] {human_pos}/{human_len} points ({per_sec}, eta {eta})",
        )
        .expect("valid template")
        .progress_chars("=> "),
    );
    (bar, Instant::now())
}

pub fn run(cmd: &SweepCmd) -> Result<()> {
    let grid = load_grid(cmd.config.as_deref())?;
    let shard = cmd
        .shard
        .as_deref()
        .map(Shard::parse)
        .transpose()
        .map_err(|e| BadInput(e.to_string()))?;
    check_plot(cmd, &grid, shard.is_some())?;
    let mode = match (cmd.resume, cmd.force) {
        (true, _) => Mode::Resume,
        (_, true) => Mode::Force,
        _ => Mode::Fresh,
    };
    let sweep = Sweep::new(&grid)
        .shard(shard)
        .checkpoints(&cmd.out, cmd.checkpoint_points, mode);
    // Bad shards are refused before a device is acquired.
    let total = sweep.total_points().map_err(sweep_error)?;
    let backend = Backend::choose(cmd.backend.into(), cmd.precision.map(Into::into), &|msg| {
        eprintln!("{msg}")
    })
    .map_err(usage)?;
    let (bar, started) = progress_bar(total);
    let shown = std::sync::atomic::AtomicBool::new(false);
    let progress = |n: u64| {
        bar.inc(n);
        if !cmd.quiet
            && !shown.load(std::sync::atomic::Ordering::Relaxed)
            && started.elapsed().as_secs_f64() > 1.0
        {
            shown.store(true, std::sync::atomic::Ordering::Relaxed);
            bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    };
    // Damaged checkpoints are always worth a line; the rest only unquiet.
    let notice = |msg: &str| {
        if !cmd.quiet || msg.contains("damaged") {
            eprintln!("{msg}");
        }
    };
    super::interrupt::install();
    let progress = Progress::new(&progress).stop_on(&super::interrupt::STOP);
    let run = sweep.run(&backend, &progress, &notice);
    if let Err(SweepError::Run(RunError::Interrupted)) = run {
        bar.abandon();
        return Err(super::interrupt::Interrupted(interrupted(cmd)).into());
    }
    let Some(out) = run.map_err(sweep_error)? else {
        if !cmd.quiet {
            println!(
                "{} already holds this sweep, finished; nothing to do",
                cmd.out.display()
            );
        }
        return Ok(());
    };
    bar.finish_and_clear();
    let plots = |dir: &std::path::Path| {
        super::sweep_plots::plots(cmd, &grid, out.full.as_ref(), &out.reduced, dir)
    };
    out.write(&cmd.out, &plots)
        .with_context(|| format!("writing {}", cmd.out.display()))?;
    if !cmd.quiet {
        summary(
            cmd,
            &grid,
            out.full.as_ref(),
            &out.reduced,
            &out.info,
            out.points,
        );
    }
    out.finish();
    Ok(())
}

/// What Ctrl-C leaves: the finished checkpoint chunks, and how to go on.
fn interrupted(cmd: &SweepCmd) -> String {
    let mut again: Vec<String> = std::env::args().collect();
    if !again.iter().any(|a| a == "--resume") {
        again.retain(|a| a != "--force");
        again.push("--resume".into());
    }
    format!(
        "interrupted; the finished chunks are kept in {}: continue with `{}`",
        cmd.out.display(),
        again.join(" ")
    )
}

/// The runner's errors: the user's are one line and exit 2.
fn sweep_error(e: SweepError) -> anyhow::Error {
    match e {
        SweepError::Usage(msg) => BadInput(msg).into(),
        SweepError::Run(e) => usage(e),
        SweepError::Checkpoint { .. } => anyhow::Error::new(e),
    }
}

/// --plot needs something it can draw: full arrays over two axes, or a
/// reduction that keeps one or two axes.
fn check_plot(cmd: &SweepCmd, grid: &Grid, sharded: bool) -> Result<(), BadInput> {
    if !cmd.plot {
        return Ok(());
    }
    if sharded {
        return Err(BadInput(
            "--plot draws whole grids; plot after `nessbat merge` instead of per --shard".into(),
        ));
    }
    if grid.full_arrays() && grid.axes.len() != 2 {
        return Err(BadInput(format!(
            "--plot draws 2-D sweeps; this config has {} axes",
            grid.axes.len()
        )));
    }
    let drawable =
        |r: &nessbat::sweep::reduce::Reduction| (1..=2).contains(&(grid.axes.len() - r.over.len()));
    if !grid.full_arrays() && !grid.reductions.iter().any(drawable) {
        return Err(BadInput(
            "--plot draws reductions that keep one or two axes; every [[reduce]] entry here keeps none or more than two".into(),
        ));
    }
    Ok(())
}

fn summary(
    cmd: &SweepCmd,
    grid: &Grid,
    full: Option<&SweepResults>,
    reduced: &[Reduced],
    info: &RunInfo,
    total: u64,
) {
    let counts = match full {
        Some(res) => {
            let c = res.status_counts();
            format!(
                "; {} converged, {} not converged, {} invalid, {} imprecise",
                c[0], c[1], c[2], c[3]
            )
        }
        None => String::new(),
    };
    println!(
        "{} points ({} model, {} protocol) on {} {} in {:.3} s (+{:.3} s set-up): {:.0} points/s{}; written to {}",
        total,
        grid.model.name(),
        grid.protocol.name(),
        info.backend,
        info.precision,
        info.wall_seconds,
        info.setup_seconds,
        total as f64 / info.wall_seconds.max(1e-12),
        counts,
        cmd.out.display()
    );
    for r in reduced {
        let none = r.none_passes();
        if none > 0 {
            println!(
                "  {}: no point passes in {none} of {} cells (NaN, status 1 there)",
                r.name,
                r.status.len()
            );
        }
    }
}

pub fn usage(e: RunError) -> anyhow::Error {
    match e {
        RunError::Usage(m) => BadInput(m).into(),
        RunError::Gpu(g) => anyhow::Error::new(g),
        RunError::NoDevice(reason) => BadInput(format!("--backend gpu: {reason}")).into(),
        RunError::Interrupted => BadInput("interrupted".into()).into(),
    }
}
