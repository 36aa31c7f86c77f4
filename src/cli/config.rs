//! `nessbat config`: a config to start from — the embedded default, or the
//! one a result folder recorded — printed as TOML.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use super::BadInput;

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("which").required(true).args(["default", "from"])))]
pub struct ConfigCmd {
    /// Print the embedded default config (what `nessbat sweep` runs without --config)
    #[arg(long)]
    pub default: bool,
    /// Print the config recorded in a result folder (or its metadata.json)
    #[arg(long, value_name = "FOLDER")]
    pub from: Option<PathBuf>,
}

pub fn run(cmd: &ConfigCmd) -> Result<()> {
    let text = match &cmd.from {
        None => nessbat::config::DEFAULT_CONFIG.to_string(),
        Some(p) => {
            let (cfg, origin) = super::run_args::load_config(Some(p))?;
            // Checked as the command that runs it would: a battery's
            // grid, or the built-in model's.
            let cfg = match cfg.battery.is_some() {
                true => {
                    nessbat::battery::BatteryGrid::new(&cfg, nessbat::battery::grid::Use::Sweep)
                        .map_err(|e| BadInput(format!("{origin}: {e}")))?
                        .config
                }
                false => super::run_args::grid_of(cfg, &origin, None)?.config,
            };
            nessbat::config::to_toml(&cfg).map_err(|e| BadInput(e.to_string()))?
        }
    };
    super::output::write_atomic(None, text.as_bytes())
}
