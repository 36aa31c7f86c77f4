//! `nessbat point`: one parameter point, as a table or as JSON.

use nessbat::kernels::Named;
use std::fmt::Write;

use anyhow::Result;
use clap::Args;

use super::args::PointArgs;
use super::BadInput;
use nessbat::backend::point::point as compute_point;
use nessbat::battery::BatteryPoint;
use nessbat::config::SweepConfig;
use nessbat::model::{EngineParams, RateKind, Rates, TransitionRates, LEVEL_NAMES};
use nessbat::oracle::oss::OssOptions;
use nessbat::oracle::PointFigures;

#[derive(Debug, Args)]
pub struct PointCmd {
    #[command(flatten)]
    pub point: PointArgs,
    /// Print one JSON object instead of the table
    #[arg(long)]
    pub json: bool,
    /// A battery config instead of the flags: TOML with a [battery] table
    /// (the Hamiltonian and each bath's coupling) and its parameters in
    /// [fixed] (tau, t_NAME, gamma_NAME per bath); see the README
    #[arg(long, conflicts_with_all = [
        "omega0", "lambda", "tau", "t_a", "t_s", "gamma", "gamma_a", "gamma_s",
        "rate_a_up", "rate_a_down", "rate_s_up", "rate_s_down", "pump", "local_decay",
        "collective_decay", "model", "protocol", "rates", "detuning", "dephasing",
    ])]
    pub config: Option<std::path::PathBuf>,
}

/// One point of a user-defined battery.
fn battery(cmd: &PointCmd, path: &std::path::Path) -> Result<()> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| BadInput(format!("--config {}: {e}", path.display())))?;
    let config = SweepConfig::parse(&text, &path.display().to_string())
        .map_err(|e| BadInput(e.to_string()))?;
    let point = BatteryPoint::from_config(&config)
        .map_err(|e| BadInput(format!("{}: {e}", path.display())))?;
    for w in &point.warnings {
        eprintln!("warning: {}: {w}", path.display());
    }
    let f = point.figures();
    let text = if cmd.json {
        serde_json::to_string_pretty(&f.to_json())? + "\n"
    } else {
        f.table()
    };
    super::output::write_atomic(None, text.as_bytes())
}

pub fn run(cmd: &PointCmd) -> Result<()> {
    if let Some(path) = &cmd.config {
        return battery(cmd, path);
    }
    let params = cmd.point.params()?;
    // Once: the first temperature that looks like kelvin says it for both.
    if let Some(w) = [("--t-a", cmd.point.t_a), ("--t-s", cmd.point.t_s)]
        .into_iter()
        .find_map(|(key, t)| t.and_then(|t| nessbat::model::params::units_warning(key, t)))
    {
        eprintln!("warning: {w}");
    }
    let figures = compute_point(
        &params,
        cmd.point.model,
        cmd.point.protocol,
        &OssOptions::default(),
    )?;
    if !figures.converged {
        eprintln!(
            "warning: the OSS was not reached within {} cycles; figures are from the last cycle",
            figures.cycles
        );
    }
    let text = if cmd.json {
        serde_json::to_string_pretty(&figures)? + "\n"
    } else {
        table(cmd, &params, &Rates::from_params(&params), &figures)
    };
    super::output::write_atomic(None, text.as_bytes())
}

