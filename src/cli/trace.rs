//! `nessbat trace`: CSV time series behind Figs. 3 and 4(b, c).

use std::fmt::Write;
use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, Subcommand};

use super::args::PointArgs;
use super::BadInput;
use nessbat::oracle::trace::{ergotropy_per_cycle, population_trace, samples_csv};

#[derive(Debug, Subcommand)]
pub enum TraceCmd {
    /// Level populations and ergotropy against time (Figs. 3, 4c)
    #[command(allow_negative_numbers = true)]
    Populations(PopulationsCmd),
    /// Work extracted in each cycle from ρ_NESS to the OSS (Fig. 4b)
    #[command(allow_negative_numbers = true)]
    Ergotropy(ErgotropyCmd),
}

#[derive(Debug, Args)]
pub struct PopulationsCmd {
    #[command(flatten)]
    pub point: PointArgs,
    /// Cycles to follow, starting from ρ_NESS
    #[arg(long, default_value = "1")]
    pub cycles: u64,
    /// Samples per charging stroke
    #[arg(long, default_value = "200")]
    pub samples: usize,
    /// Idle time in ρ_NESS before the first extraction
    #[arg(long, default_value = "0", value_parser = super::args::non_negative)]
    pub idle: f64,
    /// Output CSV file [default: stdout]
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Overwrite --out if it exists (as `nessbat sweep --force`)
    #[arg(long, requires = "out")]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct ErgotropyCmd {
    #[command(flatten)]
    pub point: PointArgs,
    /// A battery config instead of the flags (as `nessbat point --config`):
    /// the work and each bath's heat per cycle
    #[arg(long, conflicts_with_all = [
        "omega0", "lambda", "tau", "t_a", "t_s", "gamma", "gamma_a", "gamma_s",
        "rate_a_up", "rate_a_down", "rate_s_up", "rate_s_down", "pump", "local_decay",
        "collective_decay", "model", "protocol", "rates", "detuning", "dephasing",
    ])]
    pub config: Option<PathBuf>,
    /// Stop after this many cycles if the OSS is not reached
    #[arg(long, default_value = "1000000")]
    pub max_cycles: u64,
    /// Output CSV file [default: stdout]
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Overwrite --out if it exists (as `nessbat sweep --force`)
    #[arg(long, requires = "out")]
    pub force: bool,
}

/// A file already at `--out` is kept unless `--force`, as sweep keeps a
/// result folder: refused before any work.
fn refuse_existing(out: Option<&std::path::Path>, force: bool) -> Result<()> {
    match out {
        Some(p) if p.exists() && !force => Err(BadInput(format!(
            "--out {} already exists; accepted: a new path, or --force to overwrite it",
            p.display()
        ))
        .into()),
        _ => Ok(()),
    }
}

/// Traces are meant to be plotted; more rows than this is a typo.
const MAX_ROWS: u64 = 50_000_000;

pub fn run(cmd: &TraceCmd) -> Result<()> {
    match cmd {
        TraceCmd::Populations(c) => {
            if c.cycles == 0 || c.samples == 0 {
                return Err(BadInput("--cycles and --samples must be integers >= 1".into()).into());
            }
            if c.cycles.saturating_mul(c.samples as u64 + 2) > MAX_ROWS {
                return Err(BadInput(format!(
                    "--cycles × --samples must stay below {MAX_ROWS} rows"
                ))
                .into());
            }
            refuse_existing(c.out.as_deref(), c.force)?;
            let params = c.point.params()?;
            let rows = population_trace(
                &params,
                c.point.model,
                c.point.protocol,
                c.cycles,
                c.samples,
                c.idle,
            )?;
            super::output::write_atomic(c.out.as_deref(), samples_csv(&rows).as_bytes())
        }
        TraceCmd::Ergotropy(c) => {
            if c.max_cycles == 0 || c.max_cycles > MAX_ROWS {
                return Err(BadInput(format!(
                    "--max-cycles must be an integer from 1 to {MAX_ROWS}"
                ))
                .into());
            }
            refuse_existing(c.out.as_deref(), c.force)?;
            if let Some(path) = &c.config {
                return battery_trace(c, path);
            }
            let params = c.point.params()?;
            let (rows, converged) =
                ergotropy_per_cycle(&params, c.point.model, c.point.protocol, c.max_cycles)?;
            if !converged {
                eprintln!(
                    "warning: the OSS was not reached within {} cycles",
                    c.max_cycles
                );
            }
            let mut s = String::from("cycle,ergotropy\n");
            for (n, w) in rows {
                let _ = writeln!(s, "{n},{w}");
            }
            super::output::write_atomic(c.out.as_deref(), s.as_bytes())
        }
    }
}

/// `trace ergotropy --config`: a battery's cycles from its NESS to the OSS.
fn battery_trace(c: &ErgotropyCmd, path: &std::path::Path) -> Result<()> {
    use nessbat::battery::{trace::cycles, BatteryPoint};
    let text = std::fs::read_to_string(path)
        .map_err(|e| BadInput(format!("--config {}: {e}", path.display())))?;
    let config = nessbat::config::SweepConfig::parse(&text, &path.display().to_string())
        .map_err(|e| BadInput(e.to_string()))?;
    let p = BatteryPoint::from_config(&config)
        .map_err(|e| BadInput(format!("{}: {e}", path.display())))?;
    let Some((rows, converged)) = cycles(&p.spectrum, &p.baths, p.tau, c.max_cycles) else {
        let f = p.figures();
        return Err(BadInput(format!(
            "{}: no cycles to trace: {}",
            path.display(),
            f.message.unwrap_or_default()
        ))
        .into());
    };
    // Said once there is a trace (a refusal stays one line).
    for w in &p.warnings {
        eprintln!("warning: {}: {w}", path.display());
    }
    if !converged {
        eprintln!(
            "warning: the OSS was not reached within {} cycles",
            c.max_cycles
        );
    }
    let mut s = String::from("cycle,ergotropy");
    for n in &p.names {
        let _ = write!(s, ",heat_{n}");
    }
    s.push('\n');
    for r in rows {
        let _ = write!(s, "{},{}", r.cycle, r.ergotropy);
        for h in r.heats {
            let _ = write!(s, ",{h}");
        }
        s.push('\n');
    }
    super::output::write_atomic(c.out.as_deref(), s.as_bytes())
}
