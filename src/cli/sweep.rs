//! `nessbat sweep`: a whole grid, written as `.npy` arrays, metadata.json
//! and, with --plot, PNG heatmaps.

use std::io::Write as _;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::args::choice;
use super::run_args::{grid_of, load_config};
use super::BadInput;
use nessbat::backend::run::Backend;
use nessbat::backend::run::BackendChoice;
use nessbat::backend::Progress;
use nessbat::kernels::Precision;
use nessbat::store::checkpoint::DEFAULT_CHUNK;
use nessbat::store::provenance::command_line;
use nessbat::store::shard::Shard;
use nessbat::sweep::runner::DEFAULT_CHECKPOINT_EVERY;
use nessbat::sweep::runner::{Mode, Resumed, Sweep};
use nessbat::Error;

#[derive(Debug, Args)]
pub struct SweepCmd {
    /// Sweep config (TOML); without it, the embedded default (the paper's
    /// parameters over β_A × β_S at τ = 150, after Fig. 2). A config with
    /// a [battery] table sweeps that battery (f64; --backend gpu for its strokes)
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Output folder for the .npy arrays, metadata.json and plots
    #[arg(long)]
    pub out: PathBuf,
    /// Where to compute: the GPU when an adapter exists (auto), or force one
    #[arg(long, value_parser = choice::<BackendChoice>(), default_value = "auto")]
    pub backend: BackendChoice,
    /// Float type of the GPU kernels [default: f64 where the adapter has it]
    #[arg(long, value_parser = choice::<Precision>())]
    pub precision: Option<Precision>,
    /// Write plots: a heatmap per quantity for 2-D sweeps, a line chart for
    /// 1-D ones, a grid of slices for 3-D ones (PNG)
    #[arg(long)]
    pub plot: bool,
    /// With --plot: png, or svg for an SVG beside each PNG
    #[arg(long, value_enum, default_value = "png", requires = "plot")]
    pub plot_format: super::run_args::PlotFormat,
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
    /// Keep only these arrays, comma-separated (quantities, cycles; status
    /// always): the kernels write, and the sweep reads back and writes,
    /// only these [default: the config's `outputs`, or all]
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    pub outputs: Option<Vec<String>>,
    /// Points per checkpoint chunk written to --out as the sweep runs
    #[arg(long, default_value_t = DEFAULT_CHUNK, value_parser = chunk_points, allow_negative_numbers = true)]
    pub checkpoint_points: u64,
    /// Whole seconds finished chunks may wait before they are written as
    /// checkpoints (0: each as it finishes); a shorter sweep writes none,
    /// and Ctrl-C writes what is waiting
    #[arg(long, default_value_t = DEFAULT_CHECKPOINT_EVERY.as_secs(), value_parser = checkpoint_seconds, allow_negative_numbers = true)]
    pub checkpoint_seconds: u64,
}

/// A whole number in `lo..=hi`, or a message that says what is accepted.
fn whole(s: &str, lo: u64, hi: u64) -> Result<u64, String> {
    match s.trim().parse::<u64>() {
        Ok(n) if (lo..=hi).contains(&n) => Ok(n),
        _ => Err(format!("accepted: a whole number from {lo} to {hi}")),
    }
}

fn chunk_points(s: &str) -> Result<u64, String> {
    whole(s, 1, 1 << 30)
}

fn checkpoint_seconds(s: &str) -> Result<u64, String> {
    whole(s, 0, 1 << 20)
}

/// A progress bar on stderr that appears only once a sweep has run for a
/// second, and never with --quiet.
pub struct LateBar {
    pub bar: ProgressBar,
    started: Instant,
    shown: std::sync::atomic::AtomicBool,
    quiet: bool,
}

impl LateBar {
    pub fn new(total: u64, quiet: bool) -> LateBar {
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template(
                "{elapsed_precise} [{bar:40}] {human_pos}/{human_len} points ({rate}, eta {eta})",
            )
            .expect("valid template")
            // Whole points per second with thousands separators, not
            // indicatif's "447,446.4731/s".
            .with_key(
                "rate",
                |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = write!(w, "{}/s", indicatif::HumanCount(state.per_sec() as u64));
                },
            )
            .progress_chars("=> "),
        );
        LateBar {
            bar,
            started: Instant::now(),
            shown: std::sync::atomic::AtomicBool::new(false),
            quiet,
        }
    }

    /// `n` more points are done.
    pub fn tick(&self, n: u64) {
        use std::sync::atomic::Ordering::Relaxed;
        self.bar.inc(n);
        if !self.quiet && !self.shown.load(Relaxed) && self.started.elapsed().as_secs_f64() > 1.0 {
            self.shown.store(true, Relaxed);
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }
}