fn fmt_pops(p: &[f64; 4]) -> String {
    p.iter()
        .map(|v| format!("{v:>13.6e}"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn table(cmd: &PointCmd, params: &EngineParams, r: &Rates, f: &PointFigures) -> String {
    let a = &cmd.point;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "nessbat point: {} model, {} protocol",
        a.model.name(),
        a.protocol.name()
    );
    let _ = writeln!(
        s,
        "  omega0 = {}  lambda = {}  tau = {}",
        a.omega0, a.lambda, a.tau
    );
    let _ = writeln!(s, "  {}", baths(&params.baths));
    if f.rates == RateKind::Kms {
        // Each transition at its own Bohr frequency (lo = ω0 − r, hi = ω0 + r).
        let t = TransitionRates::from_params(params);
        let _ = writeln!(
            s,
            "  rates (kms): A: gg↔A Γ± = {:.6e}, {:.6e}  A↔ee Γ± = {:.6e}, {:.6e}",
            t.a.up_hi, t.a.down_hi, t.a.up_lo, t.a.down_lo
        );
        let _ = writeln!(
            s,
            "               S: gg↔S Γ± = {:.6e}, {:.6e}  S↔ee Γ± = {:.6e}, {:.6e}",
            t.s.up_lo, t.s.down_lo, t.s.up_hi, t.s.down_hi
        );
    } else {
        let _ = writeln!(
            s,
            "  rates (eq9): Γ_A+ = {:.6e}  Γ_A− = {:.6e}  Γ_S+ = {:.6e}  Γ_S− = {:.6e}",
            r.a_up, r.a_down, r.s_up, r.s_down
        );
    }
    let how = if f.cycles == 0 {
        "solved directly".to_string()
    } else {
        format!("after {} cycles", f.cycles)
    };
    let eff = |v: f64| {
        if v.is_finite() {
            format!("{v:.6e}")
        } else {
            "n/a (no heat absorbed)".into()
        }
    };
    let _ = writeln!(s, "\nOperational steady state ({how})");
    let _ = writeln!(s, "  ergotropy per cycle  {:>13.6e}", f.ergotropy);
    let _ = writeln!(s, "  power                {:>13.6e}", f.power);
    let _ = writeln!(s, "  efficiency           {:>13}", eff(f.efficiency));
    let _ = writeln!(s, "  heat from A          {:>13.6e}", f.heat_a);
    let _ = writeln!(s, "  heat from S          {:>13.6e}", f.heat_s);
    let _ = writeln!(s, "  heat from dephasing  {:>13.6e}", f.heat_dephasing);
    let _ = writeln!(s, "  heat absorbed        {:>13.6e}", f.heat_in);
    let _ = writeln!(s, "  heat from hot bath   {:>13.6e}", f.heat_hot);
    let sigma = if f.entropy_production.is_finite() {
        format!("{:.6e}", f.entropy_production)
    } else {
        "n/a (needs two thermal baths)".into()
    };
    let _ = writeln!(s, "  entropy production   {sigma:>13}");
    let _ = writeln!(
        s,
        "  status               {:>13}  (estimated relative error {:.1e})",
        f.status.name(),
        f.error_estimate
    );
    let names = LEVEL_NAMES
        .iter()
        .map(|n| format!("{n:>13}"))
        .collect::<Vec<_>>()
        .join(" ");
    let _ = writeln!(s, "  populations          {names}");
    let _ = writeln!(
        s,
        "    passive (start)    {}",
        fmt_pops(&f.populations_passive)
    );
    let _ = writeln!(
        s,
        "    charged (end)      {}",
        fmt_pops(&f.populations_charged)
    );
    let _ = writeln!(s, "\nNESS");
    let _ = writeln!(
        s,
        "  populations          {}",
        fmt_pops(&f.ness.populations)
    );
    let _ = writeln!(s, "  ergotropy            {:>13.6e}", f.ness.ergotropy);
    let _ = writeln!(s, "  heat flux from A     {:>13.6e}", f.ness.heat_flux_a);
    let _ = writeln!(s, "\nShort-cycle limit (Eqs. 14-16)");
    match &f.short_cycle_limit {
        Some(l) => {
            let _ = writeln!(s, "  power                {:>13.6e}", l.power);
            let _ = writeln!(s, "  efficiency           {:>13}", eff(l.efficiency));
        }
        None => {
            let _ = writeln!(
                s,
                "  n/a (Eqs. 14-16 need Eq. 9 rates and a working engine: K > 0, ΣΓ− > ΣΓ+)"
            );
        }
    }
    s
}

/// The baths as used, defaults filled in: what `point` echoes.
fn baths(b: &nessbat::model::params::Baths) -> String {
    use nessbat::model::params::Baths;
    use nessbat::model::Bath;
    let one = |name: &str, bath: &Bath| match bath {
        Bath::Thermal {
            temperature,
            gamma0,
        } => format!("bath {name}: thermal, T = {temperature}, Γ0 = {gamma0}"),
        Bath::Rates { up, down } => format!("bath {name}: explicit rates Γ+ = {up}, Γ− = {down}"),
    };
    match b {
        Baths::Separate { a, s } => format!("{}; {}", one("A", a), one("S", s)),
        Baths::Physical {
            pump,
            local_decay,
            collective_decay,
        } => format!(
            "baths: physical implementation, pump p = {pump}, local decay γ = {local_decay}, collective decay Γ = {collective_decay}"
        ),
    }
}
