//! What every running command shares: the backend and precision flags,
//! and reading a sweep config (the embedded default without --config).

use clap::ValueEnum;

use super::BadInput;
use nessbat::backend::gpu::shader_source::Precision;
use nessbat::backend::run::BackendChoice;
use nessbat::config::{SweepConfig, DEFAULT_CONFIG};
use nessbat::grid::Grid;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum BackendArg {
    Auto,
    Gpu,
    Cpu,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum PrecisionArg {
    F32,
    F64,
}

impl From<BackendArg> for BackendChoice {
    fn from(b: BackendArg) -> BackendChoice {
        match b {
            BackendArg::Auto => BackendChoice::Auto,
            BackendArg::Gpu => BackendChoice::Gpu,
            BackendArg::Cpu => BackendChoice::Cpu,
        }
    }
}

impl From<PrecisionArg> for Precision {
    fn from(p: PrecisionArg) -> Precision {
        match p {
            PrecisionArg::F32 => Precision::F32,
            PrecisionArg::F64 => Precision::F64,
        }
    }
}

/// Reads and checks the config: every problem is the user's (exit 2).
pub fn load_grid(config: Option<&std::path::Path>) -> Result<Grid, BadInput> {
    let (text, origin) = match config {
        Some(p) => (
            std::fs::read_to_string(p)
                .map_err(|e| BadInput(format!("--config {}: {e}", p.display())))?,
            p.display().to_string(),
        ),
        None => (
            DEFAULT_CONFIG.to_string(),
            "embedded default config".to_string(),
        ),
    };
    let cfg = SweepConfig::parse(&text, &origin).map_err(|e| BadInput(e.to_string()))?;
    Grid::new(cfg).map_err(|e| BadInput(format!("{origin}: {e}")))
}
