//! `nessbat optimize`: the constrained optimum of one figure over a sweep
//! config's axes, or the Pareto front of two.

use nessbat::kernels::Named;
use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use serde_json::json;

use super::args::choice;
use super::pareto;
use super::run_args::{grid_of, load_config};
use super::BadInput;
use nessbat::backend::run::Backend;
use nessbat::backend::run::BackendChoice;
use nessbat::config::constraint::Constraints;
use nessbat::grid::Grid;
use nessbat::kernels::Precision;
use nessbat::kernels::Quantity;
use nessbat::kernels::OUTPUT_NAMES;
use nessbat::optimize::{optimize, Objective, OptimizeOptions};

#[derive(Debug, Args)]
pub struct OptimizeCmd {
    /// Sweep config (TOML) whose axes span the search; its [[reduce]]
    /// entries are ignored. Without it, the embedded default
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Figure to maximise: ergotropy, power, efficiency, heat_hot, heat_a,
    /// heat_s, ness_ergotropy, heat_dephasing, heat_in, entropy_production
    /// or error_estimate
    #[arg(long, value_name = "QUANTITY", conflicts_with_all = ["minimize", "pareto"])]
    pub maximize: Option<String>,
    /// Figure to minimise
    #[arg(long, value_name = "QUANTITY", conflicts_with = "pareto")]
    pub minimize: Option<String>,
    /// Constraint every candidate must meet, e.g. "efficiency >= 0.015";
    /// repeat it (or join with " and ") for several, at most 4
    #[arg(long, value_name = "CONSTRAINT")]
    pub subject_to: Vec<String>,
    /// Write the grid's Pareto front of two figures, both maximised
    #[arg(long, value_name = "Q1,Q2")]
    pub pareto: Option<String>,
    /// With --pareto and --out: a PNG of the front over every grid point
    #[arg(long, requires_all = ["pareto", "out"])]
    pub plot: bool,
    /// Print one JSON object
    #[arg(long)]
    pub json: bool,
    /// Folder to write history.csv and metadata.json (optimum) or
    /// pareto.csv, pareto.npy, metadata.json and pareto.png (front) to;
    /// without it nothing is written, so that queries can follow each other
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Overwrite results already in --out (a sweep, a front or a history)
    #[arg(long)]
    pub force: bool,
    /// Refine until every axis is bracketed to this relative width
    #[arg(long, default_value = "1e-7", value_parser = super::args::xtol)]
    pub xtol: f64,
    /// Where the grids run: the GPU when an adapter exists (auto), or force one
    #[arg(long, value_parser = choice::<BackendChoice>(), default_value = "auto")]
    pub backend: BackendChoice,
    /// Float type of the GPU kernels [default: f64 where the adapter has it]
    #[arg(long, value_parser = choice::<Precision>())]
    pub precision: Option<Precision>,
}

pub fn run(cmd: &OptimizeCmd) -> Result<()> {
    let (cfg, origin) = load_config(cmd.config.as_deref())?;
    if cfg.battery.is_some() {
        return super::battery_optimize::run(cmd, cfg, &origin);
    }
    let grid = grid_of(cfg, &origin, None)?
        .without_reductions()
        .map_err(|e| BadInput(e.to_string()))?;
    let constraint = Constraints::parse_all(&cmd.subject_to)
        .map_err(|e| BadInput(format!("--subject-to: {e}")))?;
    let quantity = |flag: &str, q: &str| {
        q.parse::<Quantity>()
            .map_err(|e| BadInput(format!("{flag}: {e}")))
    };
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
        Some(p) => Some(pareto::pareto_pair(p)?),
        None => None,
    };
    // Refused before any work: a folder with other results stays intact.
    if let Some(out) = &cmd.out {
        nessbat::store::output::check_out_folder(out, cmd.force).map_err(super::lib_error)?;
    }
    let backend = Backend::choose(cmd.backend, cmd.precision, &|m| eprintln!("{m}"))
        .map_err(super::lib_error)?;
    match (objective, pair) {
        (Some(o), _) => run_optimum(cmd, &grid, &backend, o, constraint),
        (None, Some(pair)) => pareto::run_pareto(cmd, &grid, &backend, pair, &constraint),
        (None, None) => unreachable!("checked above"),
    }
}

