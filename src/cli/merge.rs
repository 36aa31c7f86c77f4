//! `nessbat merge`: joins the shards of one sweep into the arrays an
//! unsharded run writes.

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;

use super::BadInput;
use nessbat::store::output;
use nessbat::store::shard::merge;

#[derive(Debug, Args)]
pub struct MergeCmd {
    /// Shard folders written by `nessbat sweep --shard K/N`
    #[arg(required = true)]
    pub shards: Vec<PathBuf>,
    /// Output folder for the merged arrays and metadata.json
    #[arg(long)]
    pub out: PathBuf,
    /// Overwrite results already in --out
    #[arg(long)]
    pub force: bool,
    /// Draw the merged sweep's plots, as `sweep --plot` does
    #[arg(long)]
    pub plot: bool,
    /// With --plot: png, or svg for an SVG beside each PNG
    #[arg(long, value_enum, default_value = "png", requires = "plot")]
    pub plot_format: super::run_args::PlotFormat,
}

pub fn run(cmd: &MergeCmd) -> Result<()> {
    // A folder a sweep is writing is in use, whatever it holds so far.
    nessbat::store::checkpoint::check_not_in_use(&cmd.out).map_err(super::lib_error)?;
    output::check_out_folder(&cmd.out, cmd.force).map_err(super::lib_error)?;
    let dirs: Vec<&std::path::Path> = cmd.shards.iter().map(PathBuf::as_path).collect();
    // --out may not be one of the shards: --force would replace the shard
    // it reads (through any spelling of the path, links included).
    let same = |a: &std::path::Path| matches!((a.canonicalize(), cmd.out.canonicalize()), (Ok(x), Ok(y)) if x == y);
    if let Some(d) = dirs.iter().find(|d| same(d)) {
        return Err(BadInput(format!(
            "--out {} is the shard {}; accepted: a folder that is none of the shards",
            cmd.out.display(),
            d.display()
        ))
        .into());
    }
    // Before any shard is read: memory and disk for their arrays.
    let bytes = nessbat::store::budget::arrays_in(&dirs);
    nessbat::store::budget::check_merge(&cmd.out, bytes).map_err(super::lib_error)?;
    if dirs
        .first()
        .is_some_and(|d| nessbat::battery::merge::is_battery_shard(d))
    {
        return merge_battery(cmd, &dirs);
    }
    let mut m = merge(&dirs).map_err(|e| BadInput(e.to_string()))?;
    m.info.command = Some(nessbat::store::provenance::command_line(std::env::args()));
    let out = output::ToWrite {
        full: m.full.as_ref(),
        reduced: &m.reduced,
        ..Default::default()
    };
    super::sweep_plots::check_plot(cmd.plot, &m.grid, false)?;
    let plots = |dir: &std::path::Path| match cmd.plot {
        true => nessbat::plot::sweep::sweep_plots(
            &m.grid,
            m.full.as_ref(),
            &m.reduced,
            dir,
            cmd.plot_format == super::run_args::PlotFormat::Svg,
        ),
        false => Ok(Vec::new()),
    };
    // Held while writing: a sweep or another merge on the same folder is
    // refused at once rather than interleaving its files with these.
    let lock = nessbat::store::checkpoint::lock_folder(&cmd.out).map_err(super::lib_error)?;
    let written = output::write(&cmd.out, &m.grid, &out, &m.info, &plots);
    // Released whether or not the write worked: no lock file stays behind.
    nessbat::store::checkpoint::unlock_folder(&cmd.out, lock);
    written.with_context(|| format!("writing {}", cmd.out.display()))?;
    let _ = writeln!(
        std::io::stdout(),
        "merged {} shards ({} points, {} reductions, backends {}) into {}",
        dirs.len(),
        m.grid.len(),
        m.reduced.len(),
        m.info.backend,
        cmd.out.display()
    );
    Ok(())
}

/// The shards of a battery sweep, merged and written as one run's folder.
fn merge_battery(cmd: &MergeCmd, dirs: &[&std::path::Path]) -> Result<()> {
    let m = nessbat::battery::merge::merge(dirs).map_err(|e| BadInput(e.to_string()))?;
    let too_many = m
        .plan
        .reductions
        .iter()
        .map(|r| m.grid.axes.len() - r.over.len())
        .chain(m.plan.full.then_some(m.grid.axes.len()))
        .find(|n| !(1..=3).contains(n));
    if let (true, Some(n)) = (cmd.plot, too_many) {
        return Err(BadInput(format!(
            "--plot draws arrays over one, two or three axes (three as slices); this sweep has arrays over {n}"
        ))
        .into());
    }
    let run = nessbat::battery::output::BatteryRun {
        elapsed_seconds: m.compute_seconds,
        command: Some(nessbat::store::provenance::command_line(std::env::args())),
        adapter: m.adapter.clone(),
        shard: None,
        merged_compute: Some(m.compute_seconds),
        // As the unsharded run's, so that --resume finds it finished.
        identity: Some(nessbat::battery::checkpoint::identity(
            &m.grid,
            &m.plan,
            &(0..m.grid.len()),
            if m.adapter.is_some() { "gpu" } else { "cpu" },
        )),
    };
    let svg = cmd.plot_format == super::run_args::PlotFormat::Svg;
    let plots = |dir: &std::path::Path| match cmd.plot {
        true => super::battery_sweep::plots(&m.grid, &m.plan, &m.res, dir, svg),
        false => Ok(Vec::new()),
    };
    let lock = nessbat::store::checkpoint::lock_folder(&cmd.out).map_err(super::lib_error)?;
    let written = nessbat::battery::output::write(&cmd.out, &m.grid, &m.plan, &m.res, &run, &plots);
    nessbat::store::checkpoint::unlock_folder(&cmd.out, lock);
    written.with_context(|| format!("writing {}", cmd.out.display()))?;
    let _ = writeln!(
        std::io::stdout(),
        "merged {} battery shards ({} points, {} reductions) into {}",
        dirs.len(),
        m.grid.len(),
        m.res.reduced.len(),
        cmd.out.display()
    );
    Ok(())
}
