//! `nessbat optimize --pareto`: the non-dominated points of a grid for two
//! figures, as CSV, NPY and a plot.

use std::path::Path;

use anyhow::{Context, Result};
use ndarray_npy::WriteNpyExt;
use plotters::prelude::SeriesLabelPosition;
use serde_json::{json, Value};

use super::optimize::OptimizeCmd;
use super::BadInput;
use nessbat::backend::run::Backend;
use nessbat::config::constraint::Constraints;
use nessbat::config::SweepConfig;
use nessbat::grid::Grid;
use nessbat::kernels::Quantity;
use nessbat::optimize::{pareto_table, ParetoTable};
use nessbat::plot::heatmap::quantity_label;
use nessbat::plot::lines::{line_chart_over, LineChart, Series};

pub fn pareto_pair(text: &str) -> Result<[Quantity; 2], BadInput> {
    let parts: Vec<&str> = text.split(',').map(str::trim).collect();
    let bad = || {
        BadInput(format!(
            "--pareto {text}: accepted: two different quantities separated by a comma, e.g. power,efficiency"
        ))
    };
    let [a, b] = parts.as_slice() else {
        return Err(bad());
    };
    let a: Quantity = a.parse().map_err(|e| BadInput(format!("--pareto: {e}")))?;
    let b: Quantity = b.parse().map_err(|e| BadInput(format!("--pareto: {e}")))?;
    if a == b {
        return Err(bad());
    }
    Ok([a, b])
}

pub fn run_pareto(
    cmd: &OptimizeCmd,
    grid: &Grid,
    backend: &Backend,
    pair: [Quantity; 2],
    constraint: &Constraints,
) -> Result<()> {
    let t = pareto_table(backend, grid, pair, constraint).map_err(super::lib_error)?;
    write_front(cmd, &t, &grid.config, &nessbat::plot::sweep::subtitle(grid))
}