fn run_optimum(
    cmd: &OptimizeCmd,
    grid: &Grid,
    backend: &Backend,
    objective: Objective,
    constraint: Constraints,
) -> Result<()> {
    let opts = OptimizeOptions {
        xtol: cmd.xtol,
        ..OptimizeOptions::default()
    };
    let best = optimize(backend, grid, objective, constraint, &opts).map_err(super::lib_error)?;
    let figures = best.figures(grid)?;
    let name = objective.quantity.name();
    let figure_row = figures.outputs();
    let info = backend.info(&Default::default());
    let history = cmd.out.as_ref().map(|out| out.join("history.csv"));
    let v = nessbat::optimize::report(
        &best,
        &figures,
        &info,
        json!(history.as_ref().map(|h| h.display().to_string())),
    );
    let history_line = finish_search(cmd, &v, &grid.config, &best.found, &opts)?;
    let no_engine = nessbat::optimize::report::no_engine(&best, &figures);
    let text = if cmd.json {
        serde_json::to_string_pretty(&v)? + "\n"
    } else if no_engine {
        format!(
            "nessbat optimize: no engine here: no point of the searched grid extracts work (the best {name} is {} on the f64 reference); history: {}\n",
            figure_row[objective.quantity.index()],
            history_line
        )
    } else {
        let mut s = String::new();
        let sense = if objective.maximize {
            "maximize"
        } else {
            "minimize"
        };
        let _ = write!(s, "nessbat optimize: {sense} {name}");
        if let Some(c) = best.constraint.text() {
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
            let edge = if best.on_boundary.contains(a) {
                "  on the edge of its range: widen it"
            } else {
                ""
            };
            let _ = writeln!(s, "    {a:<12} {x:.9e}{edge}");
        }
        let _ = writeln!(s, "  figures (f64 reference at the optimum)");
        for (q, f) in OUTPUT_NAMES.iter().zip(figure_row) {
            let _ = writeln!(s, "    {q:<18} {f:>16.9e}");
        }
        let _ = writeln!(
            s,
            "  {} points on {} {}; history: {}",
            best.evaluations, info.backend, info.precision, history_line
        );
        s
    };
    super::output::write_atomic(None, text.as_bytes())?;
    if no_engine {
        return Err(NoEngine.into());
    }
    Ok(())
}

/// What every optimum does after its search: writes `--out` (history.csv,
/// and the report with the config as metadata.json, so that the folder is
/// a result like a sweep's, `config --from`; the printed report stays what
/// `nessbat.optimize` returns), warns where the search ended on an edge
/// of the range or before xtol, and says where the history went.
pub fn finish_search(
    cmd: &OptimizeCmd,
    report: &serde_json::Value,
    config: &nessbat::config::SweepConfig,
    found: &nessbat::optimize::refine::Found,
    opts: &OptimizeOptions,
) -> Result<String> {
    let history = cmd.out.as_ref().map(|out| out.join("history.csv"));
    if let Some(out) = &cmd.out {
        let mut meta = report.clone();
        meta["config"] = serde_json::to_value(config)?;
        meta["files"] = json!(["history.csv"]);
        std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
        // --force over another result: what it wrote goes first, so that
        // the folder holds exactly this one's files.
        nessbat::store::output::remove_previous(out)
            .with_context(|| format!("--force: {}", out.display()))?;
        super::output::write_atomic(
            Some(&out.join("history.csv")),
            found.history_csv().as_bytes(),
        )?;
        super::output::write_atomic(
            Some(&out.join("metadata.json")),
            &serde_json::to_vec_pretty(&meta)?,
        )?;
    }
    if !found.on_boundary.is_empty() {
        eprintln!(
            "warning: the optimum lies on the edge of the searched range of {}; the best engine may lie beyond it: widen that range",
            found.on_boundary.join(", ")
        );
    }
    if found.flagged > 0 {
        eprintln!(
            "warning: {} points of the search were flagged (not resolved to the tolerance) and did not compete: the optimum is the best of the resolved points",
            found.flagged
        );
    }
    if !found.converged {
        eprintln!(
            "warning: the search stopped at {} steps before every axis was bracketed to xtol = {:e}",
            opts.max_iterations, cmd.xtol
        );
    }
    Ok(history.as_ref().map_or_else(
        || "not written (--out DIR keeps it)".to_string(),
        |h| h.display().to_string(),
    ))
}

/// The outcome "no engine here": not an error of the user's or the
/// machine's, and not a converged optimum either (exit status 3).
#[derive(Debug)]
pub struct NoEngine;

impl std::fmt::Display for NoEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("no engine here: every searched point extracts no work (exit status 3)")
    }
}

impl std::error::Error for NoEngine {}
