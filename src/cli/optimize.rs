//! `nessbat optimize`: the constrained optimum of one figure over a sweep
//! config's axes, or the Pareto front of two.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Args;
use ndarray::Array2;
use ndarray_npy::WriteNpyExt;
use plotters::prelude::SeriesLabelPosition;
use serde_json::{json, Value};

use super::sweep::{load_grid, usage, BackendArg, PrecisionArg};
use super::BadInput;
use nessbat::optimize::{optimize, pareto_front, Objective, OptimizeError, OptimizeOptions};
use nessbat::sweep::constraint::{quantity_index, Constraint};
use nessbat::sweep::lines::{line_chart_over, LineChart, Series};
use nessbat::sweep::plot::quantity_label;
use nessbat::sweep::run::Backend;
use nessbat::sweep::Grid;
use nessbat::twin::OUTPUT_NAMES;

#[derive(Debug, Args)]
pub struct OptimizeCmd {
    /// Sweep config (TOML) whose axes span the search; its [[reduce]]
    /// entries are ignored. Without it, the embedded default
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Figure to maximise: ergotropy, power, efficiency, heat_hot, heat_a,
    /// heat_s or ness_ergotropy
    #[arg(long, value_name = "QUANTITY", conflicts_with_all = ["minimize", "pareto"])]
    pub maximize: Option<String>,
    /// Figure to minimise
    #[arg(long, value_name = "QUANTITY", conflicts_with = "pareto")]
    pub minimize: Option<String>,
    /// Constraint every candidate must meet, e.g. "efficiency >= 0.015"
    #[arg(long, value_name = "CONSTRAINT")]
    pub subject_to: Option<String>,
    /// Write the grid's Pareto front of two figures, both maximised
    #[arg(long, value_name = "Q1,Q2")]
    pub pareto: Option<String>,
    /// With --pareto: a PNG of the front over every grid point
    #[arg(long, requires = "pareto")]
    pub plot: bool,
    /// Print one JSON object
    #[arg(long)]
    pub json: bool,
    /// Folder for history.csv (optimum) or pareto.csv, pareto.npy,
    /// metadata.json and pareto.png (front)
    #[arg(long, default_value = "out/optimize")]
    pub out: PathBuf,
    /// Refine until every axis is bracketed to this relative width
    #[arg(long, default_value_t = 1e-7, value_parser = super::args::positive)]
    pub xtol: f64,
    /// Where the grids run: the GPU when an adapter exists (auto), or force one
    #[arg(long, value_enum, default_value = "auto")]
    pub backend: BackendArg,
    /// Float type of the GPU kernels [default: f64 where the adapter has it]
    #[arg(long, value_enum)]
    pub precision: Option<PrecisionArg>,
}

/// Most grid points a Pareto front is taken over (its full arrays are
/// kept in memory: 7 floats per point).
const PARETO_MAX_POINTS: u64 = 1 << 26;

pub fn run(cmd: &OptimizeCmd) -> Result<()> {
    let mut grid = load_grid(cmd.config.as_deref())?;
    // optimize runs its own reductions.
    grid.config.reduce.clear();
    grid.config.full_arrays = None;
    let grid = Grid::new(grid.config).map_err(|e| BadInput(e.to_string()))?;
    let constraint = cmd
        .subject_to
        .as_deref()
        .map(Constraint::parse)
        .transpose()
        .map_err(|e| BadInput(format!("--subject-to: {e}")))?;
    let quantity =
        |flag: &str, q: &str| quantity_index(q).map_err(|e| BadInput(format!("{flag}: {e}")));
    let objective = match (&cmd.maximize, &cmd.minimize, &cmd.pareto) {
        (Some(q), _, _) => Some(Objective {
            quantity: quantity("--maximize", q)?,
            maximize: true,
        }),
        (_, Some(q), _) => Some(Objective {
            quantity: quantity("--minimize", q)?,
            maximize: false,
        }),
        (_, _, Some(_)) => None,
        _ => {
            return Err(BadInput(
                "nothing to optimise; accepted: --maximize QUANTITY, --minimize QUANTITY or --pareto Q1,Q2".into(),
            )
            .into())
        }
    };
    let pair = match &cmd.pareto {
        Some(p) => Some(pareto_pair(p)?),
        None => None,
    };
    if pair.is_some() && grid.len() > PARETO_MAX_POINTS {
        return Err(BadInput(format!(
            "--pareto keeps every point's figures in memory: the grid has {} points; accepted: at most {PARETO_MAX_POINTS}",
            grid.len()
        ))
        .into());
    }
    let backend = Backend::choose(cmd.backend.into(), cmd.precision.map(Into::into), &|m| {
        eprintln!("{m}")
    })
    .map_err(usage)?;
    match (objective, pair) {
        (Some(o), _) => run_optimum(cmd, &grid, &backend, o, constraint),
        (None, Some(pair)) => run_pareto(cmd, &grid, &backend, pair, constraint),
        (None, None) => unreachable!("checked above"),
    }
}

