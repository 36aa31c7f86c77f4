//! The plots of a sweep, from its arrays: a heatmap per quantity for 2-D
//! full arrays and a line chart per quantity for 1-D ones; per reduction
//! that keeps two axes a heatmap of its value (and of the axis values at an
//! arg-op's extremum), one that keeps one axis a line chart. Titles and
//! colour bars are in words with units; the subtitle names the model and
//! the fixed parameters. `nessbat sweep --plot` and `nessbat merge --plot`
//! draw these.

use nessbat_kernels::Named;
use std::path::{Path, PathBuf};

use plotters::prelude::SeriesLabelPosition;

use super::heatmap::{
    axis_label, heatmap_in, parameter_symbol, quantity_label, slice_grid, Labels,
};
use super::lines::{line_chart_in, LineChart, Series};
use crate::config::reduce::Reduction;
use crate::config::Axis;
use crate::grid::Grid;
use crate::store::reduced::Reduced;
use crate::store::SweepResults;

/// Why a grid has nothing --plot can draw, or None.
pub fn undrawable(grid: &Grid) -> Option<String> {
    let n = grid.axes.len();
    if grid.full_arrays() && !(1..=3).contains(&n) {
        return Some(format!(
            "--plot draws sweeps over one, two or three axes (three as slices); this config has {n}"
        ));
    }
    let drawable = |r: &Reduction| (1..=2).contains(&(n - r.over.len()));
    if !grid.full_arrays() && !grid.reductions.iter().any(drawable) {
        return Some("--plot draws reductions that keep one or two axes; every [[reduce]] entry here keeps none or more than two".into());
    }
    None
}

/// "populations model, optimal protocol, eq9 rates; λ = 0.01, …": what
/// every plot of the grid shares.
pub fn subtitle(grid: &Grid) -> String {
    let fixed: Vec<String> = grid
        .config
        .fixed
        .iter()
        .map(|(k, v)| format!("{} = {}", parameter_symbol(k), super::heatmap::fmt_tick(*v)))
        .collect();
    format!(
        "{} model, {} protocol, {} rates; {} (ħ = k_B = 1, energies in ω0)",
        grid.model.name(),
        grid.protocol.name(),
        grid.config.rate_kind(),
        fixed.join(", ")
    )
}

/// Draws each named layer (C order over `axes`) as a heatmap for two
/// axes, a line chart for one, slices of the first two for three (none for
/// more), each titled by its name with `sub` below: the full arrays' plots
/// of built-in and battery sweeps alike.
pub fn layer_plots(
    axes: &[Axis],
    layers: &[(String, Vec<f64>)],
    sub: &str,
    dir: &Path,
    svg: bool,
) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for (name, data) in layers {
        let label = quantity_label(name);
        let labels = Labels {
            title: label.clone(),
            colour: label,
            subtitle: sub.to_string(),
        };
        match axes {
            [x, y, z] => files.extend(slice_grid(dir, name, [x, y, z], data, &labels, svg)?),
            [x, y] => files.extend(heatmap_in(dir, name, x, y, data, &labels, svg)?),
            [x] => files.extend(line(dir, name, x, data, &labels, svg)?),
            _ => {}
        }
    }
    Ok(files)
}

/// Draws every plot of the sweep into `dir` as PNG (and SVG beside it with
/// `svg`); returns the files. Three axes are drawn as slices of the first
/// two at up to nine values of the third.
pub fn sweep_plots(
    grid: &Grid,
    full: Option<&SweepResults>,
    reduced: &[Reduced],
    dir: &Path,
    svg: bool,
) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let sub = subtitle(grid);
    if let Some(res) = full {
        // The kept arrays only (`outputs`).
        let mut layers: Vec<(String, Vec<f64>)> = res
            .outputs
            .quantities()
            .map(|q| (q.name().to_string(), res.values(q)))
            .collect();
        if res.outputs.cycles() {
            layers.push((
                "cycles".into(),
                res.cycles.iter().map(|c| f64::from(*c)).collect(),
            ));
        }
        // Always: where the figures above are flagged can be seen.
        layers.push((
            "status".into(),
            res.status.iter().map(|s| f64::from(*s)).collect(),
        ));
        files.extend(layer_plots(&grid.axes, &layers, &sub, dir, svg)?);
    }
    for (r, spec) in reduced.iter().zip(&grid.reductions) {
        let kept: Vec<&Axis> = r
            .kept
            .iter()
            .map(|n| grid.axes.iter().find(|a| &a.name == n).expect("kept axis"))
            .collect();
        let over: Vec<String> = spec
            .over
            .iter()
            .map(|i| parameter_symbol(&grid.axes[*i].name))
            .collect();
        let what = format!(
            "{} of {} over {}{}",
            spec.op.name().trim_start_matches("arg"),
            spec.quantity.long_name(),
            over.join(", "),
            spec.constraint
                .text()
                .map(|c| format!(" where {c}"))
                .unwrap_or_default()
        );
        let mut layers = vec![(
            r.name.clone(),
            &r.value,
            Labels {
                title: format!("{}: {what}", r.name),
                colour: quantity_label(spec.quantity.name()),
                subtitle: sub.clone(),
            },
        )];
        for (a, v) in &r.at {
            layers.push((
                format!("{}.{a}", r.name),
                v,
                Labels {
                    title: format!("{} at the {what}", parameter_symbol(a)),
                    colour: axis_label(a),
                    subtitle: sub.clone(),
                },
            ));
        }
        for (name, data, labels) in layers {
            match kept.as_slice() {
                [x, y] => files.extend(heatmap_in(dir, &name, x, y, data, &labels, svg)?),
                [x] => files.extend(line(dir, &name, x, data, &labels, svg)?),
                _ => {}
            }
        }
    }
    Ok(files)
}

/// A line chart of `data` over the axis `x`: log axes where the axis is
/// log-spaced, and where the data are one-signed over more than two
/// decades.
fn line(
    dir: &Path,
    name: &str,
    x: &Axis,
    data: &[f64],
    labels: &Labels,
    svg: bool,
) -> std::io::Result<Vec<PathBuf>> {
    let x_label = axis_label(&x.name);
    let positive: Vec<f64> = data
        .iter()
        .copied()
        .filter(|v| v.is_finite() && *v > 0.0)
        .collect();
    let all_positive = data.iter().filter(|v| v.is_finite()).all(|v| *v > 0.0);
    let lo = positive.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = positive.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let title = format!("{} — {}", labels.title, labels.subtitle);
    let chart = LineChart {
        title: &title,
        x_label: &x_label,
        y_label: &labels.colour,
        log_x: x.spacing == "log",
        log_y: all_positive && positive.len() > 1 && hi > 100.0 * lo,
        series: vec![Series {
            label: labels.colour.clone(),
            // In order of x, whatever order a `values` axis lists.
            points: {
                let mut p: Vec<(f64, f64)> =
                    x.values.iter().copied().zip(data.iter().copied()).collect();
                p.sort_by(|a, b| a.0.total_cmp(&b.0));
                p
            },
            dashed: false,
        }],
        legend: SeriesLabelPosition::UpperRight,
    };
    line_chart_in(dir, name, &chart, &[], svg)
}