/// Prints and writes a front (CSV, NPY, metadata.json and, with --plot,
/// the plot), whatever model it is of: `config` is recorded, `subtitle`
/// says what was searched.
pub fn write_front(
    cmd: &OptimizeCmd,
    t: &ParetoTable,
    config: &SweepConfig,
    subtitle: &str,
) -> Result<()> {
    let (columns, table) = (&t.columns, &t.rows);
    let admit = |i: usize| t.admitted[i];
    let front = &t.points;
    let n_axes = columns.len() - t.figure_columns;
    let mut csv = columns.join(",") + "\n";
    for r in table.rows() {
        let cells: Vec<String> = r.iter().map(|v| format!("{v:e}")).collect();
        csv += &(cells.join(",") + "\n");
    }
    let mut npy = Vec::new();
    table.write_npy(&mut npy)?;
    let names = [t.pair[0].as_str(), t.pair[1].as_str()];
    let admitted = t.admitted.iter().filter(|a| **a).count();
    if t.flagged > 0 {
        eprintln!(
            "warning: {} grid points were flagged (not resolved to the tolerance) and did not compete",
            t.flagged
        );
    }
    let mut meta = json!({
        "nessbat_version": env!("CARGO_PKG_VERSION"),
        "pareto": names,
        "sense": "both maximised",
        "subject_to": t.constraint,
        "columns": columns,
        "rows": front.len(),
        "order": format!("descending {}", names[0]),
        "grid_points": t.admitted.len(),
        "admitted_points": admitted,
        "flagged_points": t.flagged,
        "config": config,
        "backend": t.backend,
        "adapter": t.adapter,
        "precision": t.precision,
    });
    let mut files: Vec<(&str, Vec<u8>)> =
        vec![("pareto.csv", csv.into_bytes()), ("pareto.npy", npy)];
    if let Some(out) = &cmd.out {
        std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
        if cmd.plot {
            // The subtitle: what was searched, and what was admitted.
            let title = format!(
                "Pareto front of {} and {}: {admitted} of {} grid points admitted{} — {subtitle}",
                t.long_names[0],
                t.long_names[1],
                t.admitted.len(),
                t.constraint
                    .as_ref()
                    .map(|c| format!(" ({c})"))
                    .unwrap_or_default(),
            );
            files.push(("pareto.png", plot(out, &title, t, &admit)?));
        }
        // Every file written, as a sweep's metadata lists them, so that a
        // rerun with --force removes exactly these.
        let names: Vec<&str> = files.iter().map(|(n, _)| *n).collect();
        meta["files"] = json!(names);
        files.push(("metadata.json", serde_json::to_vec_pretty(&meta)?));
        // --force over another result: what it wrote goes first.
        nessbat::store::output::remove_previous(out)
            .with_context(|| format!("--force: {}", out.display()))?;
        for (name, bytes) in &files {
            super::output::write_atomic(Some(&out.join(name)), bytes)?;
        }
    }
    let written = cmd.out.as_ref().map(|o| o.display().to_string());
    let text = if cmd.json {
        let rows: Vec<Value> = table
            .rows()
            .into_iter()
            .map(|r| {
                let mut o = serde_json::Map::new();
                let params: serde_json::Map<String, Value> = columns[..n_axes]
                    .iter()
                    .zip(r.iter())
                    .map(|(c, v)| (c.clone(), json!(v)))
                    .collect();
                o.insert("parameters".into(), Value::Object(params));
                for (c, v) in columns[n_axes..].iter().zip(r.iter().skip(n_axes)) {
                    o.insert(c.clone(), json!(v));
                }
                Value::Object(o)
            })
            .collect();
        serde_json::to_string_pretty(&json!({
            "pareto": names,
            "front": rows,
            "out": written,
            "grid_points": t.admitted.len(),
            "admitted_points": admitted,
            "flagged_points": t.flagged,
        }))? + "\n"
    } else {
        format!(
            "Pareto front of {} and {}: {} of {} admitted points (grid of {}); {}\n",
            names[0],
            names[1],
            front.len(),
            admitted,
            t.admitted.len(),
            written.map_or_else(
                // Not kept: the front itself, as its CSV.
                || format!(
                    "not written (--out DIR keeps it):\n{}",
                    String::from_utf8_lossy(&files[0].1).trim_end()
                ),
                |o| format!("written to {o}")
            )
        )
    };
    super::output::write_atomic(None, text.as_bytes())
}

/// The front over every admitted point (thinned to at most 50 000 by a
/// fixed stride, so huge grids still draw quickly), as PNG bytes.
fn plot(
    out: &Path,
    title: &str,
    t: &ParetoTable,
    admit: &dyn Fn(usize) -> bool,
) -> Result<Vec<u8>> {
    let (x, y, front) = (&t.x, &t.y, &t.points);
    let admitted: Vec<usize> = (0..x.len()).filter(|i| admit(*i)).collect();
    let stride = admitted.len().div_ceil(50_000).max(1);
    let cloud: Vec<(f64, f64)> = admitted
        .iter()
        .step_by(stride)
        .map(|i| (x[*i], y[*i]))
        .collect();
    let (xl, yl) = (quantity_label(&t.pair[0]), quantity_label(&t.pair[1]));
    let chart = LineChart {
        title,
        x_label: &xl,
        y_label: &yl,
        log_x: false,
        log_y: false,
        series: vec![Series {
            label: "non-dominated points".into(),
            points: front.iter().map(|i| (x[*i], y[*i])).collect(),
            dashed: false,
        }],
        legend: SeriesLabelPosition::UpperRight,
    };
    // Drawn into a scratch folder, read back, written atomically with the
    // other files.
    let scratch = out.join(format!(".pareto-plot-{}", std::process::id()));
    std::fs::create_dir_all(&scratch)?;
    let drawn = line_chart_over(&scratch, "pareto", &chart, &cloud).and_then(std::fs::read);
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(drawn?)
}
