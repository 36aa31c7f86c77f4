//! What every running command shares: the backend and precision flags,
//! and reading a sweep config (the embedded default without --config).

use clap::ValueEnum;

/// The plots' file format: PNG always, SVG beside it on request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlotFormat {
    Png,
    Svg,
}

use super::BadInput;
use nessbat::config::{SweepConfig, DEFAULT_CONFIG};
use nessbat::grid::Grid;

/// The grid of a parsed config (`origin` names it in messages), keeping
/// only `outputs` where given.
pub fn grid_of(
    mut cfg: SweepConfig,
    origin: &str,
    outputs: Option<&[String]>,
) -> Result<Grid, BadInput> {
    if let Some(names) = outputs {
        cfg = cfg
            .with_outputs(names, "--outputs")
            .map_err(|e| BadInput(e.to_string()))?;
    }
    // Warnings only for a config that runs: an error is the one line.
    let warnings = cfg.warnings();
    let grid = Grid::new(cfg).map_err(|e| BadInput(format!("{origin}: {e}")))?;
    for w in warnings {
        eprintln!("warning: {origin}: {w}");
    }
    Ok(grid)
}

/// Reads and parses the config (the embedded default without one), with
/// the name that messages give it.
pub fn load_config(config: Option<&std::path::Path>) -> Result<(SweepConfig, String), BadInput> {
    let (text, origin) = match config {
        Some(p) => {
            let p = if p.is_dir() {
                p.join("metadata.json")
            } else {
                p.to_path_buf()
            };
            let text = std::fs::read_to_string(&p)
                .map_err(|e| BadInput(format!("--config {}: {e}", p.display())))?;
            let text = if p.extension().is_some_and(|e| e == "json") {
                recorded_config(&text)
                    .map_err(|e| BadInput(format!("--config {}: {e}", p.display())))?
            } else {
                text
            };
            (text, p.display().to_string())
        }
        None => (
            DEFAULT_CONFIG.to_string(),
            "embedded default config".to_string(),
        ),
    };
    let cfg = SweepConfig::parse(&text, &origin).map_err(|e| BadInput(e.to_string()))?;
    Ok((cfg, origin))
}

/// The config a metadata.json recorded, as TOML text.
fn recorded_config(json: &str) -> Result<String, String> {
    let meta: serde_json::Value =
        serde_json::from_str(json).map_err(|e| format!("not JSON ({e})"))?;
    if let Some(t) = meta["config_toml"].as_str() {
        return Ok(t.to_string());
    }
    let cfg: SweepConfig = serde_json::from_value(meta["config"].clone())
        .map_err(|_| "records no config; accepted: a TOML config, or the metadata.json of a sweep, merge or Pareto front".to_string())?;
    nessbat::config::to_toml(&cfg).map_err(|e| e.to_string())
}