pub fn run(cmd: &SweepCmd) -> Result<()> {
    let began = Instant::now();
    let (cfg, origin) = load_config(cmd.config.as_deref())?;
    if cfg.battery.is_some() {
        return super::battery_sweep::run(cmd, cfg, &origin, began);
    }
    let grid = grid_of(cfg, &origin, cmd.outputs.as_deref())?;
    let shard = cmd
        .shard
        .as_deref()
        .map(Shard::parse)
        .transpose()
        .map_err(|e| BadInput(e.to_string()))?;
    super::sweep_plots::check_plot(cmd.plot, &grid, shard.is_some())?;
    let mode = match cmd.force {
        true => Mode::Force,
        false => Mode::Fresh,
    };
    let sweep = Sweep::new(&grid)
        .shard(shard)
        .checkpoints(&cmd.out, cmd.checkpoint_points, mode)
        .checkpoint_every(std::time::Duration::from_secs(cmd.checkpoint_seconds))
        // Only plots read the arrays back; the files are written either way.
        .in_memory(cmd.plot);
    // Bad shards are refused before a device is acquired.
    let total = sweep.total_points().map_err(super::lib_error)?;
    let backend = Backend::choose(cmd.backend, cmd.precision, &|msg| {
        if !cmd.quiet {
            eprintln!("{msg}")
        }
    })
    .map_err(super::lib_error)?;
    // A grid larger than memory is streamed to disk; plots need it in
    // memory.
    if cmd.plot && !sweep.full_in_memory(&backend).map_err(super::lib_error)? {
        return Err(BadInput(
            "--plot: the full arrays are larger than the memory available, so they are streamed to disk and cannot be plotted in this run; accepted: drop --plot and plot slices of the written .npy files (numpy.load(..., mmap_mode=\"r\")), or keep fewer arrays (--outputs)".into(),
        )
        .into());
    }
    let late = LateBar::new(total, cmd.quiet);
    let bar = &late.bar;
    let progress = |n: u64| late.tick(n);
    // Damaged checkpoints are always worth a line; the rest only unquiet.
    let notice = |msg: &str| {
        if !cmd.quiet || msg.contains("damaged") {
            eprintln!("{msg}");
        }
    };
    super::interrupt::install();
    let progress = Progress::new(&progress).stop_on(&super::interrupt::STOP);
    let run = match cmd.resume {
        true => sweep.resume(
            &cmd.out,
            cmd.checkpoint_points,
            &backend,
            &progress,
            &notice,
        ),
        false => sweep
            .run(&backend, &progress, &notice)
            .map(|o| Resumed::Ran(Box::new(o))),
    };
    if let Err(Error::Interrupted) = run {
        bar.abandon();
        return Err(super::interrupt::Interrupted(interrupted(cmd)).into());
    }
    let mut out = match run.map_err(super::lib_error)? {
        Resumed::Ran(out) => *out,
        Resumed::Finished(dir) => {
            bar.finish_and_clear();
            if !cmd.quiet {
                let _ = writeln!(std::io::stdout(), "{}", Error::Finished(dir));
            }
            return Ok(());
        }
    };
    bar.finish_and_clear();
    out.info.command = Some(command_line(std::env::args()));
    let plots = |dir: &std::path::Path| match cmd.plot {
        true => nessbat::plot::sweep::sweep_plots(
            &grid,
            out.full.as_ref(),
            &out.reduced,
            dir,
            cmd.plot_format == super::run_args::PlotFormat::Svg,
        ),
        false => Ok(Vec::new()),
    };
    // Writing out: the streamed arrays renamed into place, metadata.json,
    // the plots and any reduced arrays (the arrays themselves were written
    // beside the compute).
    let writing = Instant::now();
    out.write(&cmd.out, &plots)
        .with_context(|| format!("writing {}", cmd.out.display()))?;
    let writing = writing.elapsed().as_secs_f64();
    if !cmd.quiet {
        super::sweep_summary::summary(cmd, &out, began, writing);
    }
    out.finish();
    Ok(())
}

/// What Ctrl-C leaves: the finished checkpoint chunks, and how to go on.
pub(super) fn interrupted(cmd: &SweepCmd) -> String {
    let mut again: Vec<String> = std::env::args().collect();
    if !again.iter().any(|a| a == "--resume") {
        again.retain(|a| a != "--force");
        again.push("--resume".into());
    }
    // Quoted as a shell needs it, so that the line pastes back.
    format!(
        "interrupted; the finished chunks are kept in {}: continue with `{}`",
        cmd.out.display(),
        command_line(again)
    )
}