fn pareto_pair(text: &str) -> Result<[usize; 2], BadInput> {
    let parts: Vec<&str> = text.split(',').map(str::trim).collect();
    let bad = || {
        BadInput(format!(
            "--pareto {text}: accepted: two different quantities separated by a comma, e.g. power,efficiency"
        ))
    };
    let [a, b] = parts.as_slice() else {
        return Err(bad());
    };
    let a = quantity_index(a).map_err(|e| BadInput(format!("--pareto: {e}")))?;
    let b = quantity_index(b).map_err(|e| BadInput(format!("--pareto: {e}")))?;
    if a == b {
        return Err(bad());
    }
    Ok([a, b])
}

fn optimize_error(e: OptimizeError) -> anyhow::Error {
    match e {
        OptimizeError::Usage(m) => BadInput(m).into(),
        OptimizeError::Run(r) => usage(r),
    }
}

fn run_optimum(
    cmd: &OptimizeCmd,
    grid: &Grid,
    backend: &Backend,
    objective: Objective,
    constraint: Option<Constraint>,
) -> Result<()> {
    let opts = OptimizeOptions {
        xtol: cmd.xtol,
        ..OptimizeOptions::default()
    };
    let best = optimize(backend, grid, objective, constraint, &opts).map_err(optimize_error)?;
    let figures = best.figures(grid)?;
    std::fs::create_dir_all(&cmd.out)
        .with_context(|| format!("cannot create {}", cmd.out.display()))?;
    let history = cmd.out.join("history.csv");
    super::output::write_atomic(Some(&history), best.history_csv().as_bytes())?;
    let name = OUTPUT_NAMES[objective.quantity];
    let mut v = serde_json::to_value(&figures)?;
    let figure_row = [
        figures.ergotropy,
        figures.power,
        figures.efficiency,
        figures.heat_hot,
        figures.heat_a,
        figures.heat_s,
        figures.ness.ergotropy,
    ];
    let info = backend.info(&Default::default());
    v["parameters"] = Value::Object(
        best.axes
            .iter()
            .zip(&best.coords)
            .map(|(a, x)| (a.clone(), json!(x)))
            .collect(),
    );
    v["objective"] = json!({
        "quantity": name,
        "sense": if objective.maximize { "maximize" } else { "minimize" },
        "value": figure_row[objective.quantity],
        "value_on_backend": best.value,
    });
    v["subject_to"] = json!(constraint.map(|c| c.to_string()));
    v["constraint_satisfied"] = json!(constraint.is_none_or(|c| c.holds(&figure_row)));
    v["converged"] = json!(best.converged);
    v["evaluations"] = json!(best.evaluations);
    v["backend"] = json!(info.backend);
    v["precision"] = json!(info.precision);
    v["history"] = json!(history.display().to_string());
    if !best.converged {
        eprintln!(
            "warning: the search stopped at {} steps before every axis was bracketed to xtol = {}",
            opts.max_iterations, cmd.xtol
        );
    }
    let text = if cmd.json {
        serde_json::to_string_pretty(&v)? + "\n"
    } else {
        let mut s = String::new();
        let sense = if objective.maximize {
            "maximize"
        } else {
            "minimize"
        };
        let _ = write!(s, "nessbat optimize: {sense} {name}");
        if let Some(c) = constraint {
            let _ = write!(s, " subject to {c}");
        }
        let _ = writeln!(
            s,
            " ({} model, {} protocol)",
            grid.model.name(),
            grid.protocol.name()
        );
        let _ = writeln!(s, "  optimum");
        for (a, x) in best.axes.iter().zip(&best.coords) {
            let _ = writeln!(s, "    {a:<12} {x:.9e}");
        }
        let _ = writeln!(s, "  figures (f64 reference at the optimum)");
        for (q, f) in OUTPUT_NAMES.iter().zip(figure_row) {
            let _ = writeln!(s, "    {q:<14} {f:>16.9e}");
        }
        let _ = writeln!(
            s,
            "  {} points on {} {}; history: {}",
            best.evaluations,
            info.backend,
            info.precision,
            history.display()
        );
        s
    };
    super::output::write_atomic(None, text.as_bytes())
}

