//! The PNGs of a sweep: heatmaps of full 2-D arrays, and of reductions
//! that keep two axes; line charts of reductions that keep one.

use std::path::PathBuf;

use plotters::prelude::SeriesLabelPosition;

use super::sweep::SweepCmd;
use super::BadInput;
use nessbat::config::Axis;
use nessbat::grid::Grid;
use nessbat::plot::heatmap::{axis_label, heatmap};
use nessbat::plot::lines::{line_chart, LineChart, Series};
use nessbat::store::reduced::Reduced;
use nessbat::store::SweepResults;
use nessbat::twin::Quantity;

/// PNGs: a heatmap per quantity for 2-D full arrays; per reduction that
/// keeps two axes a heatmap of its value (and of the axis values at an
/// arg-op's extremum), one that keeps one axis a line chart.
pub fn plots(
    cmd: &SweepCmd,
    grid: &Grid,
    full: Option<&SweepResults>,
    reduced: &[Reduced],
    dir: &std::path::Path,
) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    if !cmd.plot {
        return Ok(files);
    }
    if let Some(res) = full {
        let (x, y) = (&grid.axes[0], &grid.axes[1]);
        for q in Quantity::ALL {
            files.push(heatmap(dir, q.name(), x, y, &res.values(q))?);
        }
        let cycles: Vec<f64> = res.cycles.iter().map(|c| f64::from(*c)).collect();
        files.push(heatmap(dir, "cycles", x, y, &cycles)?);
    }
    for r in reduced {
        let kept: Vec<&Axis> = r
            .kept
            .iter()
            .map(|n| grid.axes.iter().find(|a| &a.name == n).expect("kept axis"))
            .collect();
        let layers = std::iter::once((r.name.clone(), &r.value))
            .chain(r.at.iter().map(|(a, v)| (format!("{}.{a}", r.name), v)));
        for (name, data) in layers {
            match kept.as_slice() {
                [x, y] => files.push(heatmap(dir, &name, x, y, data)?),
                [x] => files.push(reduction_line(dir, &name, x, data)?),
                _ => {}
            }
        }
    }
    Ok(files)
}

fn reduction_line(
    dir: &std::path::Path,
    name: &str,
    x: &Axis,
    data: &[f64],
) -> std::io::Result<PathBuf> {
    let x_label = axis_label(&x.name);
    let chart = LineChart {
        title: name,
        x_label: &x_label,
        y_label: name,
        log_x: x.spacing == "log",
        log_y: false,
        series: vec![Series {
            label: name.to_string(),
            points: x.values.iter().copied().zip(data.iter().copied()).collect(),
            dashed: false,
        }],
        legend: SeriesLabelPosition::UpperRight,
    };
    line_chart(dir, name, &chart)
}

/// --plot needs something it can draw: full arrays over two axes, or a
/// reduction that keeps one or two axes.
pub fn check_plot(cmd: &SweepCmd, grid: &Grid, sharded: bool) -> Result<(), BadInput> {
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
    let drawable = |r: &nessbat::config::reduce::Reduction| {
        (1..=2).contains(&(grid.axes.len() - r.over.len()))
    };
    if !grid.full_arrays() && !grid.reductions.iter().any(drawable) {
        return Err(BadInput(
            "--plot draws reductions that keep one or two axes; every [[reduce]] entry here keeps none or more than two".into(),
        ));
    }
    Ok(())
}
