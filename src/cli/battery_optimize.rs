//! `nessbat optimize` over a `[battery]` config: the constrained optimum
//! of one of its figures (`heat_NAME` included) over its axes, or the
//! Pareto front of two (`--pareto`, as for the built-in model), searched
//! with battery sweeps (on the CPU, or with the strokes on the GPU), and
//! every figure at the optimum from the f64 point. Printed and written as
//! the built-in model's optimum is (`--json`, `--out` with history.csv).

use std::fmt::Write as _;

use anyhow::Result;
use serde_json::json;

use super::battery_sweep::subtitle;
use super::optimize::{finish_search, NoEngine, OptimizeCmd};
use super::pareto::write_front;
use super::BadInput;
use nessbat::backend::run::BackendChoice;
use nessbat::battery::gpu::{self, GpuStrokes};
use nessbat::battery::grid::Use;
use nessbat::battery::optimize::optimize;
use nessbat::battery::pareto::pareto_table;
use nessbat::battery::BatteryGrid;
use nessbat::config::SweepConfig;
use nessbat::kernels::Precision;
use nessbat::optimize::space::Goal;
use nessbat::optimize::OptimizeOptions;

pub fn run(cmd: &OptimizeCmd, cfg: SweepConfig, origin: &str) -> Result<()> {
    if cmd.precision == Some(Precision::F32) {
        return Err(BadInput(
            "--precision f32: battery points are f64 on either backend; accepted: --precision f64, or none".into(),
        )
        .into());
    }
    let goal = match (&cmd.maximize, &cmd.minimize, &cmd.pareto) {
        (Some(q), _, _) => Some((q, true)),
        (_, Some(q), _) => Some((q, false)),
        (_, _, Some(_)) => None,
        _ => return Err(BadInput(
            "nothing to optimise; accepted: --maximize FIGURE, --minimize FIGURE or --pareto F1,F2"
                .into(),
        )
        .into()),
    };
    let texts: Vec<&str> = cmd.subject_to.iter().map(|s| s.trim()).collect();
    let constraint = (!texts.is_empty()).then(|| texts.join(" and "));
    if let Some(out) = &cmd.out {
        nessbat::store::output::check_out_folder(out, cmd.force).map_err(super::lib_error)?;
    }
    let grid =
        BatteryGrid::new(&cfg, Use::Sweep).map_err(|e| BadInput(format!("{origin}: {e}")))?;
    // Said once the search has run (a refusal stays one line).
    let warn = || {
        for w in grid.warnings() {
            eprintln!("warning: {origin}: {w}");
        }
    };
    let grid_levels = grid.battery.levels();
    let ctx = match cmd.backend {
        BackendChoice::Gpu => Some(gpu::acquire(grid_levels).map_err(super::lib_error)?),
        _ => None,
    };
    let strokes = match &ctx {
        Some(ctx) => Some(GpuStrokes::new(ctx, grid_levels).map_err(super::lib_error)?),
        None => None,
    };
    let Some((quantity, maximize)) = goal else {
        // A front: --pareto F1,F2.
        let text = cmd.pareto.as_deref().unwrap_or_default();
        let pair: Vec<&str> = text.split(',').map(str::trim).collect();
        let [a, b] = pair.as_slice() else {
            return Err(BadInput(format!(
                "--pareto {text}: accepted: two different figures separated by a comma, e.g. power,efficiency"
            ))
            .into());
        };
        let t = pareto_table(&cfg, [a, b], constraint.as_deref(), strokes.as_ref())
            .map_err(|e| super::lib_error(prefixed(e, origin)))?;
        warn();
        return write_front(cmd, &t, &cfg, &subtitle(&grid));
    };
    let goal = Goal {
        quantity: quantity.trim().to_string(),
        maximize,
        constraint,
    };
    let opts = OptimizeOptions {
        xtol: cmd.xtol,
        ..OptimizeOptions::default()
    };
    let best = optimize(&cfg, strokes.as_ref(), &goal, &opts)
        .map_err(|e| super::lib_error(prefixed(e, origin)))?;
    warn();
    let backend = match &ctx {
        Some(c) => format!("gpu strokes ({})", c.describe()),
        None => "cpu".to_string(),
    };
    let history = cmd.out.as_ref().map(|out| out.join("history.csv"));
    let v = best.report(
        &backend,
        json!(history.as_ref().map(|h| h.display().to_string())),
    );
    let history_line = finish_search(cmd, &v, &cfg, &best.found, &opts)?;
    let found = &best.found;
    let text = if cmd.json {
        serde_json::to_string_pretty(&v)? + "\n"
    } else if best.no_engine {
        format!(
            "nessbat optimize: no engine here: no point of the searched grid extracts work (the best {} is {} on the f64 point); history: {history_line}\n",
            goal.quantity, v["objective"]["value"]
        )
    } else {
        let mut s = String::new();
        let sense = if goal.maximize {
            "maximize"
        } else {
            "minimize"
        };
        let _ = write!(s, "nessbat optimize: {sense} {}", goal.quantity);
        if let Some(c) = &goal.constraint {
            let _ = write!(s, " subject to {c}");
        }
        let _ = writeln!(s, " (battery of {} levels)", best.figures.energies.len());
        let _ = writeln!(s, "  optimum");
        for (a, x) in found.axes.iter().zip(&found.coords) {
            let edge = match found.on_boundary.contains(a) {
                true => "  on the edge of its range: widen it",
                false => "",
            };
            let _ = writeln!(s, "    {a:<12} {x:.9e}{edge}");
        }
        let _ = writeln!(s, "  figures (f64 point at the optimum)");
        for line in best.figures.table().lines() {
            let _ = writeln!(s, "  {line}");
        }
        let _ = writeln!(
            s,
            "  {} points on {backend} f64; history: {history_line}",
            found.evaluations
        );
        s
    };
    super::output::write_atomic(None, text.as_bytes())?;
    if best.no_engine {
        return Err(NoEngine.into());
    }
    Ok(())
}

/// A config error names the file it is in.
fn prefixed(e: nessbat::Error, origin: &str) -> nessbat::Error {
    match e {
        nessbat::Error::Config(m) => nessbat::Error::Config(format!("{origin}: {m}")),
        e => e,
    }
}