fn run_pareto(
    cmd: &OptimizeCmd,
    grid: &Grid,
    backend: &Backend,
    pair: [usize; 2],
    constraint: Option<Constraint>,
) -> Result<()> {
    let (res, info, _) = backend.run(grid, &|_| {}).map_err(usage)?;
    let q: Vec<Vec<f64>> = OUTPUT_NAMES
        .iter()
        .map(|n| res.quantity_f64(n).expect("known quantity"))
        .collect();
    let row = |i: usize| -> Vec<f64> { q.iter().map(|a| a[i]).collect() };
    let admit = |i: usize| res.status[i] == 0 && constraint.is_none_or(|c| c.holds(&row(i)));
    let front = pareto_front(&q[pair[0]], &q[pair[1]], &admit);
    // Columns: the axes in config order, then every figure.
    let shape = grid.shape();
    let mut columns: Vec<String> = grid.axes.iter().map(|a| a.name.clone()).collect();
    columns.extend(OUTPUT_NAMES.iter().map(|s| s.to_string()));
    let mut table = Array2::<f64>::zeros((front.points.len(), columns.len()));
    for (r, &i) in front.points.iter().enumerate() {
        let mut rem = i;
        for k in (0..shape.len()).rev() {
            table[[r, k]] = grid.axes[k].values[rem % shape[k]];
            rem /= shape[k];
        }
        for (j, v) in row(i).into_iter().enumerate() {
            table[[r, shape.len() + j]] = v;
        }
    }
    let mut csv = columns.join(",") + "\n";
    for r in table.rows() {
        let cells: Vec<String> = r.iter().map(|v| format!("{v:e}")).collect();
        csv += &(cells.join(",") + "\n");
    }
    let mut npy = Vec::new();
    table.write_npy(&mut npy)?;
    let names = [OUTPUT_NAMES[pair[0]], OUTPUT_NAMES[pair[1]]];
    let admitted = (0..res.len()).filter(|i| admit(*i)).count();
    let meta = json!({
        "nessbat_version": env!("CARGO_PKG_VERSION"),
        "pareto": names,
        "sense": "both maximised",
        "subject_to": constraint.map(|c| c.to_string()),
        "columns": columns,
        "rows": front.points.len(),
        "order": format!("descending {}", names[0]),
        "grid_points": res.len(),
        "admitted_points": admitted,
        "config": grid.config,
        "backend": info.backend,
        "adapter": info.adapter,
        "precision": info.precision,
        "files": {"csv": "pareto.csv", "npy": "pareto.npy"},
    });
    let mut files: Vec<(&str, Vec<u8>)> = vec![
        ("pareto.csv", csv.into_bytes()),
        ("pareto.npy", npy),
        ("metadata.json", serde_json::to_vec_pretty(&meta)?),
    ];
    std::fs::create_dir_all(&cmd.out)
        .with_context(|| format!("cannot create {}", cmd.out.display()))?;
    if cmd.plot {
        files.push((
            "pareto.png",
            plot(&cmd.out, &q, pair, &front.points, &admit)?,
        ));
    }
    for (name, bytes) in &files {
        super::output::write_atomic(Some(&cmd.out.join(name)), bytes)?;
    }
    let text = if cmd.json {
        let rows: Vec<Value> = table
            .rows()
            .into_iter()
            .map(|r| {
                let mut o = serde_json::Map::new();
                let params: serde_json::Map<String, Value> = columns[..shape.len()]
                    .iter()
                    .zip(r.iter())
                    .map(|(c, v)| (c.clone(), json!(v)))
                    .collect();
                o.insert("parameters".into(), Value::Object(params));
                for (c, v) in columns[shape.len()..]
                    .iter()
                    .zip(r.iter().skip(shape.len()))
                {
                    o.insert(c.clone(), json!(v));
                }
                Value::Object(o)
            })
            .collect();
        serde_json::to_string_pretty(
            &json!({"pareto": names, "front": rows, "out": cmd.out.display().to_string()}),
        )? + "\n"
    } else {
        format!(
            "Pareto front of {} and {}: {} of {} admitted points (grid of {}); written to {}\n",
            names[0],
            names[1],
            front.points.len(),
            admitted,
            res.len(),
            cmd.out.display()
        )
    };
    super::output::write_atomic(None, text.as_bytes())
}

/// The front over every admitted point (thinned to at most 50 000 by a
/// fixed stride, so huge grids still draw quickly), as PNG bytes.
fn plot(
    out: &Path,
    q: &[Vec<f64>],
    pair: [usize; 2],
    front: &[usize],
    admit: &dyn Fn(usize) -> bool,
) -> Result<Vec<u8>> {
    let (x, y) = (&q[pair[0]], &q[pair[1]]);
    let admitted: Vec<usize> = (0..x.len()).filter(|i| admit(*i)).collect();
    let stride = admitted.len().div_ceil(50_000).max(1);
    let cloud: Vec<(f64, f64)> = admitted
        .iter()
        .step_by(stride)
        .map(|i| (x[*i], y[*i]))
        .collect();
    let (xl, yl) = (
        quantity_label(OUTPUT_NAMES[pair[0]]),
        quantity_label(OUTPUT_NAMES[pair[1]]),
    );
    let chart = LineChart {
        title: "Pareto front",
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
